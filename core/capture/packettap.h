#pragma once

#include "capture/acktracker.h"
#include "capture/packetfilter.h"
#include "capture/packetring.h"
#include "decode/packetdecoder.h"
#include "engine/session.h"

#include <QList>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

/// Captures the frames on a loopback interface for a session: each frame once, with its kernel
/// timestamp, decoded and recorded as a packet event (Session::record stamps the call that
/// caused it). Runs its own threads; a wake-up event stops them at once.
class PacketTap : public SessionAttachment
{
public:
    /// While a flood fills the ring (more than FloodBytes waiting), frames are captured up to
    /// this many bytes: every header of lo's frames, and the first bytes of the payload. Each
    /// such packet says so in its summary ("captured 128 of 602 bytes"), and its length is the
    /// one on the wire. A scenario's steps never come near a flood.
    static constexpr quint32 SnapLength = 128;
    static constexpr size_t FloodBytes = size_t(2) << 20;

    /// The kernel's figures since the tap started.
    struct Statistics
    {
        quint64 received = 0;          // frames that passed the filter
        quint64 drops = 0;             // frames the kernel dropped because the tap fell behind
        quint64 recorded = 0;          // packet events recorded
        int receiveBuffer = 0;         // bytes of ring the kernel fills for the tap
        quint64 copiedBlocks = 0;      // ring blocks copied out because the ring ran short
        qint64 backlogPeakBytes = 0;   // most bytes copied out and waiting for the decoder at once
        quint64 truncated = 0;         // frames captured shorter than they were (during floods)
        int floods = 0;                // times the capture went over to headers only
        qint64 ringThreadCpuNs = 0;    // processor time of the thread that empties the ring
        qint64 decoderThreadCpuNs = 0; // and of the one that decodes floods
    };

    /// Takes `packetSocket` (AF_PACKET, SOCK_RAW, protocol 0, not yet bound), attaches `filter`
    /// before binding it to `interfaceIndex`, and starts capturing for `session` into a ring of
    /// `ringBytes`. Returns null and sets `error` when the socket cannot be set up (the socket is
    /// closed then).
    static std::shared_ptr<PacketTap> start(Session &session, int packetSocket, int interfaceIndex,
                                            const std::vector<sock_filter> &filter, QString *error,
                                            size_t ringBytes = PacketRing::DefaultBytes);
    ~PacketTap() override;
    PacketTap(const PacketTap &) = delete;
    PacketTap &operator=(const PacketTap &) = delete;

    /// Stops the threads; frames not recorded yet are dropped. Idempotent.
    void stop();
    Statistics statistics();

    /// Stops the threads: nothing is recorded into a session that is going away.
    void sessionEnding() override { stop(); }
    /// Reads what the kernel has queued, then answers whether every TCP byte, SYN and FIN seen
    /// so far was acknowledged: until then the step's packets are not all there yet.
    bool settled() override;

private:
    PacketTap(Session &session, int packetSocket);
    void runRing();
    void runDecoder();
    bool copyOut(const char *block, bool ringRanShort); // under m_ringMutex
    bool backlogEmpty();
    size_t backlogLength();
    bool decodeOneCopy();                      // under m_mutex
    bool decodeNextBlock();                    // under m_mutex
    void decodeAll();                          // under m_mutex
    void decodeBlock(const char *block);       // under m_mutex
    void process(const RingFrame &frame);      // under m_mutex
    void readKernelFigures();                  // under m_mutex
    void reportDrops(qint64 kernelTimeNs);     // under m_mutex
    void captureHeadersOnly(bool headersOnly); // under m_ringMutex

    Session &m_session;
    int m_socket = -1;
    int m_wake = -1;
    std::atomic<bool> m_stopping{false};

    // Two threads. The ring thread decodes a step's few frames in place at once; it leaves a
    // flood's blocks in the ring while the flood lasts (copying out only what the ring has no
    // room for), and hands them to the decoder as copies once it is over. The decoder yields to
    // everything else and never touches the ring, so that a bulk transfer keeps the processor
    // and the ring never waits for the decoder.
    std::thread m_ringThread;
    std::thread m_decoderThread;

    std::mutex m_mutex; // decoding and recording, in capture order
    RelativeSequencer m_sequencer;
    AckTracker m_acks;
    Statistics m_statistics;     // the counters of frames; the rest under m_queueMutex
    quint64 m_reportedDrops = 0; // frames the kernel dropped that a note in the trace told of

    std::mutex m_ringMutex; // the kernel's receive ring
    PacketRing m_ring;
    std::vector<sock_filter> m_filter;     // whole frames
    std::vector<sock_filter> m_snapFilter; // the same frames cut to SnapLength
    bool m_headersOnly = false;
    int m_floods = 0;

    std::mutex m_queueMutex; // blocks copied from the ring, not decoded yet, in capture order
    std::condition_variable m_queued;
    std::deque<BlockCopy> m_backlog;
    std::vector<BlockCopy> m_spare; // decoded copies kept for the next ones
    qint64 m_backlogBytes = 0;
    quint64 m_copiedBlocks = 0;
    qint64 m_backlogPeakBytes = 0;
    bool m_floodOver = true; // no block came for a while: the decoder may take the processor
};
