#include "decode/packetdecoder.h"

#include "decode/packetlayers.h"

using namespace packetlayers;

namespace {

QString tcpOptionsText(const Bytes &b, int from, int to)
{
    QStringList words;
    for (int at = from; at < to && b.has(at, 1);) {
        const int kind = b.u8(at);
        if (kind == 0)
            break;
        if (kind == 1) {
            ++at;
            continue;
        }
        if (!b.has(at, 2) || b.u8(at + 1) < 2 || at + b.u8(at + 1) > to)
            break;
        const int length = b.u8(at + 1);
        if (kind == 2 && length == 4)
            words << QStringLiteral("mss=%1").arg(b.u16(at + 2));
        else if (kind == 3 && length == 3)
            words << QStringLiteral("wscale=%1").arg(b.u8(at + 2));
        else if (kind == 4)
            words << QStringLiteral("sack_perm");
        else if (kind == 5)
            words << QStringLiteral("sack");
        else if (kind == 8)
            words << QStringLiteral("ts");
        at += length;
    }
    return words.join(u' ');
}

} // namespace

namespace packetdecoder {

std::optional<PacketInfo> decode(const QByteArray &frame)
{
    const Bytes b = bytesOf(frame);
    const std::optional<Network> found = networkOfFrame(b);
    if (!found)
        return std::nullopt;
    const Network &net = *found;
    const Bytes &nb = net.bytes;
    PacketInfo packet;
    packet.frame = frame;
    packet.src = net.src;
    packet.dst = net.dst;
    packet.proto = net.v6 ? QStringLiteral("IPv6") : QStringLiteral("IPv4");
    const int t = net.transport;
    auto takePayload = [&](int from) {
        if (nb.has(from, 0)) {
            packet.payload = frame.mid(from, nb.end - from);
            packet.len = int(packet.payload.size());
        }
    };
    if (net.protocol == ProtoTCP) {
        packet.proto = QStringLiteral("TCP");
        if (!nb.has(t, 20))
            return packet;
        packet.src = endpoint(net.src, net.v6, nb.u16(t));
        packet.dst = endpoint(net.dst, net.v6, nb.u16(t + 2));
        packet.seq = nb.u32(t + 4);
        packet.ack = nb.u32(t + 8);
        packet.flags = tcpFlagWords(nb.u8(t + 13));
        packet.window = nb.u16(t + 14);
        const int dataOffset = (nb.u8(t + 12) >> 4) * 4;
        if (dataOffset >= 20)
            takePayload(t + dataOffset);
    } else if (net.protocol == ProtoUDP) {
        packet.proto = QStringLiteral("UDP");
        if (!nb.has(t, 8))
            return packet;
        packet.src = endpoint(net.src, net.v6, nb.u16(t));
        packet.dst = endpoint(net.dst, net.v6, nb.u16(t + 2));
        takePayload(t + 8);
    } else if (net.protocol == ProtoICMP || net.protocol == ProtoICMPv6) {
        packet.proto = net.v6 ? QStringLiteral("ICMPv6") : QStringLiteral("ICMP");
        if (!nb.has(t, 4))
            return packet;
        packet.flags << icmpWord(net.v6, nb.u8(t), nb.u8(t + 1));
        takePayload(t + 8);
    }
    return packet;
}

void summarize(PacketInfo &packet)
{
    const Bytes b = bytesOf(packet.frame);
    const std::optional<Network> net = networkOfFrame(b);
    QStringList parts;
    const int needed = packet.proto == QLatin1String("TCP")   ? 20
                       : packet.proto == QLatin1String("UDP") ? 8
                                                              : 4;
    if (!net || (net->protocol >= 0 && !net->bytes.has(net->transport, needed))) {
        packet.summary = QStringLiteral("truncated %1 header").arg(packet.proto);
        return;
    }
    if (packet.proto == QLatin1String("TCP")) {
        parts << u'[' + packet.flags.join(QStringLiteral(", ")) + u']'
              << QStringLiteral("seq=%1").arg(packet.seq);
        if (packet.flags.contains(QStringLiteral("ACK")))
            parts << QStringLiteral("ack=%1").arg(packet.ack);
        parts << QStringLiteral("win=%1").arg(packet.window);
        if (packet.len > 0)
            parts << QStringLiteral("len=%1").arg(packet.len);
        if (packet.retransmission)
            parts << QStringLiteral("retransmission");
        if (net && net->protocol == ProtoTCP && net->bytes.has(net->transport, 20)) {
            const int t = net->transport;
            const int end = qMin(t + (net->bytes.u8(t + 12) >> 4) * 4, net->bytes.end);
            const QString options = tcpOptionsText(net->bytes, t + 20, end);
            if (!options.isEmpty())
                parts << options;
        }
    } else if (packet.proto.startsWith(QLatin1String("ICMP"))) {
        parts << packet.flags;
        if (net && net->bytes.has(net->transport, 8)) {
            const Bytes &nb = net->bytes;
            const int t = net->transport;
            const int type = nb.u8(t);
            if (isIcmpEcho(net->v6, type))
                parts << QStringLiteral("id=0x%1").arg(nb.u16(t + 4), 4, 16, QLatin1Char('0'))
                      << QStringLiteral("seq=%1").arg(nb.u16(t + 6))
                      << QStringLiteral("len=%1").arg(packet.len);
            else if (isIcmpError(net->v6, type)) {
                const QString inner = quotedHeader(nb, t + 8, net->v6);
                if (!inner.isEmpty())
                    parts << u'(' + inner + u')';
            }
        }
    } else {
        parts << QStringLiteral("len=%1").arg(packet.len); // UDP, and what has no header fields to show
    }
    packet.summary = parts.join(u' ');
}

} // namespace packetdecoder

void RelativeSequencer::apply(PacketInfo &packet)
{
    if (packet.proto != QLatin1String("TCP") || !packet.src.contains(u':'))
        return;
    const QString key = packet.src + u'>' + packet.dst;
    const QString reverse = packet.dst + u'>' + packet.src;
    const bool syn = packet.flags.contains(QStringLiteral("SYN"));
    const bool ack = packet.flags.contains(QStringLiteral("ACK"));
    // A SYN starts the numbering (seq 0). A flow first seen mid-way counts from its first packet,
    // whose first byte is 1, as Wireshark does.
    // A SYN with another initial number is a new connection on the same 4-tuple.
    if (syn && m_base.contains(key) && m_base.value(key) != packet.seq)
        m_end.remove(key);
    if (syn || !m_base.contains(key))
        m_base.insert(key, syn ? packet.seq : packet.seq - 1);
    if (ack && !m_base.contains(reverse))
        m_base.insert(reverse, packet.ack - 1);
    packet.seq -= m_base.value(key);
    packet.ack = ack ? packet.ack - m_base.value(reverse) : 0;
    const quint32 occupied =
        quint32(qMax(0, packet.len)) + (syn ? 1 : 0) + (packet.flags.contains(QStringLiteral("FIN")) ? 1 : 0);
    if (occupied == 0)
        return;
    const quint32 end = packet.seq + occupied;
    const auto furthest = m_end.constFind(key);
    // Compared as a signed distance, so that numbers that wrapped around 2^32 still order.
    if (furthest != m_end.cend() && qint32(end - *furthest) <= 0)
        packet.retransmission = true;
    else
        m_end.insert(key, end);
}
