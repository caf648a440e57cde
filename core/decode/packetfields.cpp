#include "decode/packetdecoder.h"

#include "decode/packetlayers.h"

using namespace packetlayers;

// The field tree for the inspector: every layer with the offset and length of each field.
namespace {

DecodedField field(const QString &name, const QString &value, int offset, int length)
{
    return {name, value, offset, length, {}};
}

QString hex(quint32 value, int digits)
{
    return QStringLiteral("0x%1").arg(value, digits, 16, QLatin1Char('0'));
}

// A header cut short: says how much is there, and covers exactly those bytes.
DecodedField truncated(const Bytes &b, int offset, int needed)
{
    const int present = qMax(0, b.end - offset);
    return field(QStringLiteral("Truncated"),
                 QStringLiteral("%1 of the %2 bytes this header needs").arg(present).arg(needed), offset,
                 present);
}

DecodedField ipFields(const Bytes &b, int offset, bool v6, const Network &net)
{
    DecodedField ip = field(v6 ? QStringLiteral("IPv6") : QStringLiteral("IPv4"), {}, offset, 0);
    if (!net.whole) {
        ip.children << truncated(b, offset, v6 ? 40 : 20);
        ip.length = qMax(0, b.end - offset);
        return ip;
    }
    const QString protocol = net.protocol == ProtoTCP      ? QStringLiteral("TCP")
                             : net.protocol == ProtoUDP    ? QStringLiteral("UDP")
                             : net.protocol == ProtoICMP   ? QStringLiteral("ICMP")
                             : net.protocol == ProtoICMPv6 ? QStringLiteral("ICMPv6")
                                                           : QString();
    ip.value = net.src + QStringLiteral(" → ") + net.dst;
    if (!v6) {
        const int headerLength = (b.u8(offset) & 0x0f) * 4;
        const quint16 fragment = b.u16(offset + 6);
        QStringList fragmentWords;
        if (fragment & 0x4000)
            fragmentWords << QStringLiteral("don't fragment");
        if (fragment & 0x2000)
            fragmentWords << QStringLiteral("more fragments");
        fragmentWords << QStringLiteral("offset %1").arg((fragment & 0x1fff) * 8);
        ip.length = net.transport > offset ? net.transport - offset : qMin(20, b.end - offset);
        ip.children << field(QStringLiteral("Version, header length"),
                             QStringLiteral("4, %1 bytes").arg(headerLength), offset, 1)
                    << field(QStringLiteral("DSCP, ECN"), hex(b.u8(offset + 1), 2), offset + 1, 1)
                    << field(QStringLiteral("Total length"), QString::number(b.u16(offset + 2)), offset + 2,
                             2)
                    << field(QStringLiteral("Identification"), hex(b.u16(offset + 4), 4), offset + 4, 2)
                    << field(QStringLiteral("Flags, fragment offset"),
                             fragmentWords.join(QStringLiteral(", ")), offset + 6, 2)
                    << field(QStringLiteral("Time to live"), QString::number(b.u8(offset + 8)), offset + 8, 1)
                    << field(QStringLiteral("Protocol"),
                             QStringLiteral("%1 (%2)").arg(protocol).arg(b.u8(offset + 9)).trimmed(),
                             offset + 9, 1)
                    << field(QStringLiteral("Header checksum"), hex(b.u16(offset + 10), 4), offset + 10, 2)
                    << field(QStringLiteral("Source"), net.src, offset + 12, 4)
                    << field(QStringLiteral("Destination"), net.dst, offset + 16, 4);
        if (headerLength > 20 && b.has(offset + 20, headerLength - 20))
            ip.children << field(QStringLiteral("Options"), QStringLiteral("%1 bytes").arg(headerLength - 20),
                                 offset + 20, headerLength - 20);
        else if (headerLength > 20 || headerLength < 20)
            ip.children << field(QStringLiteral("Header length"),
                                 QStringLiteral("malformed: %1 bytes").arg(headerLength), offset, 1);
        return ip;
    }
    const quint32 first = b.u32(offset);
    ip.length = net.transport > offset ? net.transport - offset : 40;
    ip.children << field(
                       QStringLiteral("Version, traffic class, flow label"),
                       QStringLiteral("6, %1, %2").arg(hex((first >> 20) & 0xff, 2), hex(first & 0xfffff, 5)),
                       offset, 4)
                << field(QStringLiteral("Payload length"), QString::number(b.u16(offset + 4)), offset + 4, 2)
                << field(QStringLiteral("Next header"), QString::number(b.u8(offset + 6)), offset + 6, 1)
                << field(QStringLiteral("Hop limit"), QString::number(b.u8(offset + 7)), offset + 7, 1)
                << field(QStringLiteral("Source"), net.src, offset + 8, 16)
                << field(QStringLiteral("Destination"), net.dst, offset + 24, 16);
    if (net.transport > offset + 40)
        ip.children << field(QStringLiteral("Extension headers"),
                             QStringLiteral("%1 bytes").arg(net.transport - offset - 40), offset + 40,
                             net.transport - offset - 40);
    if (!protocol.isEmpty() && net.transport > 0)
        ip.children.last().value += QStringLiteral(" (then %1)").arg(protocol);
    return ip;
}

DecodedField tcpOptionFields(const Bytes &b, int from, int to)
{
    DecodedField options =
        field(QStringLiteral("Options"), QStringLiteral("%1 bytes").arg(to - from), from, to - from);
    for (int at = from; at < to && b.has(at, 1);) {
        const int kind = b.u8(at);
        if (kind == 0 || kind == 1) {
            options.children << field(kind ? QStringLiteral("NOP") : QStringLiteral("End of options"), {}, at,
                                      1);
            if (kind == 0)
                break;
            ++at;
            continue;
        }
        if (!b.has(at, 2) || b.u8(at + 1) < 2 || at + b.u8(at + 1) > to) {
            options.children << field(QStringLiteral("Malformed option"), QStringLiteral("kind %1").arg(kind),
                                      at, to - at);
            break;
        }
        const int length = b.u8(at + 1);
        if (kind == 2 && length == 4)
            options.children << field(QStringLiteral("Maximum segment size"), QString::number(b.u16(at + 2)),
                                      at, length);
        else if (kind == 3 && length == 3)
            options.children << field(
                QStringLiteral("Window scale"),
                QStringLiteral("%1 (×%2)").arg(b.u8(at + 2)).arg(1 << qMin(14, int(b.u8(at + 2)))), at,
                length);
        else if (kind == 4)
            options.children << field(QStringLiteral("SACK permitted"), {}, at, length);
        else if (kind == 8 && length == 10)
            options.children << field(
                QStringLiteral("Timestamps"),
                QStringLiteral("value %1, echo %2").arg(b.u32(at + 2)).arg(b.u32(at + 6)), at, length);
        else
            options.children << field(QStringLiteral("Option %1").arg(kind),
                                      QStringLiteral("%1 bytes").arg(length), at, length);
        at += length;
    }
    return options;
}

DecodedField tcpFields(const Bytes &b, int t)
{
    DecodedField tcp = field(QStringLiteral("TCP"), {}, t, 20);
    if (!b.has(t, 20)) {
        tcp.length = qMax(0, b.end - t);
        tcp.children << truncated(b, t, 20);
        return tcp;
    }
    const int dataOffset = (b.u8(t + 12) >> 4) * 4;
    const QStringList flags = tcpFlagWords(b.u8(t + 13));
    tcp.value =
        QStringLiteral("%1 → %2 [%3]").arg(b.u16(t)).arg(b.u16(t + 2)).arg(flags.join(QStringLiteral(", ")));
    tcp.length = b.has(t, dataOffset) && dataOffset >= 20 ? dataOffset : 20;
    tcp.children << field(QStringLiteral("Source port"), QString::number(b.u16(t)), t, 2)
                 << field(QStringLiteral("Destination port"), QString::number(b.u16(t + 2)), t + 2, 2)
                 << field(QStringLiteral("Sequence number"), QString::number(b.u32(t + 4)), t + 4, 4)
                 << field(QStringLiteral("Acknowledgment number"), QString::number(b.u32(t + 8)), t + 8, 4)
                 << field(QStringLiteral("Header length"), QStringLiteral("%1 bytes").arg(dataOffset), t + 12,
                          1)
                 << field(QStringLiteral("Flags"), flags.join(QStringLiteral(", ")), t + 13, 1)
                 << field(QStringLiteral("Window"), QString::number(b.u16(t + 14)), t + 14, 2)
                 << field(QStringLiteral("Checksum"), hex(b.u16(t + 16), 4), t + 16, 2)
                 << field(QStringLiteral("Urgent pointer"), QString::number(b.u16(t + 18)), t + 18, 2);
    if (dataOffset < 20)
        tcp.children << field(QStringLiteral("Header length"),
                              QStringLiteral("malformed: %1 bytes").arg(dataOffset), t + 12, 1);
    else if (dataOffset > 20)
        tcp.children << (b.has(t, dataOffset) ? tcpOptionFields(b, t + 20, t + dataOffset)
                                              : truncated(b, t + 20, dataOffset - 20));
    return tcp;
}

DecodedField udpFields(const Bytes &b, int t)
{
    DecodedField udp = field(QStringLiteral("UDP"), {}, t, 8);
    if (!b.has(t, 8)) {
        udp.length = qMax(0, b.end - t);
        udp.children << truncated(b, t, 8);
        return udp;
    }
    udp.value = QStringLiteral("%1 → %2").arg(b.u16(t)).arg(b.u16(t + 2));
    udp.children << field(QStringLiteral("Source port"), QString::number(b.u16(t)), t, 2)
                 << field(QStringLiteral("Destination port"), QString::number(b.u16(t + 2)), t + 2, 2)
                 << field(QStringLiteral("Length"), QString::number(b.u16(t + 4)), t + 4, 2)
                 << field(QStringLiteral("Checksum"), hex(b.u16(t + 6), 4), t + 6, 2);
    return udp;
}

DecodedField icmpFields(const Bytes &b, int t, bool v6, int depth);

QList<DecodedField> networkAndTransport(const Bytes &b, int offset, bool v6, int depth)
{
    const Network net = readNetwork(b, offset, v6);
    QList<DecodedField> layers{ipFields(b, offset, v6, net)};
    const Bytes &nb = net.bytes;
    const int t = net.transport;
    int payloadAt = -1;
    if (net.protocol == ProtoTCP) {
        layers << tcpFields(nb, t);
        if (nb.has(t, 20) && (nb.u8(t + 12) >> 4) * 4 >= 20)
            payloadAt = t + (nb.u8(t + 12) >> 4) * 4;
    } else if (net.protocol == ProtoUDP) {
        layers << udpFields(nb, t);
        payloadAt = t + 8;
    } else if ((net.protocol == ProtoICMP && !v6) || (net.protocol == ProtoICMPv6 && v6)) {
        layers << icmpFields(nb, t, v6, depth);
        if (nb.has(t, 8) && isIcmpEcho(v6, nb.u8(t)))
            payloadAt = t + 8;
    }
    if (payloadAt >= 0 && nb.has(payloadAt, 1))
        layers << field(QStringLiteral("Payload"), QStringLiteral("%1 bytes").arg(nb.end - payloadAt),
                        payloadAt, nb.end - payloadAt);
    return layers;
}

DecodedField icmpFields(const Bytes &b, int t, bool v6, int depth)
{
    DecodedField icmp = field(v6 ? QStringLiteral("ICMPv6") : QStringLiteral("ICMP"), {}, t, 8);
    if (!b.has(t, 4)) {
        icmp.length = qMax(0, b.end - t);
        icmp.children << truncated(b, t, 8);
        return icmp;
    }
    const int type = b.u8(t);
    icmp.value = icmpWord(v6, type, b.u8(t + 1));
    icmp.children << field(QStringLiteral("Type"), QStringLiteral("%1 (%2)").arg(type).arg(icmp.value), t, 1)
                  << field(QStringLiteral("Code"), QString::number(b.u8(t + 1)), t + 1, 1)
                  << field(QStringLiteral("Checksum"), hex(b.u16(t + 2), 4), t + 2, 2);
    if (!b.has(t, 8)) {
        icmp.length = b.end - t;
        icmp.children << truncated(b, t, 8);
        return icmp;
    }
    if (isIcmpEcho(v6, type)) {
        icmp.children << field(QStringLiteral("Identifier"), hex(b.u16(t + 4), 4), t + 4, 2)
                      << field(QStringLiteral("Sequence number"), QString::number(b.u16(t + 6)), t + 6, 2);
    } else if (isIcmpError(v6, type) && depth == 0 && b.has(t + 8, 1)) {
        // The error quotes the start of the datagram that caused it: decode it as one.
        DecodedField quoted =
            field(QStringLiteral("Original datagram"), quotedHeader(b, t + 8, v6), t + 8, b.end - t - 8);
        quoted.children = networkAndTransport(b, t + 8, v6, depth + 1);
        icmp.children << field(QStringLiteral("Unused"), {}, t + 4, 4) << quoted;
    }
    return icmp;
}

} // namespace

