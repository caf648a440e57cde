#include "packettap.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace {

constexpr int Batch = 16;
// The largest frame on lo: its MTU of 65536 and the Ethernet header, rounded up.
constexpr int SlotSize = 65600;
// As much room as the kernel allows, so that a burst waits in the queue instead of being dropped.
constexpr int ReceiveBuffer = 64 * 1024 * 1024;

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
    , m_buffer(size_t(Batch) * SlotSize)
{
}

std::shared_ptr<PacketTap> PacketTap::start(Session &session, int packetSocket, int interfaceIndex,
                                            const std::vector<sock_filter> &filter, QString *error)
{
    auto fail = [&](const char *what) -> std::shared_ptr<PacketTap> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(std::strerror(errno)));
        ::close(packetSocket);
        return nullptr;
    };
    sock_fprog program{quint16(filter.size()), const_cast<sock_filter *>(filter.data())};
    // Before bind: a frame is never queued unfiltered.
    if (::setsockopt(packetSocket, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
        return fail("the packet filter");
    const int one = 1;
    // On lo every frame passes the tap twice, as it leaves and as it arrives: keep the arrival.
    // Older kernels lack the option; run() then drops PACKET_OUTGOING itself.
    ::setsockopt(packetSocket, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    if (::setsockopt(packetSocket, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
        return fail("kernel timestamps");
    if (::setsockopt(packetSocket, SOL_SOCKET, SO_RCVBUFFORCE, &ReceiveBuffer, sizeof ReceiveBuffer) != 0)
        ::setsockopt(packetSocket, SOL_SOCKET, SO_RCVBUF, &ReceiveBuffer, sizeof ReceiveBuffer);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = interfaceIndex;
    if (::bind(packetSocket, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return fail("binding the packet socket to lo");

    std::shared_ptr<PacketTap> tap(new PacketTap(session, packetSocket));
    tap->m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (tap->m_wake < 0)
        return fail("eventfd");
    tap->m_thread = std::thread([raw = tap.get()] { raw->run(); });
    return tap;
}

PacketTap::~PacketTap()
{
    stop();
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_socket >= 0)
        ::close(m_socket);
}

void PacketTap::stop()
{
    if (!m_thread.joinable())
        return;
    m_stopping = true;
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
    m_thread.join();
}

void PacketTap::run()
{
    for (;;) {
        pollfd fds[2] = {{m_wake, POLLIN, 0}, {m_socket, POLLIN, 0}};
        // While paused the queue is left alone: what arrives then is sorted out on resuming.
        const int count = ::poll(fds, m_paused ? 1 : 2, -1);
        if (count < 0 && errno != EINTR)
            return;
        if (fds[0].revents & POLLIN) {
            quint64 value = 0;
            [[maybe_unused]] const ssize_t got = ::read(m_wake, &value, sizeof value);
            if (m_stopping)
                return;
        }
        if (fds[1].revents & POLLIN) {
            std::lock_guard lock(m_mutex);
            if (!m_paused)
                readQueued();
        }
    }
}

int PacketTap::readQueued()
{
    mmsghdr messages[Batch];
    iovec vectors[Batch];
    sockaddr_ll addresses[Batch];
    alignas(cmsghdr) char controls[Batch][CMSG_SPACE(sizeof(timespec))];
    int total = 0;
    for (;;) {
        std::memset(messages, 0, sizeof messages);
        for (int i = 0; i < Batch; ++i) {
            vectors[i] = {m_buffer.data() + size_t(i) * SlotSize, size_t(SlotSize)};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
            messages[i].msg_hdr.msg_name = &addresses[i];
            messages[i].msg_hdr.msg_namelen = sizeof addresses[i];
            messages[i].msg_hdr.msg_control = controls[i];
            messages[i].msg_hdr.msg_controllen = sizeof controls[i];
        }
        const int received = ::recvmmsg(m_socket, messages, Batch, MSG_DONTWAIT, nullptr);
        if (received < 0 && errno == EINTR)
            continue;
        if (received <= 0)
            return total;
        for (int i = 0; i < received; ++i) {
            if (addresses[i].sll_pkttype == PACKET_OUTGOING)
                continue;
            qint64 kernelTimeNs = 0;
            msghdr &header = messages[i].msg_hdr;
            for (cmsghdr *c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                    timespec stamp{};
                    std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
                    kernelTimeNs = qint64(stamp.tv_sec) * 1000000000 + stamp.tv_nsec;
                }
            }
            process(static_cast<const char *>(vectors[i].iov_base), int(messages[i].msg_len), kernelTimeNs);
        }
        total += received;
        if (received < Batch)
            return total;
    }
}

void PacketTap::process(const char *frame, int length, qint64 kernelTimeNs)
{
    if (m_paused || kernelTimeNs < m_cutoffNs)
        return;
    std::optional<PacketInfo> decoded = packetdecoder::decode(QByteArray(frame, length));
    if (!decoded)
        return;
    PacketInfo &packet = *decoded;
    track(packet);
    m_sequencer.apply(packet);
    packetdecoder::summarize(packet);
    packet.kernelTimeNs = kernelTimeNs;
    TraceEvent event;
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
        if (found != m_flows.end() && (!found->second.ackSeen || serialBefore(found->second.acked, packet.ack))) {
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
    readQueued();
    for (const auto &[key, flow] : m_flows) {
        if (flow.sent && (!flow.ackSeen || serialBefore(flow.acked, flow.sentEnd)))
            return false;
    }
    return true;
}

PacketTap::Statistics PacketTap::statistics()
{
    std::lock_guard lock(m_mutex);
    tpacket_stats figures{};
    socklen_t size = sizeof figures;
    // The kernel resets its counters on each read.
    if (::getsockopt(m_socket, SOL_PACKET, PACKET_STATISTICS, &figures, &size) == 0) {
        m_statistics.received += figures.tp_packets;
        m_statistics.drops += figures.tp_drops;
    }
    return m_statistics;
}

void PacketTap::sessionReset()
{
    m_paused = true;
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
    std::lock_guard lock(m_mutex);
    // The old session's sockets are closed by now: what they sent is stamped before this.
    m_cutoffNs = realtimeNowNs();
    readQueued();
    m_sequencer.clear();
    m_flows.clear();
}

void PacketTap::callRecorded(const TraceEvent &event)
{
    Q_UNUSED(event);
    if (!m_paused)
        return;
    // The first call of the new session: its trace is empty and may take packets again.
    {
        std::lock_guard lock(m_mutex);
        m_paused = false;
    }
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
}
