#include "capture/packettap.h"
#include "engine/sandboxclient.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <thread>

class TestPacketTap : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void portFilterKeepsTheScenarioTraffic_data();
    void portFilterKeepsTheScenarioTraffic();
    void eachFrameOnceWithItsKernelTime();
    void segmentsShowAtTheirRealSize();
    void packetsNameTheCallThatCausedThem();
    void resetLeavesNoOldPacket();
    void traceHoldsWhatAnIndependentCaptureSees();
    void snapLengthCutsOnlyWhatIsKept_data();
    void snapLengthCutsOnlyWhatIsKept();
    void aFloodKeepsEveryFrameCutToItsHeaders_data();
    void aFloodKeepsEveryFrameCutToItsHeaders();
    void framesTheKernelDroppedAreToldInTheTrace();
    void builtInScenariosAreCapturedWhole_data();
    void builtInScenariosAreCapturedWhole();

private:
    SessionSetup sandboxSetup(const Scenario &scenario);
};

namespace {

Scenario oneSocketScenario()
{
    return testsupport::makeScenario(
        {QStringLiteral("a")},
        {QStringLiteral(
            R"({"actor": "a", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})")});
}

QList<PacketInfo> packetsOf(const Trace &trace)
{
    QList<PacketInfo> packets;
    for (qint64 i = 0; i < trace.size(); ++i) {
        if (const PacketInfo *packet = trace.at(i).packet())
            packets << *packet;
    }
    return packets;
}

#if defined(__SANITIZE_THREAD__)
constexpr bool UnderThreadSanitizer = true;
#else
constexpr bool UnderThreadSanitizer = false;
#endif

qint64 realtimeNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

template <typename Address> sockaddr *raw(Address &address)
{
    return reinterpret_cast<sockaddr *>(&address);
}

sockaddr_in loopback4(quint16 port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// Sends `bytes` from one TCP socket of the sandbox to another on `port` (with `mss`, or lo's own
// when 0) while a thread receives them; returns the bytes received, or -1 when the sockets could
// not be set up.
qint64 bulkTransfer(SandboxClient &sandbox, quint16 port, int mss, qint64 bytes)
{
    const int listener = sandbox.createSocket(AF_INET, SOCK_STREAM, 0);
    const int client = sandbox.createSocket(AF_INET, SOCK_STREAM, 0);
    auto address = loopback4(port);
    if ((mss > 0 && ::setsockopt(client, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss) != 0) ||
        ::bind(listener, raw(address), sizeof address) != 0 || ::listen(listener, 1) != 0 ||
        ::connect(client, raw(address), sizeof address) != 0)
        return -1;
    const int connection = ::accept(listener, nullptr, nullptr);
    qint64 received = 0;
    std::thread receiver([&] {
        QByteArray buffer(256 * 1024, '\0');
        for (ssize_t got; (got = ::recv(connection, buffer.data(), size_t(buffer.size()), 0)) > 0;)
            received += got;
    });
    const QByteArray chunk(64 * 1024, 'x');
    for (qint64 sent = 0; sent < bytes;) {
        const ssize_t put = ::send(client, chunk.constData(), size_t(chunk.size()), 0);
        if (put <= 0)
            break;
        sent += put;
    }
    ::shutdown(client, SHUT_WR);
    receiver.join();
    for (const int fd : {connection, client, listener})
        ::close(fd);
    return received;
}

// A tap on the sandbox's lo, recording into a session of one socket: what the tests of the tap
// alone start from. `tap` is null (and `error` says why) when it could not start.
struct BareTap
{
    std::shared_ptr<SandboxClient> sandbox = SandboxClient::start();
    std::unique_ptr<Session> session;
    std::shared_ptr<PacketTap> tap;
    QString error;

    BareTap(const std::vector<sock_filter> &filter, size_t ringBytes = PacketRing::DefaultBytes)
    {
        if (!sandbox->isReady()) {
            error = sandbox->error();
            return;
        }
        session =
            std::make_unique<Session>(oneSocketScenario(), std::make_shared<SandboxSocketFactory>(sandbox));
        int loopback = 0;
        const int packetSocket = sandbox->createPacketSocket(&loopback);
        if (packetSocket < 0) {
            error = QStringLiteral("no packet socket");
            return;
        }
        tap = PacketTap::start(*session, packetSocket, loopback, filter, &error, ringBytes);
        if (tap)
            session->attach(tap);
    }
};

sockaddr_in6 loopback6(quint16 port)
{
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    return address;
}

// The frames of a classic pcap stream (as dumpcap -P writes it), in order.
QList<QByteArray> pcapFrames(const QByteArray &file)
{
    QList<QByteArray> frames;
    qsizetype at = 24;
    while (at + 16 <= file.size()) {
        quint32 captured = 0;
        std::memcpy(&captured, file.constData() + at + 8, 4);
        if (at + 16 + qsizetype(captured) > file.size())
            break;
        frames << file.mid(at + 16, captured);
        at += 16 + captured;
    }
    return frames;
}

} // namespace

void TestPacketTap::initTestCase()
{
    qputenv("SOCKETSCOPE_SANDBOX", (QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY)).absolutePath() +
                                    QStringLiteral("/socketscope-sandbox"))
                                       .toLocal8Bit());
    auto probe = SandboxClient::start();
    if (!probe->isReady())
        QSKIP(qPrintable(QStringLiteral("the sandbox cannot be entered here: ") + probe->error()));
}

