#pragma once

#include "trace/traceevent.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>

/// One field of a decoded frame, for the inspector: where its bytes are and what they mean.
struct DecodedField
{
    QString name;   // "Source port"
    QString value;  // "8080"
    int offset = 0; // into the frame
    int length = 0; // bytes; 0 for a field smaller than a byte (flags are shown on their byte)
    QList<DecodedField> children;
};

/// Decoders for frames captured on the loopback interface (Ethernet header with zero addresses):
/// IPv4, IPv6, TCP (flags, options: MSS, window scale, SACK permitted, timestamps), UDP, ICMP,
/// ICMPv6. Every decoder checks every length against the bytes it was given: a truncated or
/// malformed frame decodes as far as it is whole and never reads past its end.
namespace packetdecoder {

/// The summary of `frame` (absolute TCP sequence numbers), or nullopt when it is not IP.
std::optional<PacketInfo> decode(const QByteArray &frame);
/// The layers of `frame` as a field tree (Ethernet, IP, TCP/UDP/ICMP, payload).
QList<DecodedField> fields(const QByteArray &frame);
/// Fills packet.summary ("[SYN] seq=0 win=65495 mss=65495 len=0") from its fields; call after
/// RelativeSequencer::apply().
void summarize(PacketInfo &packet);

} // namespace packetdecoder

/// Makes TCP sequence and acknowledgement numbers relative to each direction's first sequence
/// number (its SYN), as Wireshark does, so that a reader sees seq=1 rather than 3141592654.
/// It also marks a retransmission: a segment whose sequence numbers (bytes, SYN or FIN) this
/// direction already carried, which is what the capture shows when a sender tries again.
class RelativeSequencer
{
public:
    /// Rewrites packet.seq/ack in place and sets packet.retransmission; call once per packet, in
    /// capture order.
    void apply(PacketInfo &packet);
    void clear()
    {
        m_base.clear();
        m_end.clear();
    }

private:
    QHash<QString, quint32> m_base; // "src>dst" → initial sequence number
    QHash<QString, quint32> m_end;  // "src>dst" → relative sequence number after the furthest segment
};
