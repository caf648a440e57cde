#include "engine/sandboxclient.h"
#include "setup/sessionsetup.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

class TestSandbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void helperEntersItsOwnNetworkNamespace();
    void socketsAreMadeInTheSandbox_data();
    void socketsAreMadeInTheSandbox();
    void sandboxPortsAreInvisibleOnTheHost();
    void packetAndDiagnosticsSockets();
    void helperEndsWithItsClient();
    void noHelperLeftAfterTheAppIsKilled();
    void setupUsesTheSandbox();
    void setupFallsBackAndSaysWhy_data();
    void setupFallsBackAndSaysWhy();

private:
    std::shared_ptr<SandboxClient> startOrSkip();
    QString m_helper;
};

namespace {

QByteArray namespaceOf(pid_t pid)
{
    return QFile::symLinkTarget(QStringLiteral("/proc/%1/ns/net").arg(pid)).toLocal8Bit();
}

// Running, as opposed to gone or a zombie that nobody reaped yet.
bool isRunning(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.size() > close + 2 && text.at(close + 2) != 'Z' && text.at(close + 2) != 'X';
}

QList<pid_t> childrenOf(qint64 parent)
{
    QList<pid_t> children;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(parent));
    for (const QString &task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile file(tasks.filePath(task + QStringLiteral("/children")));
        if (file.open(QIODevice::ReadOnly)) {
            for (const QByteArray &pid : file.readAll().split(' ')) {
                if (pid.trimmed().toInt() > 0)
                    children << pid.trimmed().toInt();
            }
        }
    }
    return children;
}

bool bindLoopback(int fd, quint16 port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
}

} // namespace

void TestSandbox::initTestCase()
{
    // The helper lives next to the socketscope binary; the tests run from elsewhere.
    m_helper =
        QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY)).absolutePath() + QStringLiteral("/socketscope-sandbox");
    QVERIFY2(QFileInfo(m_helper).isExecutable(), qPrintable(m_helper));
    qputenv("SOCKETSCOPE_SANDBOX", m_helper.toLocal8Bit());
}

std::shared_ptr<SandboxClient> TestSandbox::startOrSkip()
{
    auto client = SandboxClient::start();
    if (!client->isReady() && client->error().startsWith(QLatin1String("unshare")))
        return nullptr;
    return client;
}

void TestSandbox::helperEntersItsOwnNetworkNamespace()
{
    auto client = startOrSkip();
    if (!client)
        QSKIP("this kernel does not let the user make a network namespace (user namespaces restricted)");
    QVERIFY2(client->isReady(), qPrintable(client->error()));
    QVERIFY(client->helperPid() > 0);
    QVERIFY(isRunning(client->helperPid()));
    const QByteArray ours = namespaceOf(::getpid());
    const QByteArray theirs = namespaceOf(client->helperPid());
    QVERIFY(!ours.isEmpty());
    QVERIFY(!theirs.isEmpty());
    QVERIFY2(ours != theirs, ours.constData());
    QVERIFY(client->segmentationOff());
    QVERIFY(client->pingAllowed());
}

void TestSandbox::socketsAreMadeInTheSandbox_data()
{
    QTest::addColumn<int>("domain");
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("protocol");
    // glibc's SOCK_* are enumerators of their own type: the table holds ints.
    QTest::addRow("tcp") << AF_INET << int(SOCK_STREAM) << 0;
    QTest::addRow("udp") << AF_INET << int(SOCK_DGRAM) << 0;
    QTest::addRow("tcp6") << AF_INET6 << int(SOCK_STREAM) << 0;
    QTest::addRow("ping") << AF_INET << int(SOCK_DGRAM) << int(IPPROTO_ICMP);
    QTest::addRow("raw icmp") << AF_INET << int(SOCK_RAW) << int(IPPROTO_ICMP);
    QTest::addRow("unix seqpacket") << AF_UNIX << int(SOCK_SEQPACKET) << 0;
}

void TestSandbox::socketsAreMadeInTheSandbox()
{
    QFETCH(int, domain);
    QFETCH(int, type);
    QFETCH(int, protocol);
    auto client = startOrSkip();
    if (!client)
        QSKIP("user namespaces restricted");
    const int fd = client->createSocket(domain, type, protocol);
    QVERIFY2(fd >= 0, qPrintable(QString::fromLocal8Bit(strerror(-fd))));
    int actualType = 0;
    socklen_t size = sizeof actualType;
    QCOMPARE(::getsockopt(fd, SOL_SOCKET, SO_TYPE, &actualType, &size), 0);
    QCOMPARE(actualType, type);
    QVERIFY(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
    // Ports below 1024 are the namespace owner's to give, and the user owns this one.
    if (domain == AF_INET && type == SOCK_STREAM)
        QVERIFY2(bindLoopback(fd, 80), strerror(errno));
    ::close(fd);
}

void TestSandbox::sandboxPortsAreInvisibleOnTheHost()
{
    auto client = startOrSkip();
    if (!client)
        QSKIP("user namespaces restricted");
    const int listener = client->createSocket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(listener >= 0);
    QVERIFY(bindLoopback(listener, 0));
    QCOMPARE(::listen(listener, 1), 0);
    sockaddr_in address{};
    socklen_t size = sizeof address;
    QCOMPARE(::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &size), 0);

    // From the sandbox the port answers; from the host's loopback nobody listens there.
    const int inside = client->createSocket(AF_INET, SOCK_STREAM, 0);
    QCOMPARE(::connect(inside, reinterpret_cast<sockaddr *>(&address), size), 0);
    const int outside = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QCOMPARE(::connect(outside, reinterpret_cast<sockaddr *>(&address), size), -1);
    QCOMPARE(errno, ECONNREFUSED);
    ::close(inside);
    ::close(outside);
    ::close(listener);
}