SessionSetup TestPacketTap::sandboxSetup(const Scenario &scenario)
{
    SessionSetup setup = setUpSession(scenario);
    if (setup.mode != QLatin1String("sandbox") || !setup.capture)
        qWarning("%s", qPrintable(setup.description));
    return setup;
}

void TestPacketTap::portFilterKeepsTheScenarioTraffic_data()
{
    QTest::addColumn<bool>("v6");
    QTest::addRow("IPv4") << false;
    QTest::addRow("IPv6") << true;
}

void TestPacketTap::portFilterKeepsTheScenarioTraffic()
{
    QFETCH(bool, v6);
    BareTap bare(packetfilter::ports({8080, 5353}));
    QVERIFY2(bare.tap, qPrintable(bare.error));
    SandboxClient *sandbox = bare.sandbox.get();
    Session &session = *bare.session;
    PacketTap *tap = bare.tap.get();

    const int domain = v6 ? AF_INET6 : AF_INET;
    auto sendTo = [&](int fd, const void *data, size_t size, quint16 port) {
        auto a4 = loopback4(port);
        auto a6 = loopback6(port);
        return v6 ? ::sendto(fd, data, size, 0, raw(a6), sizeof a6)
                  : ::sendto(fd, data, size, 0, raw(a4), sizeof a4);
    };
    auto bindTo = [&](int fd, quint16 port) {
        auto a4 = loopback4(port);
        auto a6 = loopback6(port);
        return v6 ? ::bind(fd, raw(a6), sizeof a6) : ::bind(fd, raw(a4), sizeof a4);
    };
    const int sender = sandbox->createSocket(domain, SOCK_DGRAM, 0);
    const int inside = sandbox->createSocket(domain, SOCK_DGRAM, 0);
    const int outside = sandbox->createSocket(domain, SOCK_DGRAM, 0);
    const int ping = sandbox->createSocket(domain, SOCK_DGRAM, v6 ? int(IPPROTO_ICMPV6) : int(IPPROTO_ICMP));
    QVERIFY(sender >= 0 && inside >= 0 && outside >= 0 && ping >= 0);
    QCOMPARE(bindTo(inside, 8080), 0);
    QCOMPARE(bindTo(outside, 9090), 0);
    // 7070 and 5353 have no socket: the kernel answers with an ICMP port-unreachable.
    for (const quint16 port : {quint16(9090), quint16(8080), quint16(7070), quint16(5353)})
        QCOMPARE(sendTo(sender, "x", 1, port), 1);
    const unsigned char echo[8] = {v6 ? quint8(128) : quint8(8), 0, 0, 0, 0, 0, 0, 1};
    QCOMPARE(sendTo(ping, echo, sizeof echo, 0), 8);

    // Kept: the datagrams to 8080 and 5353, every ICMP message (two port-unreachables, the
    // echo request and its reply). Dropped: the datagrams to 9090 and 7070.
    QTRY_VERIFY_WITH_TIMEOUT(packetsOf(session.trace()).size() >= 6, 5000);
    QVERIFY(tap->settled());
    const QList<PacketInfo> packets = packetsOf(session.trace());
    QStringList seen;
    for (const PacketInfo &packet : packets)
        seen << packet.proto + u' ' + packet.dst.section(u':', -1) + u' ' + packet.flags.join(u',');
    const QString all = seen.join(QStringLiteral(" | "));
    QCOMPARE(packets.size(), 6);
    QVERIFY2(seen.filter(QStringLiteral("UDP 8080")).size() == 1, qPrintable(all));
    QVERIFY2(seen.filter(QStringLiteral("UDP 5353")).size() == 1, qPrintable(all));
    QVERIFY2(seen.filter(QStringLiteral("UDP 9090")).isEmpty(), qPrintable(all));
    QVERIFY2(seen.filter(QStringLiteral("UDP 7070")).isEmpty(), qPrintable(all));
    QVERIFY2(seen.filter(QStringLiteral("port-unreachable")).size() == 2, qPrintable(all));
    QVERIFY2(seen.filter(QStringLiteral("echo-request")).size() == 1, qPrintable(all));
    QVERIFY2(seen.filter(QStringLiteral("echo-reply")).size() == 1, qPrintable(all));
    for (const int fd : {inside, outside})
        ::close(fd);
    for (const int fd : {sender, ping})
        ::close(fd);
}

