#include "packettap.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace {

// The receive ring the kernel copies frames into. Copying, rather than queueing a clone of each
// packet, leaves the connection's own packets untouched (a cloned packet costs the receiving TCP
// extra work), and one ring block is taken per wake-up instead of one frame per call.
constexpr unsigned BlockSize = 1u << 20; // holds the largest frame on lo (64 KiB) many times
constexpr unsigned BlockCount = 64;      // 64 MiB: a fifth of a second of the fastest loopback flood
constexpr unsigned FrameSize = 2048;     // nominal: version 3 frames take the size they need
// A block that is not full is handed over after this long, so a lone packet is seen promptly.
constexpr unsigned BlockTimeoutMs = 1;
constexpr int DecoderNice = 19;
constexpr size_t QuickDecodeFrames = 64;

constexpr quint16 EtherIPv4 = 0x0800;
constexpr quint16 EtherIPv6 = 0x86dd;

sock_filter statement(quint16 code, quint32 k)
{
    return sock_filter{code, 0, 0, k};
}

sock_filter jump(quint16 code, quint32 k, quint8 yes, quint8 no)
{
    return sock_filter{code, yes, no, k};
}

qint64 realtimeNowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

bool serialBefore(quint32 a, quint32 b)
{
    return qint32(a - b) < 0;
}

} // namespace

namespace packetfilter {

std::vector<sock_filter> allIp()
{
    return {
        statement(BPF_LD | BPF_H | BPF_ABS, 12),
        jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv4, 1, 0),
        jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv6, 0, 1),
        statement(BPF_RET | BPF_K, 0x40000),
        statement(BPF_RET | BPF_K, 0),
    };
}

// Layout: one block per IP version that loads the transport protocol and the two ports, each
// block ending in jumps to the shared "accept" and "drop" at the end.
std::vector<sock_filter> ports(const QList<quint16> &wanted)
{
    // Jumps reach at most 255 instructions ahead: a scenario uses a handful of ports.
    const QList<quint16> ports = wanted.mid(0, 40);
    std::vector<sock_filter> program;
    std::vector<size_t> toAccept;
    std::vector<size_t> toDrop;
    auto acceptIf = [&](quint32 value) {
        toAccept.push_back(program.size());
        program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 0));
    };
    auto matchPorts = [&](quint32 offset, bool indexed) {
        for (const quint32 which : {offset, offset + 2}) {
            program.push_back(statement(BPF_LD | BPF_H | (indexed ? BPF_IND : BPF_ABS), which));
            for (const quint16 port : ports)
                acceptIf(port);
        }
        toDrop.push_back(program.size());
        program.push_back(statement(BPF_JMP | BPF_JA, 0));
    };
    program.push_back(statement(BPF_LD | BPF_H | BPF_ABS, 12));
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv4, 0, 0));
    const size_t toIPv6 = program.size() - 1;

    // IPv4: ICMP always; TCP and UDP by port, first fragments only.
    program.push_back(statement(BPF_LD | BPF_B | BPF_ABS, 23));
    acceptIf(IPPROTO_ICMP);
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0));
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 0));
    toDrop.push_back(program.size() - 1);
    program.push_back(statement(BPF_LD | BPF_H | BPF_ABS, 20));
    program.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 0, 0));
    const size_t fragment = program.size() - 1;
    program.push_back(statement(BPF_LDX | BPF_B | BPF_MSH, 14));
    matchPorts(14, true);
    program[fragment].jt = quint8(program.size() - fragment - 2); // to the drop that ends the block
    program[toIPv6].jf = quint8(program.size() - toIPv6 - 1);

    // IPv6 without extension headers, as the loopback stack sends it.
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv6, 0, 0));
    toDrop.push_back(program.size() - 1);
    program.push_back(statement(BPF_LD | BPF_B | BPF_ABS, 20));
    acceptIf(IPPROTO_ICMPV6);
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0));
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 0));
    toDrop.push_back(program.size() - 1);
    matchPorts(54, false);

    const size_t accept = program.size();
    program.push_back(statement(BPF_RET | BPF_K, 0x40000));
    const size_t drop = program.size();
    program.push_back(statement(BPF_RET | BPF_K, 0));
    for (const size_t at : toAccept)
        program[at].jt = quint8(accept - at - 1);
    for (const size_t at : toDrop) {
        sock_filter &instruction = program[at];
        if (BPF_OP(instruction.code) == BPF_JA)
            instruction.k = quint32(drop - at - 1);
        else
            instruction.jf = quint8(drop - at - 1);
    }
    return program;
}

} // namespace packetfilter

PacketTap::PacketTap(Session &session, int packetSocket)
    : m_session(session)
    , m_socket(packetSocket)
{
}

