#pragma once

#include "packetdecoder.h"
#include "session.h"

#include <QList>
#include <QString>

#include <linux/filter.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

/// Classic BPF programs for a packet socket on a loopback interface (Ethernet framing).
namespace packetfilter {
/// Every IPv4 and IPv6 frame: for the sandbox, whose loopback carries the session's traffic only.
std::vector<sock_filter> allIp();
/// TCP and UDP frames from or to one of `ports`, and every ICMP and ICMPv6 frame: for the host's
/// loopback, which other programs share. At most 40 ports.
std::vector<sock_filter> ports(const QList<quint16> &ports);
} // namespace packetfilter

/// Captures the frames on a loopback interface for a session: each frame once, with its kernel
/// timestamp, decoded and recorded as a packet event (Session::record stamps the call that
/// caused it). Runs its own threads; a wake-up event stops them at once.
class PacketTap : public SessionAttachment
{
public:
    /// The kernel's figures since the tap started.
    struct Statistics
    {
        quint64 received = 0;  // frames that passed the filter
        quint64 drops = 0;     // frames the kernel dropped because the tap fell behind
        quint64 recorded = 0;  // packet events recorded
        int receiveBuffer = 0; // bytes of ring the kernel fills for the tap
    };

    /// Takes `packetSocket` (AF_PACKET, SOCK_RAW, protocol 0, not yet bound), attaches `filter`
    /// before binding it to `interfaceIndex`, and starts capturing for `session`. Returns null and
    /// sets `error` when the socket cannot be set up (the socket is closed then).
    static std::shared_ptr<PacketTap> start(Session &session, int packetSocket, int interfaceIndex,
                                            const std::vector<sock_filter> &filter, QString *error);
    ~PacketTap() override;
    PacketTap(const PacketTap &) = delete;
    PacketTap &operator=(const PacketTap &) = delete;

    /// Stops the threads; frames not recorded yet are dropped. Idempotent.
    void stop();
    Statistics statistics();

    void callRecorded(const TraceEvent &event) override;
    void sessionReset() override;
    /// Stops both threads: nothing is recorded into a session that is going away.
    void sessionEnding() override { stop(); }
    /// Reads what the kernel has queued, then answers whether every TCP byte, SYN and FIN seen
    /// so far was acknowledged: until then the step's packets are not all there yet.
    bool settled() override;

private:
    struct Frame
    {
        QByteArray bytes;
        qint64 kernelTimeNs = 0;
    };

    PacketTap(Session &session, int packetSocket);
    void runRing();
    void runDecoder();
    size_t takeFromRing(bool keep); // under m_ringMutex
    void decodePending();           // under m_mutex
    size_t pendingCount();
    void process(const Frame &frame);     // under m_mutex
    void track(const PacketInfo &packet); // under m_mutex

    struct Flow
    {
        quint32 sentEnd = 0; // sequence number after the last byte, SYN or FIN sent
        quint32 acked = 0;   // highest acknowledgement from the peer
        bool sent = false;
        bool ackSeen = false;
    };

    Session &m_session;
    int m_socket = -1;
    int m_wake = -1;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_paused{false}; // after a reset, until the new session's first call

    // Two threads, so that the ring is emptied as fast as the kernel fills it while decoding
    // follows at its own pace: the ring thread copies frames out, the decoder records them.
    std::thread m_ringThread;
    std::thread m_decoderThread;

    std::mutex m_mutex; // decoding and recording, in capture order
    RelativeSequencer m_sequencer;
    std::map<QString, Flow> m_flows; // "src>dst"
    qint64 m_cutoffNs = 0;           // frames stamped earlier belong to a session that was reset
    Statistics m_statistics;

    std::mutex m_ringMutex; // the kernel's receive ring
    char *m_ring = nullptr;
    unsigned m_block = 0; // the next block to take from it

    std::mutex m_queueMutex; // frames taken from the ring, not decoded yet
    std::condition_variable m_queued;
    std::vector<Frame> m_pending;
};
