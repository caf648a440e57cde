#pragma once

#include "trace/traceevent.h"

#include <QString>

#include <map>

/// Follows each TCP direction seen on the wire with absolute sequence numbers, to know whether
/// everything sent (bytes, SYN, FIN) was acknowledged yet: until then a step's packets are not
/// all there (a delayed ACK comes up to 40 ms later). Not thread-safe: its owner locks.
class AckTracker
{
public:
    void add(const PacketInfo &packet);
    /// True when every TCP byte, SYN and FIN seen so far was acknowledged (or reset).
    bool allAcknowledged() const;
    void clear() { m_flows.clear(); }

private:
    struct Flow
    {
        quint32 sentEnd = 0; // sequence number after the last byte, SYN or FIN sent
        quint32 acked = 0;   // highest acknowledgement from the peer
        bool sent = false;
        bool ackSeen = false;
    };

    std::map<QString, Flow> m_flows; // "src>dst"
};