void TestPacketTap::eachFrameOnceWithItsKernelTime()
{
    SessionSetup setup = sandboxSetup(oneSocketScenario());
    QVERIFY(setup.capture);
    const qint64 before = realtimeNs();
    const int listener = setup.sandbox->createSocket(AF_INET, SOCK_STREAM, 0);
    const int client = setup.sandbox->createSocket(AF_INET, SOCK_STREAM, 0);
    auto address = loopback4(8080);
    QCOMPARE(::bind(listener, raw(address), sizeof address), 0);
    QCOMPARE(::listen(listener, 1), 0);
    QCOMPARE(::connect(client, raw(address), sizeof address), 0);
    QTRY_COMPARE_WITH_TIMEOUT(packetsOf(setup.session->trace()).size(), 3, 5000);
    const qint64 after = realtimeNs();
    const QList<PacketInfo> packets = packetsOf(setup.session->trace());
    QCOMPARE(packets.at(0).flags, QStringList{QStringLiteral("SYN")});
    QCOMPARE(packets.at(1).flags, (QStringList{QStringLiteral("SYN"), QStringLiteral("ACK")}));
    QCOMPARE(packets.at(2).flags, QStringList{QStringLiteral("ACK")});
    qint64 previous = before;
    for (const PacketInfo &packet : packets) {
        QVERIFY(packet.kernelTimeNs >= previous);
        QVERIFY(packet.kernelTimeNs <= after);
        previous = packet.kernelTimeNs;
        QVERIFY(packet.frame.size() >= 14 + 20 + 20);
        QVERIFY(!packet.summary.isEmpty());
    }
    // Relative numbers, as a reader expects them.
    QCOMPARE(packets.at(0).seq, 0u);
    QCOMPARE(packets.at(2).seq, 1u);
    QCOMPARE(packets.at(2).ack, 1u);
    // Nothing more is waiting in the kernel: the handshake came once, not once per direction.
    QVERIFY(setup.tap.lock()->settled());
    QCOMPARE(packetsOf(setup.session->trace()).size(), 3);
    QCOMPARE(setup.tap.lock()->statistics().drops, 0u);
    ::close(client);
    ::close(listener);
}

void TestPacketTap::segmentsShowAtTheirRealSize()
{
    SessionSetup setup = sandboxSetup(oneSocketScenario());
    QVERIFY(setup.capture);
    const int listener = setup.sandbox->createSocket(AF_INET, SOCK_STREAM, 0);
    const int client = setup.sandbox->createSocket(AF_INET, SOCK_STREAM, 0);
    const int mss = 1000;
    QCOMPARE(::setsockopt(client, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss), 0);
    auto address = loopback4(8080);
    QCOMPARE(::bind(listener, raw(address), sizeof address), 0);
    QCOMPARE(::listen(listener, 1), 0);
    QCOMPARE(::connect(client, raw(address), sizeof address), 0);
    const int connection = ::accept(listener, nullptr, nullptr);
    QVERIFY(connection >= 0);
    const QByteArray data(20000, 'x');
    QCOMPARE(::send(client, data.constData(), data.size(), 0), ssize_t(data.size()));
    QByteArray received(data.size(), '\0');
    qsizetype total = 0;
    while (total < data.size()) {
        const ssize_t got = ::recv(connection, received.data() + total, received.size() - total, 0);
        QVERIFY(got > 0);
        total += got;
    }
    auto dataBytes = [&] {
        int bytes = 0;
        for (const PacketInfo &packet : packetsOf(setup.session->trace()))
            bytes += packet.dst.endsWith(QLatin1String(":8080")) ? packet.len : 0;
        return bytes;
    };
    QTRY_COMPARE_WITH_TIMEOUT(dataBytes(), 20000, 5000);
    int segments = 0;
    for (const PacketInfo &packet : packetsOf(setup.session->trace())) {
        if (packet.len > 0) {
            ++segments;
            // The MSS less the 12 bytes of the timestamp option on every segment.
            QVERIFY2(packet.len <= mss, qPrintable(packet.summary));
        }
    }
    QVERIFY2(segments >= 20, qPrintable(QString::number(segments)));
    for (const int fd : {connection, client, listener})
        ::close(fd);
}

