#include "capture/acktracker.h"

namespace {

bool serialBefore(quint32 a, quint32 b)
{
    return qint32(a - b) < 0;
}

} // namespace

void AckTracker::add(const PacketInfo &packet)
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

bool AckTracker::allAcknowledged() const
{
    for (const auto &[key, flow] : m_flows) {
        if (flow.sent && (!flow.ackSeen || serialBefore(flow.acked, flow.sentEnd)))
            return false;
    }
    return true;
}
