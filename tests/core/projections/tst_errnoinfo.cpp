#include "posix/symbols.h"
#include "projections/errnoinfo.h"

#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

class TestErrnoInfo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handWritten_data();
    void handWritten();
    void realFailureIsExplained_data();
    void realFailureIsExplained();
    void callTunesTheSentence_data();
    void callTunesTheSentence();
    void unknownNameFallsBack();
    void aliasNamesTheSameErrno();
};

namespace {

// The errnos the engine meets in its own tests and the built-in lessons.
const char *const EngineErrnos[] = {
    "EADDRINUSE", "ECONNREFUSED", "EINVAL",      "ENOTCONN",   "EAGAIN",    "EBADF",        "EPIPE",
    "ECONNRESET", "EINPROGRESS",  "EACCES",      "EOPNOTSUPP", "EMSGSIZE",  "EDESTADDRREQ", "EISCONN",
    "ENOENT",     "EAFNOSUPPORT", "ENOPROTOOPT", "EPERM",      "ETIMEDOUT", "EALREADY"};

// A descriptor that is closed when the case ends, failed or not.
struct Fd
{
    int fd = -1;
    explicit Fd(int value)
        : fd(value)
    {
    }
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    operator int() const { return fd; }
};

sockaddr_in loopback(quint16 port = 0)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

const sockaddr *raw(const sockaddr_in &address)
{
    return reinterpret_cast<const sockaddr *>(&address);
}

// A TCP listener on 127.0.0.1 with a port the kernel picked, so that tests running side by side do
// not collide.
sockaddr_in listenOn(int fd)
{
    sockaddr_in address = loopback();
    socklen_t length = sizeof address;
    if (::bind(fd, raw(address), sizeof address) != 0 || ::listen(fd, 8) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return loopback();
    return address;
}

// Each case performs real calls on loopback and returns the errno of the one that must fail (0 when
// it did not fail).
using Provocation = std::function<int()>;

int failure(long result)
{
    return result < 0 ? errno : 0;
}

} // namespace

void TestErrnoInfo::handWritten_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : EngineErrnos)
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestErrnoInfo::handWritten()
{
    QFETCH(QString, name);
    QVERIFY2(errnoinfo::knownNames().contains(name), "no hand-written sentence");
    const QString text = errnoinfo::explain(name);
    const auto value = symbols::errnoValue(name);
    QVERIFY(value);
    // Not the C library's terse message: a sentence that says why.
    QVERIFY(text.compare(QString::fromLocal8Bit(std::strerror(*value)), Qt::CaseInsensitive) != 0);
    QVERIFY2(text.size() > 40, qPrintable(text));
    // One sentence: no full stop inside or at the end (the caller puts it in a line of its own).
    QVERIFY2(!text.contains(QStringLiteral(". ")) && !text.endsWith(u'.'), qPrintable(text));
    QVERIFY2(text.size() < 260, qPrintable(text));
}