void TestPacketTap::packetsNameTheCallThatCausedThem()
{
    const ScenarioLoadResult loaded = ScenarioLoader::load(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = sandboxSetup(loaded.scenario);
    QVERIFY(setup.capture);
    QVERIFY(setup.session->runToEnd());
    const Trace &trace = setup.session->trace();
    QStringList causes;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const TraceEvent &event = trace.at(i);
        if (!event.packet())
            continue;
        QVERIFY(event.cause >= 0 && event.cause < event.seq);
        const CallInfo *call = trace.at(event.cause).call();
        QVERIFY(call);
        causes << event.packet()->flags.join(u'+') + u'@' + call->actor + u' ' + call->call;
    }
    const QStringList expected = {
        QStringLiteral("SYN@client connect"), QStringLiteral("SYN+ACK@client connect"),
        QStringLiteral("ACK@client connect"), QStringLiteral("PSH+ACK@client send"),
        QStringLiteral("ACK@client send"),    QStringLiteral("PSH+ACK@server send"),
        QStringLiteral("ACK@server send"),    QStringLiteral("FIN+ACK@client close"),
        QStringLiteral("ACK@client close"),   QStringLiteral("FIN+ACK@server close"),
        QStringLiteral("ACK@server close")};
    QCOMPARE(causes, expected);
}

