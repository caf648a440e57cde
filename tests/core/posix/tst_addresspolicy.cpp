#include "posix/addresspolicy.h"

#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

class TestAddressPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusal_data();
    void refusal();
    void isLoopback_data();
    void isLoopback();
};

void TestAddressPolicy::refusal_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("reason"); // empty: the address is allowed

    const auto row = [](const char *name, const char *domain, const QString &address, const char *reason) {
        QTest::newRow(name) << QString::fromLatin1(domain) << address << QString::fromLatin1(reason);
    };
    row("127.0.0.1", "AF_INET", QStringLiteral("127.0.0.1"), "");
    row("anywhere in 127/8", "AF_INET", QStringLiteral("127.200.3.4"), "");
    row("top of 127/8", "AF_INET", QStringLiteral("127.255.255.255"), "");
    row("::1", "AF_INET6", QStringLiteral("::1"), "");
    row("::1 written out", "AF_INET6", QStringLiteral("0:0:0:0:0:0:0:1"), "");
    row("unix name", "AF_UNIX", QStringLiteral("echo.sock"), "");
    row("unix subfolder", "AF_UNIX", QStringLiteral("lab/echo.sock"), "");
    row("unix dots in a name", "AF_UNIX", QStringLiteral("..echo.sock"), "");
    row("abstract", "AF_UNIX", QStringLiteral("@echo"), "");

    row("public IPv4", "AF_INET", QStringLiteral("8.8.8.8"), "not a loopback address");
    row("just below 127/8", "AF_INET", QStringLiteral("126.255.255.255"), "not a loopback address");
    row("just above 127/8", "AF_INET", QStringLiteral("128.0.0.1"), "not a loopback address");
    row("private network", "AF_INET", QStringLiteral("192.168.1.1"), "not a loopback address");
    row("broadcast", "AF_INET", QStringLiteral("255.255.255.255"), "not a loopback address");
    row("any", "AF_INET", QStringLiteral("0.0.0.0"), "every interface");
    row("trailing space", "AF_INET", QStringLiteral("127.0.0.1 "), "spaces");
    row("leading tab", "AF_INET", QStringLiteral("\t127.0.0.1"), "\\u0009");
    row("NUL then more", "AF_INET", QStringLiteral("127.0.0.1") + QChar(0) + QStringLiteral("8.8.8.8"),
        "\\u0000");
    row("short form", "AF_INET", QStringLiteral("127.1"), "not an IPv4 address");
    row("decimal form", "AF_INET", QStringLiteral("2130706433"), "not an IPv4 address");
    row("octal form", "AF_INET", QStringLiteral("0177.0.0.1"), "not an IPv4 address");
    row("localhost", "AF_INET", QStringLiteral("localhost"), "is a name, not an address");
    row("host name", "AF_INET", QStringLiteral("example.com"), "is a name");
    row("empty", "AF_INET", QString(), "must not be empty");
    row("IPv6 on IPv4", "AF_INET", QStringLiteral("::1"), "but the socket is AF_INET");
    row("IPv4 on IPv6", "AF_INET6", QStringLiteral("127.0.0.1"), "but the socket is AF_INET6");
    row("IPv6 any", "AF_INET6", QStringLiteral("::"), "every interface");
    row("IPv4-mapped public", "AF_INET6", QStringLiteral("::ffff:8.8.8.8"), "IPv4 address written as IPv6");
    row("IPv4-mapped loopback", "AF_INET6", QStringLiteral("::ffff:127.0.0.1"),
        "IPv4 address written as IPv6");
    row("IPv6 documentation", "AF_INET6", QStringLiteral("2001:db8::1"), "not the loopback address");
    row("IPv6 link-local", "AF_INET6", QStringLiteral("fe80::1"), "not the loopback address");
    row("IPv6 with scope", "AF_INET6", QStringLiteral("::1%lo"), "not an IPv6 address");
    row("IPv6 in brackets", "AF_INET6", QStringLiteral("[::1]"), "not an IPv6 address");
    row("absolute path", "AF_UNIX", QStringLiteral("/tmp/echo.sock"), "is absolute");
    row("parent folder", "AF_UNIX", QStringLiteral("../echo.sock"), "leaves the session's own directory");
    row("parent in the middle", "AF_UNIX", QStringLiteral("a/../../echo.sock"),
        "leaves the session's own directory");
    row("empty path", "AF_UNIX", QString(), "must not be empty");
    row("NUL in path", "AF_UNIX", QStringLiteral("a") + QChar(0) + QStringLiteral("/etc/x"),
        "control characters");
    row("long path", "AF_UNIX", QString(61, u'x'), "longer than 60 bytes");
    row("abstract without name", "AF_UNIX", QStringLiteral("@"), "1 to 99 bytes");
    row("abstract too long", "AF_UNIX", u'@' + QString(100, u'x'), "1 to 99 bytes");
    row("IPv4 on a Unix socket", "AF_UNIX", QStringLiteral("127.0.0.1"), "looks like an IP address");
    row("IPv6 on a Unix socket", "AF_UNIX", QStringLiteral("::1"), "looks like an IP address");
    row("unknown family", "AF_PACKET", QStringLiteral("127.0.0.1"), "family is unknown");
}

void TestAddressPolicy::refusal()
{
    QFETCH(QString, domain);
    QFETCH(QString, address);
    QFETCH(QString, reason);
    const QString refusal = addresspolicy::refusal(domain, address);
    if (reason.isEmpty()) {
        QVERIFY2(refusal.isEmpty(), qPrintable(refusal));
    } else {
        QVERIFY2(refusal.contains(reason), qPrintable(refusal));
    }
}

void TestAddressPolicy::isLoopback_data()
{
    QTest::addColumn<QByteArray>("address");
    QTest::addColumn<bool>("loopback");

    const auto v4 = [](const char *text) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        inet_pton(AF_INET, text, &address.sin_addr);
        return QByteArray(reinterpret_cast<const char *>(&address), sizeof address);
    };
    const auto v6 = [](const char *text) {
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        inet_pton(AF_INET6, text, &address.sin6_addr);
        return QByteArray(reinterpret_cast<const char *>(&address), sizeof address);
    };
    sockaddr_un unix{};
    unix.sun_family = AF_UNIX;
    QTest::newRow("127.0.0.1") << v4("127.0.0.1") << true;
    QTest::newRow("127.9.9.9") << v4("127.9.9.9") << true;
    QTest::newRow("10.0.0.1") << v4("10.0.0.1") << false;
    QTest::newRow("0.0.0.0") << v4("0.0.0.0") << false;
    QTest::newRow("::1") << v6("::1") << true;
    QTest::newRow("::ffff:127.0.0.1") << v6("::ffff:127.0.0.1") << false;
    QTest::newRow("2001:db8::1") << v6("2001:db8::1") << false;
    QTest::newRow("unix") << QByteArray(reinterpret_cast<const char *>(&unix), sizeof unix) << true;
    QTest::newRow("truncated IPv4") << v4("127.0.0.1").left(4) << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void TestAddressPolicy::isLoopback()
{
    QFETCH(QByteArray, address);
    QFETCH(bool, loopback);
    QCOMPARE(addresspolicy::isLoopback(reinterpret_cast<const sockaddr *>(address.constData()),
                                       socklen_t(address.size())),
             loopback);
}

QTEST_GUILESS_MAIN(TestAddressPolicy)
#include "tst_addresspolicy.moc"
