// The packet tap under a bulk transfer in the sandbox: does it keep up (no frame dropped by the
// kernel), and what does it cost the transfer? Prints its figures; fails only when the tap drops
// frames, a transfer has fewer than 100,000 packets, or the sandbox is there but capture does not
// work.
//
// Two kinds of transfer, each against the same transfer with no tap:
//  - lo as the sandbox leaves it (MTU 65536, no MSS set): the bulk transfer a scenario makes;
//  - small segments (MSS 536): many packets for few bytes, the tap's worst case. It also times a
//    ring nobody reads, which is what the kernel's own copy of each frame costs.
//
// bench_capture [RING_KIB [MSS [ROUNDS]]]: the ring's size (0 or none: the tap's own), to find how
// small it may be; one kind of transfer only, with this MSS (0: lo's own); the rounds (default 5).

#include "capture/packettap.h"
#include "engine/sandboxclient.h"
#include "engine/session.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

constexpr qint64 WarmUpBytes = 4ll * 1024 * 1024;
constexpr quint64 MinimumPackets = 100000;

struct Kind
{
    const char *name;
    int mss; // 0: lo's own, from its MTU
    qint64 bytes;
    bool ringOnly;
};

// About 112,000 data segments of 536 bytes and their ACKs.
constexpr Kind SmallSegments{"small segments", 536, 56ll << 20, true};
// Segments of lo's own 65,483 bytes: about 1.3 packets per 64 KiB, data and ACKs.
constexpr Kind LoAsItIs{"lo as the sandbox leaves it", 0, 5ll << 30, false};

struct Transfer
{
    double seconds = 0;
    double cpuSeconds = 0; // of the whole process (sender, receiver, tap threads, their softirqs)
    double senderCpuSeconds = 0;
    double receiverCpuSeconds = 0;
    bool ok = false;
};

double cpuSeconds(clockid_t clock)
{
    timespec used{};
    ::clock_gettime(clock, &used);
    return double(used.tv_sec) + double(used.tv_nsec) / 1e9;
}

double processCpuSeconds()
{
    return cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
}

