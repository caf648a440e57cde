#include "capture/packettap.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <utility>

namespace {

// A step's packets (a handful) are decoded at once on the ring thread, so that the state probe
// looks at the sockets while the packet is fresh; a block with more is a flood's.
constexpr unsigned QuickDecodeFrames = 64;
// Copies waiting for the decoder are bounded: past this the ring is left to fill, and the kernel
// drops and counts what does not fit, rather than the tap taking all memory.
constexpr qint64 BacklogLimitBytes = qint64(1) << 30;
constexpr size_t SpareCopies = 4;
constexpr int DecoderNice = 19;
// Blocks of a flood are left in the ring up to this many eighths of it; the rest is the margin
// for the ring thread to be late by (three eighths of the default ring hold about 80,000 frames
// cut to their headers, a seventh of a second of the fastest flood). With six eighths, a loaded
// machine made the kernel drop a few frames.
constexpr size_t LazyRingEighths = 5;
// While a flood lasts, what was copied out waits for it to end, unless it grows past this.
constexpr qint64 DecodeDuringFloodBytes = qint64(64) << 20;
// While blocks wait in the ring it is looked at this often (a flood fills a block faster).
constexpr int LookAgainMs = 2;
// Blocks copied out for the decoder at a time once a flood is over.
constexpr size_t DrainAhead = 8;
// A flood is over when the kernel has handed no block over for this long.
constexpr std::chrono::milliseconds QuietAfter{50};
// A flood begins when frames come faster than PacketTap::FloodBytes in QuietAfter (40 MB/s) for
// long enough to bring that many more: a lesson's step never does. Each wake-up of the ring
// thread adds what the kernel handed over since the last one to a bucket that leaks at that rate.
constexpr double FloodBytesPerNs =
    double(PacketTap::FloodBytes) / double(std::chrono::nanoseconds(QuietAfter).count());

qint64 realtimeNowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

qint64 threadCpuNs(std::thread &thread)
{
    clockid_t clock{};
    timespec used{};
    if (!thread.joinable() || ::pthread_getcpuclockid(thread.native_handle(), &clock) != 0 ||
        ::clock_gettime(clock, &used) != 0)
        return 0;
    return qint64(used.tv_sec) * 1000000000 + used.tv_nsec;
}

} // namespace

PacketTap::PacketTap(Session &session, int packetSocket)
    : m_session(session)
    , m_socket(packetSocket)
{
}

