#include "decode/packetdecoder.h"
#include "engine/sandboxclient.h"
#include "engine/session.h"
#include "engine/socketfactory.h"
#include "privatenamespace.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

// ICMP has no ports: a raw socket and a ping socket send an echo request to 127.0.0.1 and read the
// reply, on real sockets in a private network namespace where ping sockets are allowed and every
// frame on lo is the test's own.
namespace {

// Binds a packet socket to lo, each frame kept once.
int openCapture(int fd, int loopbackIndex)
{
    if (fd < 0)
        return -1;
    const int ignoreOutgoing = 1;
    ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignoreOutgoing, sizeof ignoreOutgoing);
    sockaddr_ll link{};
    link.sll_family = AF_PACKET;
    link.sll_protocol = htons(ETH_P_ALL);
    link.sll_ifindex = loopbackIndex;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&link), sizeof link) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct Place
{
    std::shared_ptr<SocketFactory> factory;
    std::shared_ptr<SandboxClient> sandbox;
    int capture = -1;
};

// As root, a namespace of the test's own; as a plain user, the app's sandbox helper, which allows
// ping sockets and gives raw sockets and a packet socket inside its namespace.
Place openPlace()
{
    if (auto factory = testsupport::PrivateNamespaceFactory::create({true, true})) {
        // A new namespace's lo has index 1.
        const int capture = openCapture(factory->createSocket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), 1);
        return {factory, nullptr, capture};
    }
    if (qEnvironmentVariableIsEmpty("SOCKETSCOPE_SANDBOX"))
        qputenv("SOCKETSCOPE_SANDBOX", QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY))
                                           .dir()
                                           .filePath(QStringLiteral("socketscope-sandbox"))
                                           .toLocal8Bit());
    auto sandbox = SandboxClient::start();
    if (!sandbox || !sandbox->isReady() || !sandbox->pingAllowed())
        return {};
    int loopback = 0;
    const int fd = sandbox->createPacketSocket(&loopback);
    return {std::make_shared<SandboxSocketFactory>(sandbox), sandbox, openCapture(fd, loopback)};
}

QStringList capturedIcmp(int fd)
{
    QStringList summaries;
    for (;;) {
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, 50) <= 0)
            return summaries;
        QByteArray frame(65536, Qt::Uninitialized);
        const ssize_t n = ::recv(fd, frame.data(), frame.size(), 0);
        std::optional<PacketInfo> packet = packetdecoder::decode(frame.left(qMax<ssize_t>(n, 0)));
        if (packet && packet->proto == QLatin1String("ICMP")) {
            packetdecoder::summarize(*packet);
            summaries << packet->summary.section(u' ', 0, 0) + u' ' + packet->summary.section(u' ', 2);
        }
    }
}

QList<CallInfo> returnedCalls(const Trace &trace)
{
    QList<CallInfo> calls;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const CallInfo *call = trace.at(i).call();
        if (call && call->phase == CallInfo::Phase::Returned)
            calls << *call;
    }
    return calls;
}

} // namespace

class TestRawSockets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void echo_data();
    void echo();
};

void TestRawSockets::echo_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("receives");      // recvfrom calls in the scenario
    QTest::addColumn<QStringList>("types"); // the ICMP type of each datagram received
    QTest::addColumn<QString>("detail");    // how the reply was shown
    // A raw socket sees every ICMP message that arrives, its own echo request included, each
    // with the IP header in front.
    QTest::addRow("raw socket") << QStringLiteral("SOCK_RAW") << 2
                                << QStringList{QStringLiteral("8"), QStringLiteral("0")}
                                << QStringLiteral("from 127.0.0.1; an IPv4 header (20 bytes) first, then "
                                                  "echo-reply code 0 id=0x5353 seq=7, 4 data bytes");
    // A ping socket gets only the replies to its own requests, without the IP header; the kernel
    // chose the identifier.
    QTest::addRow("ping socket")
        << QStringLiteral("SOCK_DGRAM") << 1 << QStringList{QStringLiteral("0")}
        << QStringLiteral("from 127.0.0.1; the ICMP message alone (no IP header): echo-reply code 0 id=");
}

void TestRawSockets::echo()
{
    QFETCH(QString, type);
    QFETCH(int, receives);
    QFETCH(QStringList, types);
    QFETCH(QString, detail);
    const Place place = openPlace();
    if (!place.factory)
        QSKIP("neither a namespace of the test's own (root) nor the sandbox can be entered here");
    const int capture = place.capture;
    QVERIFY(capture >= 0);

    QStringList steps{
        QStringLiteral(
            R"({"actor": "p", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "%1", "protocol": "IPPROTO_ICMP"}})")
            .arg(type),
        QStringLiteral(
            R"({"actor": "p", "call": "sendto", "socket": "s", "args": {"address": "127.0.0.1", "icmp": "echo-request", "sequence": 7, "data": "ping"}})")};
    for (int i = 0; i < receives; ++i)
        steps << QStringLiteral(
            R"({"actor": "p", "call": "recvfrom", "socket": "s", "args": {"length": 1024}})");
    const Scenario scenario = testsupport::makeScenario({QStringLiteral("p")}, steps);
    QCOMPARE(scenario.steps.size(), steps.size());
    Session session(scenario, place.factory);
    QVERIFY(session.runToEnd());

    const QList<CallInfo> calls = returnedCalls(session.trace());
    QCOMPARE(calls.size(), 2 + receives);
    QCOMPARE(calls.at(1).result, 8 + 4); // the ICMP header and "ping"
    QStringList received;
    for (int i = 2; i < calls.size(); ++i) {
        const QByteArray &data = calls.at(i).data;
        const int at = type == QLatin1String("SOCK_RAW") ? 20 : 0;
        QVERIFY(data.size() >= at + 8);
        if (at)
            QCOMPARE(quint8(data.at(0)), quint8(0x45)); // IPv4, a 20-byte header
        received << QString::number(quint8(data.at(at)));
        QCOMPARE((quint8(data.at(at + 6)) << 8) | quint8(data.at(at + 7)), 7);
        QCOMPARE(data.mid(at + 8), QByteArray("ping"));
    }
    QCOMPARE(received, types);
    QVERIFY2(calls.last().detail.startsWith(detail), qPrintable(calls.last().detail));

    // The wire saw one request and one reply, and no ports anywhere.
    const QStringList wire = capturedIcmp(capture);
    ::close(capture);
    QCOMPARE(wire.size(), 2);
    QVERIFY2(wire.at(0).startsWith(QStringLiteral("echo-request seq=7")), qPrintable(wire.at(0)));
    QVERIFY2(wire.at(1).startsWith(QStringLiteral("echo-reply seq=7")), qPrintable(wire.at(1)));
}

QTEST_GUILESS_MAIN(TestRawSockets)
#include "tst_rawsockets.moc"