Transfer transfer(SandboxClient &sandbox, quint16 port, int mss, qint64 bytes)
{
    Transfer result;
    const int listener = sandbox.createSocket(AF_INET, SOCK_STREAM, 0);
    const int client = sandbox.createSocket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    for (const int fd : {listener, client}) {
        if (mss > 0)
            ::setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(listener, 1) != 0 ||
        ::connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return result;
    const int connection = ::accept(listener, nullptr, nullptr);
    qint64 received = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpuAtStart = processCpuSeconds();
    const double senderAtStart = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    std::thread receiver([&] {
        const double receiverAtStart = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
        std::vector<char> buffer(256 * 1024);
        for (;;) {
            const ssize_t got = ::recv(connection, buffer.data(), buffer.size(), 0);
            if (got <= 0) {
                result.receiverCpuSeconds = cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - receiverAtStart;
                return;
            }
            received += got;
        }
    });
    const std::vector<char> chunk(64 * 1024, 'x');
    for (qint64 sent = 0; sent < bytes;) {
        const ssize_t put =
            ::send(client, chunk.data(), size_t(std::min<qint64>(qint64(chunk.size()), bytes - sent)), 0);
        if (put <= 0)
            break;
        sent += put;
    }
    ::shutdown(client, SHUT_WR);
    result.senderCpuSeconds = cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - senderAtStart;
    receiver.join();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.cpuSeconds = processCpuSeconds() - cpuAtStart;
    result.ok = received == bytes;
    for (const int fd : {connection, client, listener})
        ::close(fd);
    return result;
}

// A packet socket with the tap's filter and a ring big enough for the whole transfer, that nobody
// reads during it: what the kernel's own copying of each frame costs the transfer. Its filter
// keeps the headers only, as the tap's does during a flood.
struct IdleRing
{
    PacketRing ring;
    int socket = -1;
    ~IdleRing()
    {
        if (socket >= 0)
            ::close(socket);
    }
};

bool openIdleRing(SandboxClient &sandbox, IdleRing &idle)
{
    int loopback = 0;
    idle.socket = sandbox.createPacketSocket(&loopback);
    const std::vector<sock_filter> filter =
        packetfilter::withSnapLength(packetfilter::allIp(), PacketTap::SnapLength);
    sock_fprog program{quint16(filter.size()), const_cast<sock_filter *>(filter.data())};
    const int one = 1;
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = loopback;
    return idle.socket >= 0 &&
           ::setsockopt(idle.socket, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) == 0 &&
           ::setsockopt(idle.socket, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) == 0 &&
           idle.ring.setUp(idle.socket, size_t(128) << 20, nullptr) &&
           ::bind(idle.socket, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
}

// Each measured transfer follows the same warm-up: a short transfer, then a pause in which a tap
// records it and goes back to whole frames. Setting a ring up (zeroing its memory) leaves the
// caches cold, and would otherwise weigh on the transfers with capture only.
void warmUp(SandboxClient &sandbox, const Kind &kind, PacketTap *tap)
{
    transfer(sandbox, 9000, kind.mss, WarmUpBytes);
    const auto start = std::chrono::steady_clock::now();
    while (tap && !tap->settled() && std::chrono::steady_clock::now() - start < std::chrono::seconds(5))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// "265 (193–349)": the median and the range of the rounds, since one transfer on this machine may
// run at half the speed of the next.
QByteArray spread(const std::vector<double> &values)
{
    const auto [least, most] = std::minmax_element(values.begin(), values.end());
    return QStringLiteral("%1 (%2–%3)")
        .arg(median(values), 0, 'f', 0)
        .arg(*least, 0, 'f', 0)
        .arg(*most, 0, 'f', 0)
        .toUtf8();
}

// Rounds of the transfer with no tap, into a ring nobody reads (if the kind asks) and with the
// tap, alternating so that whatever else the machine does weighs on each alike. False when the
// tap dropped a frame, a transfer failed or had too few packets.
bool measure(const std::shared_ptr<SandboxClient> &shared, const Scenario &scenario, const Kind &kind,
             size_t ringBytes, int rounds)
{
    SandboxClient &sandbox = *shared;
    std::printf("bench_capture: %s: %lld MiB over TCP with MSS %s, %d rounds each, uid %d, ring %zu KiB\n",
                kind.name, kind.bytes / (1024 * 1024),
                kind.mss > 0 ? qPrintable(QString::number(kind.mss)) : "from lo's MTU", rounds,
                int(::getuid()), ringBytes / 1024);
    std::vector<double> withoutTap;
    std::vector<double> withTap;
    std::vector<double> ringOnly;
    std::vector<double> cpuOff;
    std::vector<double> cpuOn;
    std::vector<double> cpuRingOnly;
    quint64 packets = 0; // the fewest of any captured transfer
    quint64 drops = 0;
    quint64 recorded = 0;
    int receiveBuffer = 0;
    bool failed = false;
    for (int round = 0; round < rounds; ++round) {
        // Alternating, so that whatever else the machine does weighs on both alike.
        warmUp(sandbox, kind, nullptr);
        const Transfer plain = transfer(sandbox, 9000, kind.mss, kind.bytes);
        failed = failed || !plain.ok;
        withoutTap.push_back(double(kind.bytes) / plain.seconds / 1e6);
        cpuOff.push_back(plain.cpuSeconds * 1000);
        if (kind.ringOnly) {
            IdleRing idle;
            if (openIdleRing(sandbox, idle)) {
                warmUp(sandbox, kind, nullptr);
                const Transfer unread = transfer(sandbox, 9000, kind.mss, kind.bytes);
                failed = failed || !unread.ok;
                ringOnly.push_back(double(kind.bytes) / unread.seconds / 1e6);
                cpuRingOnly.push_back(unread.cpuSeconds * 1000);
            }
        }

        Session session(scenario, std::make_shared<SandboxSocketFactory>(shared));
        int loopback = 0;
        QString error;
        auto tap = PacketTap::start(session, sandbox.createPacketSocket(&loopback), loopback,
                                    packetfilter::allIp(), &error, ringBytes);
        if (!tap) {
            std::printf("bench_capture: FAILED, no tap: %s\n", qPrintable(error));
            return false;
        }
        session.attach(tap);
        warmUp(sandbox, kind, tap.get());
        const PacketTap::Statistics beforeTransfer = tap->statistics();
        const Transfer captured = transfer(sandbox, 9000, kind.mss, kind.bytes);
        failed = failed || !captured.ok;
        withTap.push_back(double(kind.bytes) / captured.seconds / 1e6);
        cpuOn.push_back(captured.cpuSeconds * 1000);
        std::printf("  sender/receiver processor time: off %.0f/%.0f ms, on %.0f/%.0f ms\n",
                    plain.senderCpuSeconds * 1000, plain.receiverCpuSeconds * 1000,
                    captured.senderCpuSeconds * 1000, captured.receiverCpuSeconds * 1000);
        const auto caughtUp = std::chrono::steady_clock::now();
        // Settled: every segment seen was acknowledged. A frame the kernel dropped may leave a
        // segment without its ACK in the capture, so the wait is bounded.
        while (!tap->settled() && std::chrono::steady_clock::now() - caughtUp < std::chrono::seconds(10))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const double lag = std::chrono::duration<double>(std::chrono::steady_clock::now() - caughtUp).count();
        // The measured transfer's own figures, without the warm-up's.
        PacketTap::Statistics figures = tap->statistics();
        figures.received -= beforeTransfer.received;
        figures.drops -= beforeTransfer.drops;
        figures.recorded -= beforeTransfer.recorded;
        figures.truncated -= beforeTransfer.truncated;
        figures.floods -= beforeTransfer.floods;
        figures.copiedBlocks -= beforeTransfer.copiedBlocks;
        figures.ringThreadCpuNs -= beforeTransfer.ringThreadCpuNs;
        figures.decoderThreadCpuNs -= beforeTransfer.decoderThreadCpuNs;
        tap->stop();
        std::printf(
            "  round %d: processor time during the transfer %.0f ms off, %.0f ms on; tap off %.0f MB/s%s, "
            "tap on %.0f MB/s; %llu frames, %llu dropped, %llu recorded, "
            "%llu cut to their headers in %d floods; %llu ring blocks copied out, at most %lld KiB waiting; "
            "ring thread %.0f ns "
            "per frame, decoder thread %.0f ms; tap done %.0f ms after the transfer\n",
            round + 1, cpuOff.back(), cpuOn.back(), withoutTap.back(),
            kind.ringOnly && !ringOnly.empty()
                ? qPrintable(QStringLiteral(", ring nobody reads %1 MB/s").arg(ringOnly.back(), 0, 'f', 0))
                : "",
            withTap.back(), figures.received, figures.drops, figures.recorded, figures.truncated,
            figures.floods, figures.copiedBlocks, figures.backlogPeakBytes / 1024,
            double(figures.ringThreadCpuNs) / double(std::max<quint64>(1, figures.received)),
            double(figures.decoderThreadCpuNs) / 1e6, lag * 1000);
        packets = round == 0 ? figures.received : std::min(packets, figures.received);
        drops += figures.drops;
        recorded = std::max(recorded, figures.recorded);
        receiveBuffer = figures.receiveBuffer;
    }
    const double off = median(withoutTap);
    const double on = median(withTap);
    std::printf("bench_capture: %s: median throughput (range) tap off %s MB/s, tap on %s MB/s, ratio %.2f "
                "(goal >= 0.90)\n",
                kind.name, spread(withoutTap).constData(), spread(withTap).constData(), on / off);
    std::printf("bench_capture: %s: median processor time during a transfer: tap off %.0f ms, tap on %.0f ms "
                "(%+.0f ns per captured frame)\n",
                kind.name, median(cpuOff), median(cpuOn),
                (median(cpuOn) - median(cpuOff)) * 1e6 / double(std::max<quint64>(1, packets)));
    if (!ringOnly.empty())
        std::printf(
            "bench_capture: %s: the kernel's own copy of each frame's headers into a ring nobody reads: "
            "median (range) %s MB/s, ratio %.2f, processor time %.0f ms\n",
            kind.name, spread(ringOnly).constData(), median(ringOnly) / off, median(cpuRingOnly));
    std::printf("bench_capture: %s: %llu packets per captured transfer (goal >= %llu), %llu dropped in all "
                "rounds (goal 0), tap queue %d KiB\n",
                kind.name, packets, MinimumPackets, drops, receiveBuffer / 1024);
    if (failed)
        std::printf("bench_capture: %s: FAILED, a transfer did not complete\n", kind.name);
    return !failed && drops == 0 && packets >= MinimumPackets;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qputenv("SOCKETSCOPE_SANDBOX", (QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY)).absolutePath() +
                                    QStringLiteral("/socketscope-sandbox"))
                                       .toLocal8Bit());
    auto sandbox = SandboxClient::start();
    if (!sandbox->isReady()) {
        std::printf("bench_capture: skipped, the sandbox cannot be entered here (%s)\n",
                    qPrintable(sandbox->error()));
        return 0;
    }
    const Scenario scenario = testsupport::makeScenario(
        {QStringLiteral("a")},
        {QStringLiteral(
            R"({"actor": "a", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})")});

    size_t ringBytes = PacketRing::DefaultBytes;
    if (argc > 1 && QByteArray(argv[1]).toULongLong() > 0)
        ringBytes = size_t(QByteArray(argv[1]).toULongLong()) * 1024;
    std::vector<Kind> kinds{LoAsItIs, SmallSegments};
    if (argc > 2) {
        const int mss = QByteArray(argv[2]).toInt();
        Kind kind = mss > 0 ? SmallSegments : LoAsItIs;
        if (mss >= 88) {
            kind.mss = mss;
            kind.bytes = std::max<qint64>(kind.bytes, 110000ll * mss); // keeps 110,000 segments
        }
        kinds = {kind};
    }
    const int rounds = argc > 3 && QByteArray(argv[3]).toInt() > 0 ? QByteArray(argv[3]).toInt() : 5;
    bool passed = true;
    for (const Kind &kind : kinds)
        passed = measure(sandbox, scenario, kind, ringBytes, rounds) && passed;
    return passed ? 0 : 1;
}