namespace packetdecoder {

QList<DecodedField> fields(const QByteArray &frame)
{
    const Bytes b = bytesOf(frame);
    if (!b.has(0, EthernetLength))
        return {truncated(b, 0, EthernetLength)};
    const quint16 type = b.u16(12);
    DecodedField ethernet = field(QStringLiteral("Ethernet"), {}, 0, EthernetLength);
    auto mac = [&](int offset) {
        QStringList parts;
        for (int i = 0; i < 6; ++i)
            parts << QStringLiteral("%1").arg(b.u8(offset + i), 2, 16, QLatin1Char('0'));
        return parts.join(u':');
    };
    const QString typeName = type == EtherTypeIPv4   ? QStringLiteral("IPv4 ")
                             : type == EtherTypeIPv6 ? QStringLiteral("IPv6 ")
                                                     : QString();
    ethernet.value = typeName.trimmed();
    ethernet.children << field(QStringLiteral("Destination"), mac(0), 0, 6)
                      << field(QStringLiteral("Source"), mac(6), 6, 6)
                      << field(QStringLiteral("Type"), typeName + u'(' + hex(type, 4) + u')', 12, 2);
    QList<DecodedField> layers{ethernet};
    if (type == EtherTypeIPv4 || type == EtherTypeIPv6)
        layers << networkAndTransport(b, EthernetLength, type == EtherTypeIPv6, 0);
    else if (b.has(EthernetLength, 1))
        layers << field(QStringLiteral("Data"), QStringLiteral("%1 bytes").arg(b.end - EthernetLength),
                        EthernetLength, b.end - EthernetLength);
    return layers;
}

} // namespace packetdecoder