void TestSandbox::packetAndDiagnosticsSockets()
{
    auto client = startOrSkip();
    if (!client)
        QSKIP("user namespaces restricted");
    int loopback = 0;
    const int packet = client->createPacketSocket(&loopback);
    QVERIFY2(packet >= 0, strerror(-packet));
    QVERIFY(loopback > 0);
    int type = 0;
    socklen_t size = sizeof type;
    QCOMPARE(::getsockopt(packet, SOL_SOCKET, SO_DOMAIN, &type, &size), 0);
    QCOMPARE(type, AF_PACKET);
    const int diag = client->createDiagSocket();
    QVERIFY2(diag >= 0, strerror(-diag));
    QCOMPARE(::getsockopt(diag, SOL_SOCKET, SO_DOMAIN, &type, &size), 0);
    QCOMPARE(type, AF_NETLINK);
    ::close(packet);
    ::close(diag);
    // The helper refuses what it does not know and stays up.
    QCOMPARE(client->createSocket(12345, SOCK_STREAM, 0), -EAFNOSUPPORT);
    QVERIFY(client->createSocket(AF_INET, SOCK_DGRAM, 0) >= 0);
}

void TestSandbox::helperEndsWithItsClient()
{
    auto client = startOrSkip();
    if (!client)
        QSKIP("user namespaces restricted");
    const pid_t pid = client->helperPid();
    QVERIFY(isRunning(pid));
    client.reset();
    QVERIFY(!isRunning(pid));
}

void TestSandbox::noHelperLeftAfterTheAppIsKilled()
{
    if (!startOrSkip())
        QSKIP("user namespaces restricted");
    // A scenario that waits in accept() for eight seconds: time enough to kill the app mid-run.
    QTemporaryDir directory;
    const QString file = directory.filePath(QStringLiteral("waits.json"));
    QFile json(file);
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(R"({"id": "waits", "title": "waits", "actors": [{"id": "server"}], "steps": [
        {"actor": "server", "call": "socket", "creates": "listener", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}},
        {"actor": "server", "call": "bind", "socket": "listener", "args": {"address": "127.0.0.1", "port": 8080}},
        {"actor": "server", "call": "listen", "socket": "listener", "args": {"backlog": 1}},
        {"actor": "server", "call": "accept", "socket": "listener", "creates": "conn"}]})");
    json.close();

    QProcess app;
    app.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    app.start(QStringLiteral(SOCKETSCOPE_BINARY), {QStringLiteral("run"), file});
    QVERIFY(app.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += app.readAllStandardOutput()).contains("blocked"), 10000);
    QVERIFY2(output.contains("Sandbox"), output.constData());
    const QList<pid_t> helpers = childrenOf(app.processId());
    QCOMPARE(helpers.size(), 1);
    QVERIFY(isRunning(helpers.first()));
    QVERIFY(namespaceOf(helpers.first()) != namespaceOf(::getpid()));

    ::kill(pid_t(app.processId()), SIGKILL);
    QVERIFY(app.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(helpers.first()), 5000);
}

void TestSandbox::setupUsesTheSandbox()
{
    if (!startOrSkip())
        QSKIP("user namespaces restricted");
    const Scenario scenario = testsupport::makeScenario(
        {QStringLiteral("server")},
        {QStringLiteral(
            R"({"actor": "server", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})")});
    SessionSetup setup = setUpSession(scenario);
    QCOMPARE(setup.mode, QStringLiteral("sandbox"));
    QVERIFY(setup.capture);
    QVERIFY(setup.sandbox);
    QVERIFY(!setup.tap.expired());
    QVERIFY(setup.description.contains(QLatin1String("private network namespace")));
    QVERIFY(setup.session->runToEnd());
}

void TestSandbox::setupFallsBackAndSaysWhy_data()
{
    QTest::addColumn<bool>("hostLoopback");
    QTest::addColumn<QString>("helper");
    QTest::addColumn<QString>("reason");
    QTest::addRow("asked for") << true << m_helper << QStringLiteral("--host-loopback");
    QTest::addRow("helper missing") << false << QStringLiteral("/nonexistent/socketscope-sandbox")
                                    << QStringLiteral(
                                           "could not be entered (the sandbox helper /nonexistent");
}

void TestSandbox::setupFallsBackAndSaysWhy()
{
    QFETCH(bool, hostLoopback);
    QFETCH(QString, helper);
    QFETCH(QString, reason);
    qputenv("SOCKETSCOPE_SANDBOX", helper.toLocal8Bit());
    const Scenario scenario = testsupport::makeScenario(
        {QStringLiteral("server")},
        {QStringLiteral(
            R"({"actor": "server", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})")});
    SessionSetupOptions options;
    options.hostLoopback = hostLoopback;
    SessionSetup setup = setUpSession(scenario, options);
    qputenv("SOCKETSCOPE_SANDBOX", m_helper.toLocal8Bit());
    QCOMPARE(setup.mode, QStringLiteral("host"));
    QVERIFY2(setup.description.contains(reason), qPrintable(setup.description));
    QVERIFY(!setup.sandbox);
    // Capture on the host is exactly as possible as opening a packet socket is for this process.
    const int probe = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    const bool mayCapture = probe >= 0;
    if (probe >= 0)
        ::close(probe);
    QCOMPARE(setup.capture, mayCapture);
    QCOMPARE(setup.tap.expired(), !mayCapture);
    if (!mayCapture)
        QVERIFY(setup.description.contains(QLatin1String("CAP_NET_RAW")));
    QVERIFY(setup.session->runToEnd());
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