void TestPacketTap::resetLeavesNoOldPacket()
{
    const ScenarioLoadResult loaded = ScenarioLoader::load(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = sandboxSetup(loaded.scenario);
    QVERIFY(setup.capture);
    // Up to the send: the connection is open with data in flight when the reset closes it.
    for (int i = 0; i < 7; ++i)
        setup.session->step();
    const QList<PacketInfo> old = packetsOf(setup.session->trace());
    QVERIFY(old.size() >= 5);
    const QString oldClient = old.first().src;
    // Reset as the window does it: the session is cancelled, a new one is set up, and the old one
    // is destroyed before the new one steps.
    setup.session->cancel();
    SessionSetup next = sandboxSetup(loaded.scenario);
    QVERIFY(next.capture);
    setup = std::move(next);
    Session &session = *setup.session;
    QCOMPARE(session.trace().size(), 0);
    QVERIFY(session.runToEnd());
    const QList<PacketInfo> fresh = packetsOf(session.trace());
    QCOMPARE(fresh.size(), 11);
    QCOMPARE(fresh.first().flags, QStringList{QStringLiteral("SYN")});
    QCOMPARE(fresh.first().seq, 0u);
    for (const PacketInfo &packet : fresh)
        QVERIFY2(packet.src != oldClient && packet.dst != oldClient, qPrintable(packet.summary));
}

// The frames in the trace are exactly those that Wireshark's capture engine (libpcap) sees on
// the sandbox's lo, joined from outside with nsenter, in the same order. (tcpdump cannot join:
// it insists on switching to its own user, which the sandbox does not map.)
void TestPacketTap::traceHoldsWhatAnIndependentCaptureSees()
{
    const QString nsenter = QStandardPaths::findExecutable(QStringLiteral("nsenter"));
    const QString dumpcap = QStandardPaths::findExecutable(QStringLiteral("dumpcap"));
    if (nsenter.isEmpty() || dumpcap.isEmpty())
        QSKIP("needs nsenter (util-linux) and dumpcap (tshark)");
    const ScenarioLoadResult loaded = ScenarioLoader::load(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = sandboxSetup(loaded.scenario);
    QVERIFY(setup.capture);

    QProcess capture;
    capture.start(nsenter, {QStringLiteral("-U"), QStringLiteral("-n"), QStringLiteral("-t"),
                            QString::number(setup.sandbox->helperPid()), dumpcap, QStringLiteral("-q"),
                            QStringLiteral("-i"), QStringLiteral("lo"), QStringLiteral("-P"),
                            QStringLiteral("-w"), QStringLiteral("-")});
    if (!capture.waitForStarted() || !capture.waitForReadyRead(5000)) {
        capture.kill();
        capture.waitForFinished();
        QSKIP(qPrintable(QStringLiteral("dumpcap cannot capture in the sandbox: ") +
                         QString::fromLocal8Bit(capture.readAllStandardError())));
    }
    // Markers until dumpcap has one: from then on it sees everything the tap sees.
    const QByteArray marker = "socketscope capture marker";
    const int markerSocket = setup.sandbox->createSocket(AF_INET, SOCK_DGRAM, 0);
    auto sink = loopback4(9);
    const int sinkSocket = setup.sandbox->createSocket(AF_INET, SOCK_DGRAM, 0);
    QCOMPARE(::bind(sinkSocket, raw(sink), sizeof sink), 0);
    QByteArray dumped;
    QTRY_VERIFY_WITH_TIMEOUT(
        (::sendto(markerSocket, marker.constData(), marker.size(), 0, raw(sink), sizeof sink),
         (dumped += capture.readAllStandardOutput()).contains(marker)),
        10000);

    QVERIFY(setup.session->runToEnd());
    // Every frame of the scenario ends with the ACK of the server's FIN; wait for dumpcap to write it.
    QList<QByteArray> expected;
    for (const PacketInfo &packet : packetsOf(setup.session->trace())) {
        if (!packet.frame.contains(marker))
            expected << packet.frame;
    }
    QCOMPARE(expected.size(), 11);
    QTRY_VERIFY_WITH_TIMEOUT((dumped += capture.readAllStandardOutput()).contains(expected.last()), 10000);
    capture.terminate();
    QVERIFY(capture.waitForFinished(10000));
    dumped += capture.readAllStandardOutput();

    QList<QByteArray> seen;
    for (const QByteArray &frame : pcapFrames(dumped)) {
        if (!frame.contains(marker))
            seen << frame;
    }
    QCOMPARE(seen.size(), expected.size());
    for (qsizetype i = 0; i < seen.size(); ++i)
        QVERIFY2(seen.at(i) == expected.at(i), qPrintable(QStringLiteral("frame %1 differs").arg(i)));
    ::close(markerSocket);
    ::close(sinkSocket);
}

// The headers-only program keeps and drops the same frames as the whole-frame one; only the
// length it keeps changes.
void TestPacketTap::snapLengthCutsOnlyWhatIsKept_data()
{
    QTest::addColumn<bool>("ports");
    QTest::addRow("sandbox: every IP frame") << false;
    QTest::addRow("host: the scenario's ports") << true;
}

void TestPacketTap::snapLengthCutsOnlyWhatIsKept()
{
    QFETCH(bool, ports);
    const std::vector<sock_filter> whole = ports ? packetfilter::ports({8080, 5353}) : packetfilter::allIp();
    const std::vector<sock_filter> cut = packetfilter::withSnapLength(whole, PacketTap::SnapLength);
    QCOMPARE(cut.size(), whole.size());
    int keeps = 0;
    for (size_t i = 0; i < whole.size(); ++i) {
        const bool returns = whole[i].code == (BPF_RET | BPF_K);
        if (returns && whole[i].k > 0) {
            ++keeps;
            QCOMPARE(cut[i].k, PacketTap::SnapLength);
        } else {
            QCOMPARE(cut[i].k, whole[i].k);
        }
        QCOMPARE(cut[i].code, whole[i].code);
        QCOMPARE(cut[i].jt, whole[i].jt);
        QCOMPARE(cut[i].jf, whole[i].jf);
    }
    QCOMPARE(keeps, 1);
}

// A bulk transfer far larger than the ring: the tap goes over to headers only, leaves the flood
// in the ring (or copies it out when the ring is small), and still records every frame once, in
// order, with its length on the wire. With small segments the frames are many; with lo's own,
// each frame (64 KiB) fills a block of the ring alone.
void TestPacketTap::aFloodKeepsEveryFrameCutToItsHeaders_data()
{
    QTest::addColumn<qulonglong>("ringBytes");
    QTest::addColumn<int>("mss"); // 0: lo's own
    QTest::addColumn<qint64>("bytes");
    // About 32,000 segments of 524 bytes.
    QTest::addRow("default ring") << qulonglong(PacketRing::DefaultBytes) << 536 << (qint64(16) << 20);
    QTest::addRow("small ring, blocks copied out") << qulonglong(8u << 20) << 536 << (qint64(16) << 20);
    // About 16,000 segments of 65,483 bytes, a ring's worth every 750.
    QTest::addRow("lo's own segments") << qulonglong(PacketRing::DefaultBytes) << 0 << (qint64(1) << 30);
}

void TestPacketTap::aFloodKeepsEveryFrameCutToItsHeaders()
{
    QFETCH(qulonglong, ringBytes);
    QFETCH(int, mss);
    QFETCH(qint64, bytes);
    if (mss == 0 && UnderThreadSanitizer)
        QSKIP("The thread sanitizer makes the tap's decoding several times slower, so no ring keeps up "
              "with a gigabyte of lo's 64 KiB segments: the dev and asan runs measure this row; under the "
              "thread sanitizer the two rows above drive the same threads.");
    BareTap bare(packetfilter::allIp(), size_t(ringBytes));
    QVERIFY2(bare.tap, qPrintable(bare.error));
    SandboxClient *sandbox = bare.sandbox.get();
    Session &session = *bare.session;
    PacketTap *tap = bare.tap.get();

    const int largestSegment = mss > 0 ? mss : 65536 - 20 - 32; // lo's MTU less IPv4 and TCP headers
    const qint64 Bytes = bytes;
    QCOMPARE(bulkTransfer(*sandbox, 8090, mss, Bytes), Bytes);
    QTRY_VERIFY_WITH_TIMEOUT(tap->settled(), 20000);
    const PacketTap::Statistics figures = tap->statistics();
    tap->stop();

    qInfo("frames %llu, dropped %llu, recorded %llu, cut %llu, floods %d, blocks copied out %llu",
          figures.received, figures.drops, figures.recorded, figures.truncated, figures.floods,
          figures.copiedBlocks);
    // Keeping pace with a gigabyte on two busy cores is a figure for bench_capture (0 drops there);
    // here a ring that keeps pace loses at most a tenth (measured: 0-1% in the dev build, up to 3.5%
    // under the address sanitizer; the bug this guards against lost 60-87%), and every frame the
    // kernel handed over is recorded.
    QVERIFY2(figures.drops * 10 <= figures.received,
             qPrintable(QStringLiteral("%1 of %2 frames dropped").arg(figures.drops).arg(figures.received)));
    QCOMPARE(figures.recorded + figures.drops, figures.received);
    QVERIFY(figures.floods >= 1);
    QVERIFY(figures.truncated > 0);
    if (ringBytes < PacketRing::DefaultBytes)
        QVERIFY2(figures.copiedBlocks > 0, "a small ring must have run short");
    // In the order of the trace the kernel's timestamps never go back (two processors may stamp
    // a hair apart), so no block of frames was recorded out of its place; no frame is there
    // twice; and the data direction's segments cover every byte sent, each with its length on
    // the wire. (Loopback may lose a segment when its queue overflows; TCP then sends it again,
    // later, and the capture shows that as it happened.)
    // Measured: at most 12 µs; a block decoded out of its place is a millisecond or more off.
    constexpr qint64 StampSlackNs = 200'000;
    qint64 latest = 0;
    quint64 cut = 0;
    QSet<QPair<qint64, quint32>> seen;
    QList<QPair<quint32, quint32>> covered;
    for (const PacketInfo &packet : packetsOf(session.trace())) {
        QVERIFY2(packet.kernelTimeNs >= latest - StampSlackNs,
                 qPrintable(QStringLiteral("%1 ns before the frame ahead of it: %2")
                                .arg(latest - packet.kernelTimeNs)
                                .arg(packet.summary)));
        latest = std::max(latest, packet.kernelTimeNs);
        if (packet.summary.contains(QLatin1String("captured "))) {
            ++cut;
            QCOMPARE(packet.frame.size(), qsizetype(PacketTap::SnapLength));
            QVERIFY2(packet.summary.endsWith(QStringLiteral("(captured %1 of %2 bytes)")
                                                 .arg(PacketTap::SnapLength)
                                                 .arg(14 + 20 + 32 + packet.len)),
                     qPrintable(packet.summary));
        }
        if (!packet.dst.endsWith(QLatin1String(":8090")) || packet.len == 0)
            continue;
        QVERIFY2(packet.len <= largestSegment, qPrintable(packet.summary));
        QVERIFY2(!seen.contains({packet.kernelTimeNs, packet.seq}), qPrintable(packet.summary));
        seen.insert({packet.kernelTimeNs, packet.seq});
        covered.append({packet.seq, packet.seq + quint32(packet.len)});
    }
    std::sort(covered.begin(), covered.end());
    quint32 next = 1;
    qint64 missing = 0; // bytes of segments the kernel dropped from the ring (and said so)
    for (const auto &[from, to] : covered) {
        if (figures.drops == 0)
            QVERIFY2(from <= next, qPrintable(QStringLiteral("bytes %1 to %2 missing").arg(next).arg(from)));
        missing += from > next ? qint64(from - next) : 0;
        next = std::max(next, to);
    }
    QCOMPARE(qint64(next - 1), Bytes);
    QVERIFY2(
        missing <= qint64(figures.drops) * largestSegment,
        qPrintable(QStringLiteral("%1 bytes missing for %2 dropped frames").arg(missing).arg(figures.drops)));
    QCOMPARE(cut, figures.truncated);
}

// A ring of two blocks cannot hold a bulk transfer of lo's own segments (one per block) while the
// ring thread wakes up: the kernel drops frames, and the trace says how many, as warnings.
void TestPacketTap::framesTheKernelDroppedAreToldInTheTrace()
{
    BareTap bare(packetfilter::allIp(), 2 * PacketRing::BlockSize);
    QVERIFY2(bare.tap, qPrintable(bare.error));
    SandboxClient *sandbox = bare.sandbox.get();
    Session &session = *bare.session;
    PacketTap *tap = bare.tap.get();
    constexpr qint64 Bytes = qint64(256) << 20;
    QCOMPARE(bulkTransfer(*sandbox, 8091, 0, Bytes), Bytes);
    // Not settled() alone: a dropped segment may leave its ACK without the segment.
    QTRY_VERIFY_WITH_TIMEOUT(tap->settled() || tap->statistics().drops > 0, 20000);
    tap->settled();
    const PacketTap::Statistics figures = tap->statistics();
    tap->stop();
    QVERIFY2(figures.drops > 0, "a ring of two blocks should have overflowed");

    const QRegularExpression missed(QStringLiteral("^The capture missed (\\d+) frames? here"));
    quint64 told = 0;
    const Trace &trace = session.trace();
    for (qint64 i = 0; i < trace.size(); ++i) {
        const NoteInfo *note = trace.at(i).note();
        if (!note)
            continue;
        const QRegularExpressionMatch match = missed.match(note->text);
        QVERIFY2(match.hasMatch(), qPrintable(note->text));
        QCOMPARE(note->level, NoteInfo::Level::Warning);
        told += match.captured(1).toULongLong();
    }
    QCOMPARE(told, figures.drops);
    QCOMPARE(figures.recorded + figures.drops, figures.received);
}

// No step of a built-in scenario comes near a flood: every frame is captured whole.
void TestPacketTap::builtInScenariosAreCapturedWhole_data()
{
    QTest::addColumn<QString>("id");
    for (const QString &id : ScenarioLoader::builtinIds())
        QTest::addRow("%s", qPrintable(id)) << id;
}

void TestPacketTap::builtInScenariosAreCapturedWhole()
{
    QFETCH(QString, id);
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
    QVERIFY(loaded.ok());
    SessionSetup setup = sandboxSetup(loaded.scenario);
    QVERIFY(setup.capture);
    setup.session->runToEnd();
    const PacketTap::Statistics figures = setup.tap.lock()->statistics();
    QCOMPARE(figures.truncated, 0u);
    QCOMPARE(figures.floods, 0);
    for (const PacketInfo &packet : packetsOf(setup.session->trace()))
        QVERIFY2(!packet.summary.contains(QLatin1String("captured ")), qPrintable(packet.summary));
}

QTEST_GUILESS_MAIN(TestPacketTap)
#include "tst_packettap.moc"
