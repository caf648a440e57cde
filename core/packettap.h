#pragma once

#include "packetdecoder.h"
#include "session.h"

#include <QList>
#include <QString>

#include <linux/filter.h>

#include <atomic>
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
/// caused it). Runs its own thread; a wake-up event stops it at once.
class PacketTap : public SessionAttachment
{
public:
    /// The kernel's figures since the tap started.
    struct Statistics
    {
        quint64 received = 0; // frames that passed the filter
        quint64 drops = 0;    // frames the kernel dropped because the tap fell behind
        quint64 recorded = 0; // packet events recorded
    };

    /// Takes `packetSocket` (AF_PACKET, SOCK_RAW, protocol 0, not yet bound), attaches `filter`
    /// before binding it to `interfaceIndex`, and starts capturing for `session`. Returns null and
    /// sets `error` when the socket cannot be set up (the socket is closed then).
    static std::shared_ptr<PacketTap> start(Session &session, int packetSocket, int interfaceIndex,
                                            const std::vector<sock_filter> &filter, QString *error);
    ~PacketTap() override;
    PacketTap(const PacketTap &) = delete;
    PacketTap &operator=(const PacketTap &) = delete;

    /// Stops the thread; frames not read yet are dropped. Idempotent.
    void stop();
    Statistics statistics();

    void callRecorded(const TraceEvent &event) override;
    void sessionReset() override;
    /// Reads what the kernel has queued, then answers whether every TCP byte, SYN and FIN seen
    /// so far was acknowledged: until then the step's packets are not all there yet.
    bool settled() override;

private:
    PacketTap(Session &session, int packetSocket);
    void run();
    // Both under m_mutex.
    int readQueued();
    void process(const char *frame, int length, qint64 kernelTimeNs);
    void track(const PacketInfo &packet);

    struct Flow
    {
        quint32 sentEnd = 0;    // sequence number after the last byte, SYN or FIN sent
        quint32 acked = 0;      // highest acknowledgement from the peer
        bool sent = false;
        bool ackSeen = false;
    };

    Session &m_session;
    int m_socket = -1;
    int m_wake = -1;
    std::thread m_thread;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_paused{false}; // after a reset, until the new session's first call

    std::mutex m_mutex; // reading the socket, decoding and recording
    std::vector<char> m_buffer;
    RelativeSequencer m_sequencer;
    std::map<QString, Flow> m_flows; // "src>dst"
    qint64 m_cutoffNs = 0;           // frames stamped earlier belong to a session that was reset
    Statistics m_statistics;
};