std::shared_ptr<PacketTap> PacketTap::start(Session &session, int packetSocket, int interfaceIndex,
                                            const std::vector<sock_filter> &filter, QString *error)
{
    auto fail = [&](const char *what) -> std::shared_ptr<PacketTap> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(QLatin1String(what),
                                                  QString::fromLocal8Bit(std::strerror(errno)));
        ::close(packetSocket);
        return nullptr;
    };
    sock_fprog program{quint16(filter.size()), const_cast<sock_filter *>(filter.data())};
    // Before bind: a frame is never taken unfiltered.
    if (::setsockopt(packetSocket, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
        return fail("the packet filter");
    const int one = 1;
    // On lo every frame passes the tap twice, as it leaves and as it arrives: keep the arrival.
    // Older kernels lack the option; run() then drops PACKET_OUTGOING itself.
    ::setsockopt(packetSocket, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    const int version = TPACKET_V3;
    if (::setsockopt(packetSocket, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
        return fail("the packet ring version");
    // Nanosecond kernel timestamps come with every frame of the ring.
    tpacket_req3 ring{};
    ring.tp_block_size = BlockSize;
    ring.tp_block_nr = BlockCount;
    ring.tp_frame_size = FrameSize;
    ring.tp_frame_nr = BlockSize / FrameSize * BlockCount;
    ring.tp_retire_blk_tov = BlockTimeoutMs;
    if (::setsockopt(packetSocket, SOL_PACKET, PACKET_RX_RING, &ring, sizeof ring) != 0)
        return fail("the packet ring");
    void *mapped =
        ::mmap(nullptr, size_t(BlockSize) * BlockCount, PROT_READ | PROT_WRITE, MAP_SHARED, packetSocket, 0);
    if (mapped == MAP_FAILED)
        return fail("mapping the packet ring");
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = interfaceIndex;
    if (::bind(packetSocket, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::munmap(mapped, size_t(BlockSize) * BlockCount);
        return fail("binding the packet socket to lo");
    }

    std::shared_ptr<PacketTap> tap(new PacketTap(session, packetSocket));
    tap->m_ring = static_cast<char *>(mapped);
    tap->m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (tap->m_wake < 0)
        return fail("eventfd");
    tap->m_ringThread = std::thread([raw = tap.get()] { raw->runRing(); });
    tap->m_decoderThread = std::thread([raw = tap.get()] { raw->runDecoder(); });
    return tap;
}

PacketTap::~PacketTap()
{
    stop();
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_ring)
        ::munmap(m_ring, size_t(BlockSize) * BlockCount);
    if (m_socket >= 0)
        ::close(m_socket);
}

void PacketTap::stop()
{
    if (!m_ringThread.joinable())
        return;
    m_stopping = true;
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
    {
        std::lock_guard lock(m_queueMutex);
        m_queued.notify_all();
    }
    m_ringThread.join();
    m_decoderThread.join();
}

void PacketTap::runRing()
{
    for (;;) {
        pollfd fds[2] = {{m_wake, POLLIN, 0}, {m_socket, POLLIN, 0}};
        const int count = ::poll(fds, 2, -1);
        if (count < 0 && errno != EINTR)
            return;
        if (m_stopping)
            return;
        if (fds[1].revents & POLLIN) {
            // A few frames (a step's packets) are recorded at once, so that the state probe looks
            // at the sockets while the packet is fresh; a flood goes to the decoder thread.
            std::unique_lock decoding(m_mutex, std::try_to_lock);
            size_t taken = 0;
            {
                std::lock_guard lock(m_ringMutex);
                taken = takeFromRing(true);
            }
            // A flood fills whole blocks; a step's packets come in a block closed by its timeout.
            if (decoding.owns_lock() && !m_paused && taken <= QuickDecodeFrames &&
                pendingCount() <= QuickDecodeFrames)
                decodePending();
        }
    }
}

void PacketTap::runDecoder()
{
    // Decoding a flood may lag behind a bulk transfer (the ring thread keeps every frame
    // meanwhile), but must not slow it down: it yields the processor to the session's own
    // threads. A step never waits for it, since settled() decodes what is pending itself.
    ::setpriority(PRIO_PROCESS, pid_t(::gettid()), DecoderNice);
    for (;;) {
        {
            std::unique_lock lock(m_queueMutex);
            m_queued.wait(lock, [&] { return m_stopping || (!m_pending.empty() && !m_paused); });
            if (m_stopping)
                return;
        }
        std::lock_guard lock(m_mutex);
        decodePending();
    }
}

size_t PacketTap::takeFromRing(bool keep)
{
    std::vector<Frame> frames;
    for (;;) {
        auto *block = reinterpret_cast<tpacket_block_desc *>(m_ring + size_t(m_block) * BlockSize);
        if (!(__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
            break;
        const char *at = reinterpret_cast<const char *>(block) + block->hdr.bh1.offset_to_first_pkt;
        for (quint32 i = 0; keep && i < block->hdr.bh1.num_pkts; ++i) {
            const auto *header = reinterpret_cast<const tpacket3_hdr *>(at);
            const auto *link =
                reinterpret_cast<const sockaddr_ll *>(at + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
            // Older kernels lack PACKET_IGNORE_OUTGOING: lo's second copy of each frame goes here.
            if (link->sll_pkttype != PACKET_OUTGOING)
                frames.push_back({QByteArray(at + header->tp_mac, int(header->tp_snaplen)),
                                  qint64(header->tp_sec) * 1000000000 + header->tp_nsec});
            at += header->tp_next_offset;
        }
        __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        m_block = (m_block + 1) % BlockCount;
    }
    const size_t taken = frames.size();
    if (frames.empty())
        return 0;
    std::lock_guard lock(m_queueMutex);
    if (m_pending.empty())
        m_pending = std::move(frames);
    else
        m_pending.insert(m_pending.end(), std::make_move_iterator(frames.begin()),
                         std::make_move_iterator(frames.end()));
    m_queued.notify_all();
    return taken;
}

size_t PacketTap::pendingCount()
{
    std::lock_guard lock(m_queueMutex);
    return m_pending.size();
}

void PacketTap::decodePending()
{
    std::vector<Frame> frames;
    {
        std::lock_guard lock(m_queueMutex);
        frames.swap(m_pending);
    }
    for (const Frame &frame : frames)
        process(frame);
}

void PacketTap::process(const Frame &frame)
{
    if (m_paused || frame.kernelTimeNs < m_cutoffNs)
        return;
    std::optional<PacketInfo> decoded = packetdecoder::decode(frame.bytes);
    if (!decoded)
        return;
    PacketInfo &packet = *decoded;
    track(packet);
    m_sequencer.apply(packet);
    packetdecoder::summarize(packet);
    packet.kernelTimeNs = frame.kernelTimeNs;
    TraceEvent event;
    // The frame's own time on the session's clock: the kernel stamped it when it crossed lo,
    // which may be a few milliseconds before this thread got to it.
    event.tNs = std::max<qint64>(1, m_session.trace().nowNs() - (realtimeNowNs() - frame.kernelTimeNs));
    event.info = std::move(packet);
    m_session.record(std::move(event));
    ++m_statistics.recorded;
}

// Follows each TCP direction with absolute numbers, to know whether something sent still waits
// for its acknowledgement (a delayed ACK comes up to 40 ms later).
void PacketTap::track(const PacketInfo &packet)
{
    if (packet.proto != QLatin1String("TCP"))
        return;
    const QString key = packet.src + u'>' + packet.dst;
    const QString reverse = packet.dst + u'>' + packet.src;
    const bool syn = packet.flags.contains(QLatin1String("SYN"));
    const bool fin = packet.flags.contains(QLatin1String("FIN"));
    if (packet.flags.contains(QLatin1String("RST"))) {
        m_flows.erase(key);
        m_flows.erase(reverse);
        return;
    }
    if (syn) // a new connection, perhaps on the 4-tuple of an old one
        m_flows.erase(key);
    if (syn && !packet.flags.contains(QLatin1String("ACK")))
        m_flows.erase(reverse);
    if (packet.len > 0 || syn || fin) {
        Flow &flow = m_flows[key];
        const quint32 end = packet.seq + quint32(packet.len) + (syn ? 1 : 0) + (fin ? 1 : 0);
        if (!flow.sent || serialBefore(flow.sentEnd, end))
            flow.sentEnd = end;
        flow.sent = true;
    }
    if (packet.flags.contains(QLatin1String("ACK"))) {
        const auto found = m_flows.find(reverse);
        if (found != m_flows.end() &&
            (!found->second.ackSeen || serialBefore(found->second.acked, packet.ack))) {
            found->second.acked = packet.ack;
            found->second.ackSeen = true;
        }
    }
}

bool PacketTap::settled()
{
    std::lock_guard lock(m_mutex);
    if (m_paused)
        return true;
    {
        std::lock_guard ringLock(m_ringMutex);
        takeFromRing(true);
    }
    decodePending();
    for (const auto &[key, flow] : m_flows) {
        if (flow.sent && (!flow.ackSeen || serialBefore(flow.acked, flow.sentEnd)))
            return false;
    }
    return true;
}

PacketTap::Statistics PacketTap::statistics()
{
    std::lock_guard lock(m_mutex);
    tpacket_stats_v3 figures{};
    socklen_t size = sizeof figures;
    // The kernel resets its counters on each read.
    if (::getsockopt(m_socket, SOL_PACKET, PACKET_STATISTICS, &figures, &size) == 0) {
        m_statistics.received += figures.tp_packets;
        m_statistics.drops += figures.tp_drops;
    }
    m_statistics.receiveBuffer = int(BlockSize * BlockCount);
    return m_statistics;
}

void PacketTap::sessionReset()
{
    m_paused = true;
    std::lock_guard lock(m_mutex);
    {
        std::lock_guard ringLock(m_ringMutex);
        takeFromRing(false);
    }
    {
        std::lock_guard queueLock(m_queueMutex);
        m_pending.clear();
    }
    // The old session's sockets are closed by now: what they sent is stamped before this.
    m_cutoffNs = realtimeNowNs();
    m_sequencer.clear();
    m_flows.clear();
}

void PacketTap::callRecorded(const TraceEvent &event)
{
    Q_UNUSED(event);
    if (!m_paused)
        return;
    // The first call of the new session: its trace is empty and may take packets again.
    std::lock_guard lock(m_mutex);
    m_paused = false;
    std::lock_guard queueLock(m_queueMutex);
    m_queued.notify_all();
}