std::shared_ptr<PacketTap> PacketTap::start(Session &session, int packetSocket, int interfaceIndex,
                                            const std::vector<sock_filter> &filter, QString *error,
                                            size_t ringBytes)
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
    // Older kernels lack the option; decodeBlock() then drops PACKET_OUTGOING itself.
    ::setsockopt(packetSocket, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);

    // The tap owns the socket from here on: its destructor closes it.
    std::shared_ptr<PacketTap> tap(new PacketTap(session, packetSocket));
    tap->m_filter = filter;
    tap->m_snapFilter = packetfilter::withSnapLength(filter, SnapLength);
    auto failed = [&](const QString &why) -> std::shared_ptr<PacketTap> {
        if (error)
            *error = why;
        return nullptr;
    };
    QString ringError;
    if (!tap->m_ring.setUp(packetSocket, ringBytes, &ringError))
        return failed(ringError);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = interfaceIndex;
    if (::bind(packetSocket, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return failed(QStringLiteral("binding the packet socket to lo: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno))));
    tap->m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (tap->m_wake < 0)
        return failed(QStringLiteral("eventfd: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    tap->m_ringThread = std::thread([raw = tap.get()] { raw->runRing(); });
    tap->m_decoderThread = std::thread([raw = tap.get()] { raw->runDecoder(); });
    ::pthread_setname_np(tap->m_ringThread.native_handle(), "tap ring");
    ::pthread_setname_np(tap->m_decoderThread.native_handle(), "tap decoder");
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
    // A flood's blocks stay in the ring while it lasts, for the decoder to take once the transfer
    // has finished with the processor: taking them now would take it from the transfer. While
    // blocks wait there the socket stays readable, so the ring is looked at on a timer instead.
    bool watching = true;
    quint64 lastHandedOver = 0;
    quint64 lastHandedOverBytes = 0;
    double bucketBytes = 0;
    auto lastBlockAt = std::chrono::steady_clock::now();
    auto lastLook = lastBlockAt;
    int timeoutMs = -1;
    for (;;) {
        pollfd fds[2] = {{m_wake, POLLIN, 0}, {m_socket, POLLIN, 0}};
        const int count = ::poll(fds, watching ? 2 : 1, timeoutMs);
        if (count < 0 && errno != EINTR)
            return;
        if (m_stopping)
            return;
        std::unique_lock decoding(m_mutex, std::try_to_lock);
        std::lock_guard lock(m_ringMutex);
        size_t ready = m_ring.readyCount();
        // No new block for a while: a flood is over, and the decoder may take what it left.
        const quint64 handedOver = m_ring.handedOver();
        const auto now = std::chrono::steady_clock::now();
        if (handedOver != lastHandedOver)
            lastBlockAt = now;
        lastHandedOver = handedOver;
        const quint64 handedOverBytes = m_ring.handedOverBytes();
        const double leaked = FloodBytesPerNs * double(std::chrono::nanoseconds(now - lastLook).count());
        bucketBytes = std::max(0.0, bucketBytes - leaked) + double(handedOverBytes - lastHandedOverBytes);
        lastHandedOverBytes = handedOverBytes;
        lastLook = now;
        const bool quiet = now - lastBlockAt >= QuietAfter;
        // Fast, or so much waiting that the ring thread is behind.
        if (!m_headersOnly && !quiet &&
            (bucketBytes >= double(FloodBytes) || (ready > 1 && m_ring.readyBytes() >= FloodBytes)))
            captureHeadersOnly(true);
        else if (m_headersOnly && quiet)
            captureHeadersOnly(false);
        {
            std::lock_guard queueLock(m_queueMutex);
            if (std::exchange(m_floodOver, quiet) != quiet && quiet)
                m_queued.notify_all();
        }
        // Past this share of the ring its oldest blocks are copied out, so that it never fills.
        // Once the flood is over they are copied out a few at a time, as the decoder takes them:
        // the decoder never touches the ring, so that the ring never waits for a thread that
        // yields to everything else.
        const size_t keep = m_ring.blockCount() * LazyRingEighths / 8;
        size_t drained = 0;
        // Only the blocks counted in this look: a flood hands blocks over as fast as they are
        // taken, and each look must come round again to see it.
        for (const char *block; ready > 0 && (block = m_ring.readyBlock());) {
            // Never during a flood: its blocks wait for the decoder (one of lo's own segments, 64
            // KiB, fills a block alone, and took 30 µs to decode here).
            if (decoding.owns_lock() && !m_headersOnly &&
                PacketRing::frameCount(block) <= QuickDecodeFrames && backlogEmpty()) {
                decodeBlock(block);
            } else if (ready > keep) {
                if (!copyOut(block, true))
                    break;
            } else if (!quiet || drained >= DrainAhead || backlogLength() >= DrainAhead ||
                       !copyOut(block, false)) {
                break;
            } else {
                ++drained;
            }
            m_ring.release();
            --ready;
        }
        watching = ready == 0;
        // Until the flood is over the timer runs on, so that the decoder hears of its end.
        timeoutMs = watching && quiet ? -1 : LookAgainMs;
    }
}

void PacketTap::captureHeadersOnly(bool headersOnly)
{
    const std::vector<sock_filter> &filter = headersOnly ? m_snapFilter : m_filter;
    sock_fprog program{quint16(filter.size()), const_cast<sock_filter *>(filter.data())};
    // The kernel swaps the program at once: each frame is taken by the old or by the new one.
    if (::setsockopt(m_socket, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
        return;
    m_headersOnly = headersOnly;
    if (headersOnly)
        ++m_floods;
}

void PacketTap::runDecoder()
{
    // Decoding a flood lags behind a bulk transfer (the ring and the copies keep every frame
    // meanwhile), but must not slow it down: it takes the processor when the session's own
    // threads leave it. A step never waits for it, since settled() decodes what is pending itself.
    const sched_param batch{};
    ::pthread_setschedparam(::pthread_self(), SCHED_BATCH, &batch);
    ::setpriority(PRIO_PROCESS, id_t(::gettid()), DecoderNice);
    for (;;) {
        {
            std::unique_lock lock(m_queueMutex);
            m_queued.wait(lock, [&] {
                return m_stopping ||
                       (!m_backlog.empty() && (m_floodOver || m_backlogBytes >= DecodeDuringFloodBytes));
            });
            if (m_stopping)
                return;
        }
        // One block at a time, so that settled() and the ring thread get their turn in between.
        for (;;) {
            std::lock_guard lock(m_mutex);
            if (m_stopping || !decodeOneCopy())
                break;
        }
    }
}

// The oldest block not decoded yet: copies were taken from the ring's front, so they come first.
bool PacketTap::decodeNextBlock()
{
    if (decodeOneCopy())
        return true;
    const char *block = nullptr;
    {
        std::lock_guard ringLock(m_ringMutex);
        // Checked again under the ring's lock: the ring thread copies its front out under it.
        if (!backlogEmpty())
            return true;
        block = m_ring.readyBlock();
        if (!block)
            return false;
        // Decoded from a copy (into memory used before), so that the block goes back to the
        // kernel at once.
        if (copyOut(block, false)) {
            m_ring.release();
            return true;
        }
        m_ring.take();
    }
    decodeBlock(block);
    PacketRing::giveBack(block);
    return true;
}

void PacketTap::decodeAll()
{
    while (decodeNextBlock()) {
    }
}

bool PacketTap::copyOut(const char *block, bool ringRanShort)
{
    BlockCopy copy;
    {
        std::lock_guard lock(m_queueMutex);
        if (m_backlogBytes >= BacklogLimitBytes)
            return false;
        if (!m_spare.empty()) {
            copy = std::move(m_spare.back());
            m_spare.pop_back();
        }
    }
    if (!copy.assign(block))
        return false;
    std::lock_guard lock(m_queueMutex);
    m_backlog.push_back(std::move(copy));
    m_backlogBytes += qint64(PacketRing::BlockSize);
    m_backlogPeakBytes = std::max(m_backlogPeakBytes, m_backlogBytes);
    if (ringRanShort)
        ++m_copiedBlocks;
    m_queued.notify_all();
    return true;
}

bool PacketTap::backlogEmpty()
{
    return backlogLength() == 0;
}

size_t PacketTap::backlogLength()
{
    std::lock_guard lock(m_queueMutex);
    return m_backlog.size();
}

bool PacketTap::decodeOneCopy()
{
    BlockCopy copy;
    {
        std::lock_guard lock(m_queueMutex);
        if (m_backlog.empty())
            return false;
        copy = std::move(m_backlog.front());
        m_backlog.pop_front();
    }
    decodeBlock(copy.data());
    std::lock_guard lock(m_queueMutex);
    m_backlogBytes -= qint64(PacketRing::BlockSize);
    if (m_spare.size() < SpareCopies)
        m_spare.push_back(std::move(copy));
    return true;
}

void PacketTap::decodeBlock(const char *block)
{
    // The kernel marks each block it closes while frames it had to drop are not counted yet.
    const auto *header = reinterpret_cast<const tpacket_block_desc *>(block);
    if (header->hdr.bh1.block_status & TP_STATUS_LOSING)
        reportDrops(qint64(header->hdr.bh1.ts_first_pkt.ts_sec) * 1000000000 +
                    header->hdr.bh1.ts_first_pkt.ts_nsec);
    forEachRingFrame(block, [this](const RingFrame &frame) {
        // Older kernels lack PACKET_IGNORE_OUTGOING: lo's second copy of each frame goes here.
        if (!frame.outgoing)
            process(frame);
    });
}

void PacketTap::process(const RingFrame &frame)
{
    std::optional<PacketInfo> decoded =
        packetdecoder::decode(QByteArray(frame.bytes, qsizetype(frame.capturedLength)));
    if (!decoded)
        return;
    PacketInfo &packet = *decoded;
    packet.wireLength = int(frame.originalLength);
    const bool cut = frame.capturedLength < frame.originalLength;
    // Cut within the payload (lo's headers are shorter than SnapLength): its length is the
    // one on the wire, the bytes are those captured.
    if (cut && packet.len > 0)
        packet.len += int(frame.originalLength - frame.capturedLength);
    m_acks.add(packet);
    m_sequencer.apply(packet);
    packetdecoder::summarize(packet);
    if (cut) {
        ++m_statistics.truncated;
        packet.summary +=
            QStringLiteral(" (captured %1 of %2 bytes)").arg(frame.capturedLength).arg(frame.originalLength);
    }
    packet.kernelTimeNs = frame.kernelTimeNs;
    TraceEvent event;
    // The frame's own time on the session's clock: the kernel stamped it when it crossed lo,
    // which may be a few milliseconds before this thread got to it.
    event.tNs = std::max<qint64>(1, m_session.trace().nowNs() - (realtimeNowNs() - frame.kernelTimeNs));
    event.info = std::move(packet);
    m_session.record(std::move(event));
    ++m_statistics.recorded;
}

void PacketTap::readKernelFigures()
{
    tpacket_stats_v3 figures{};
    socklen_t size = sizeof figures;
    // The kernel resets its counters on each read.
    if (::getsockopt(m_socket, SOL_PACKET, PACKET_STATISTICS, &figures, &size) == 0) {
        m_statistics.received += figures.tp_packets;
        m_statistics.drops += figures.tp_drops;
    }
}

// A trace with frames missing says so, where they went missing: nothing shown may pretend that
// the capture was whole.
void PacketTap::reportDrops(qint64 kernelTimeNs)
{
    readKernelFigures();
    const quint64 missing = m_statistics.drops - m_reportedDrops;
    m_reportedDrops = m_statistics.drops;
    if (missing == 0)
        return;
    TraceEvent event;
    event.tNs = std::max<qint64>(1, m_session.trace().nowNs() - (realtimeNowNs() - kernelTimeNs));
    event.info = NoteInfo{
        NoteInfo::Level::Warning,
        QStringLiteral("The capture missed %1 frame%2 here: the kernel dropped %3 because the "
                       "packet tap fell behind, so %4 not shown.")
            .arg(missing)
            .arg(missing == 1 ? QString() : QStringLiteral("s"))
            .arg(missing == 1 ? QStringLiteral("it") : QStringLiteral("them"))
            .arg(missing == 1 ? QStringLiteral("that packet is") : QStringLiteral("those packets are"))};
    m_session.record(std::move(event));
}

bool PacketTap::settled()
{
    std::lock_guard lock(m_mutex);
    decodeAll();
    reportDrops(realtimeNowNs());
    return m_acks.allAcknowledged();
}

PacketTap::Statistics PacketTap::statistics()
{
    std::lock_guard lock(m_mutex);
    readKernelFigures();
    m_statistics.receiveBuffer = int(m_ring.bytes());
    Statistics figuresNow = m_statistics;
    {
        std::lock_guard ringLock(m_ringMutex);
        figuresNow.floods = m_floods;
    }
    figuresNow.ringThreadCpuNs = threadCpuNs(m_ringThread);
    figuresNow.decoderThreadCpuNs = threadCpuNs(m_decoderThread);
    std::lock_guard queueLock(m_queueMutex);
    figuresNow.copiedBlocks = m_copiedBlocks;
    figuresNow.backlogPeakBytes = m_backlogPeakBytes;
    return figuresNow;
}