void TestErrnoInfo::realFailureIsExplained_data()
{
    QTest::addColumn<Provocation>("provoke");
    QTest::addColumn<QString>("expected");

    QTest::newRow("second bind") << Provocation([] {
        Fd first(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = listenOn(first);
        Fd second(::socket(AF_INET, SOCK_STREAM, 0));
        return failure(::bind(second, raw(address), sizeof address));
    }) << QStringLiteral("EADDRINUSE");
    QTest::newRow("connect, nobody listening") << Provocation([] {
        // Bound but not listening: the port is ours, and the kernel answers a SYN with a reset.
        Fd bound(::socket(AF_INET, SOCK_STREAM, 0));
        sockaddr_in address = loopback();
        socklen_t length = sizeof address;
        ::bind(bound, raw(address), sizeof address);
        ::getsockname(bound, reinterpret_cast<sockaddr *>(&address), &length);
        Fd client(::socket(AF_INET, SOCK_STREAM, 0));
        return failure(::connect(client, raw(address), sizeof address));
    }) << QStringLiteral("ECONNREFUSED");
    QTest::newRow("accept before listen") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = loopback();
        ::bind(fd, raw(address), sizeof address);
        return failure(::accept(fd, nullptr, nullptr));
    }) << QStringLiteral("EINVAL");
    QTest::newRow("recv on unconnected stream") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
        char byte = 0;
        return failure(::recv(fd, &byte, 1, 0));
    }) << QStringLiteral("ENOTCONN");
    QTest::newRow("non-blocking recv, nothing there") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
        const sockaddr_in address = loopback();
        ::bind(fd, raw(address), sizeof address);
        char byte = 0;
        return failure(::recv(fd, &byte, 1, 0));
    }) << QStringLiteral("EAGAIN");
    QTest::newRow("use after close") << Provocation([] {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        ::close(fd);
        fd = -1; // the number itself may be reused by now; -1 is never open
        char byte = 0;
        return failure(::recv(fd, &byte, 1, 0));
    }) << QStringLiteral("EBADF");
    QTest::newRow("send after shutdown") << Provocation([] {
        Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = listenOn(listener);
        Fd client(::socket(AF_INET, SOCK_STREAM, 0));
        ::connect(client, raw(address), sizeof address);
        ::shutdown(client, SHUT_WR);
        return failure(::send(client, "x", 1, MSG_NOSIGNAL));
    }) << QStringLiteral("EPIPE");
    QTest::newRow("peer closed with unread data") << Provocation([] {
        Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = listenOn(listener);
        Fd client(::socket(AF_INET, SOCK_STREAM, 0));
        ::connect(client, raw(address), sizeof address);
        ::send(client, "unread", 6, MSG_NOSIGNAL);
        ::close(::accept(listener, nullptr, nullptr)); // unread bytes: the kernel sends RST
        char buffer[8];
        return failure(::recv(client, buffer, sizeof buffer, 0));
    }) << QStringLiteral("ECONNRESET");
    QTest::newRow("non-blocking connect") << Provocation([] {
        Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = listenOn(listener);
        Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
        return failure(::connect(client, raw(address), sizeof address));
    }) << QStringLiteral("EINPROGRESS");
    QTest::newRow("listen on a datagram socket") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
        return failure(::listen(fd, 1));
    }) << QStringLiteral("EOPNOTSUPP");
    QTest::newRow("datagram too long") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
        const QByteArray big(70000, 'x');
        const sockaddr_in address = loopback(9);
        return failure(::sendto(fd, big.constData(), big.size(), 0, raw(address), sizeof address));
    }) << QStringLiteral("EMSGSIZE");
    QTest::newRow("send without destination") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
        return failure(::send(fd, "x", 1, 0));
    }) << QStringLiteral("EDESTADDRREQ");
    QTest::newRow("connect twice") << Provocation([] {
        Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
        const sockaddr_in address = listenOn(listener);
        Fd client(::socket(AF_INET, SOCK_STREAM, 0));
        ::connect(client, raw(address), sizeof address);
        return failure(::connect(client, raw(address), sizeof address));
    }) << QStringLiteral("EISCONN");
    QTest::newRow("no Unix socket at the path") << Provocation([] {
        QTemporaryDir directory;
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray path = directory.filePath(QStringLiteral("nobody.sock")).toUtf8();
        std::strncpy(address.sun_path, path.constData(), sizeof address.sun_path - 1);
        Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
        return failure(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address));
    }) << QStringLiteral("ENOENT");
    QTest::newRow("TCP option on UDP") << Provocation([] {
        Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
        const int one = 1;
        return failure(::setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one));
    }) << QStringLiteral("ENOPROTOOPT");
    QTest::newRow("IPv6 address on IPv4 socket") << Provocation([] {
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_addr = in6addr_loopback;
        address.sin6_port = htons(9);
        Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
        return failure(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address));
    }) << QStringLiteral("EAFNOSUPPORT");
}

void TestErrnoInfo::realFailureIsExplained()
{
    QFETCH(Provocation, provoke);
    QFETCH(QString, expected);
    const int error = provoke();
    QVERIFY2(error != 0, "the call did not fail");
    const QString name = symbols::errnoName(error);
    QCOMPARE(name, expected);
    QVERIFY2(errnoinfo::knownNames().contains(name), qPrintable(name));
    QVERIFY(errnoinfo::explain(name) != QString::fromLocal8Bit(std::strerror(error)));
}

void TestErrnoInfo::callTunesTheSentence_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("call");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("accept before listen")
        << QStringLiteral("EINVAL") << QStringLiteral("accept") << QStringLiteral("never called listen()");
    QTest::newRow("second bind") << QStringLiteral("EINVAL") << QStringLiteral("bind")
                                 << QStringLiteral("a socket is bound once");
    QTest::newRow("udp refused on recv") << QStringLiteral("ECONNREFUSED") << QStringLiteral("recv")
                                         << QStringLiteral("ICMP port unreachable");
    QTest::newRow("listen on udp") << QStringLiteral("EOPNOTSUPP") << QStringLiteral("listen")
                                   << QStringLiteral("cannot listen");
    QTest::newRow("no peer to name") << QStringLiteral("ENOTCONN") << QStringLiteral("getpeername")
                                     << QStringLiteral("no peer");
    QTest::newRow("other call: generic") << QStringLiteral("EINVAL") << QStringLiteral("listen")
                                         << QStringLiteral("accept() on a socket that is not listening");
}

void TestErrnoInfo::callTunesTheSentence()
{
    QFETCH(QString, name);
    QFETCH(QString, call);
    QFETCH(QString, fragment);
    const QString text = errnoinfo::explain(name, call);
    QVERIFY2(text.contains(fragment), qPrintable(text));
}

void TestErrnoInfo::unknownNameFallsBack()
{
    // Not in the table: the C library's own words rather than nothing.
    QCOMPARE(errnoinfo::explain(QStringLiteral("EXDEV")), QString::fromLocal8Bit(std::strerror(EXDEV)));
    QCOMPARE(errnoinfo::explain(QStringLiteral("ENOTANERRNO")), QStringLiteral("unknown error"));
}

void TestErrnoInfo::aliasNamesTheSameErrno()
{
    QCOMPARE(symbols::errnoValue(QStringLiteral("EWOULDBLOCK")), std::optional<int>(EAGAIN));
    QCOMPARE(symbols::errnoValue(QStringLiteral("ENOTSUP")), std::optional<int>(EOPNOTSUPP));
    QCOMPARE(symbols::errnoName(EWOULDBLOCK), QStringLiteral("EAGAIN"));
}

QTEST_GUILESS_MAIN(TestErrnoInfo)
#include "tst_errnoinfo.moc"
