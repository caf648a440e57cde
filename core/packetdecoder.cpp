#include "packetdecoder.h"

#include <arpa/inet.h>
#include <sys/socket.h>

namespace {

constexpr int EthernetLength = 14;
constexpr quint16 EtherTypeIPv4 = 0x0800;
constexpr quint16 EtherTypeIPv6 = 0x86dd;
constexpr int ProtoICMP = 1;
constexpr int ProtoTCP = 6;
constexpr int ProtoUDP = 17;
constexpr int ProtoICMPv6 = 58;

// A bounded view of the frame: every read names an offset and is checked against `end`, which
// is the end of the enclosing layer (an IP datagram may be shorter than the frame it came in).
struct Bytes
{
    const quint8 *data = nullptr;
    int end = 0;

    bool has(int offset, int length) const { return offset >= 0 && length >= 0 && offset <= end - length; }
    quint8 u8(int offset) const { return data[offset]; }
    quint16 u16(int offset) const { return quint16(data[offset] << 8 | data[offset + 1]); }
    quint32 u32(int offset) const { return quint32(u16(offset)) << 16 | u16(offset + 2); }
    Bytes until(int newEnd) const { return {data, qBound(0, newEnd, end)}; }
};

Bytes bytesOf(const QByteArray &frame)
{
    return {reinterpret_cast<const quint8 *>(frame.constData()), int(frame.size())};
}

QString addressText(const Bytes &b, int offset, bool v6)
{
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(v6 ? AF_INET6 : AF_INET, b.data + offset, text, sizeof text);
    return QString::fromLatin1(text);
}

QString endpoint(const QString &address, bool v6, quint16 port)
{
    return (v6 ? u'[' + address + u']' : address) + u':' + QString::number(port);
}

// Where the network layer of a frame is, once the IP header (and IPv6 extension headers) are read.
struct Network
{
    bool v6 = false;
    bool whole = false; // the fixed IP header is complete
    int protocol = -1;  // the transport protocol, -1 when unknown (fragment, truncated chain)
    int transport = 0;  // offset of the transport header
    Bytes bytes;        // bounded by the IP length
    QString src;
    QString dst;
};

bool isExtensionHeader(int next)
{
    return next == 0 || next == 43 || next == 44 || next == 51 || next == 60;
}

// Reads the IP header at `offset`. Used for the frame and for the datagram an ICMP error quotes.
Network readNetwork(const Bytes &b, int offset, bool v6)
{
    Network net;
    net.v6 = v6;
    net.bytes = b;
    if (!v6) {
        if (!b.has(offset, 20) || (b.u8(offset) >> 4) != 4)
            return net;
        const int headerLength = (b.u8(offset) & 0x0f) * 4;
        const int totalLength = b.u16(offset + 2);
        net.whole = true;
        net.src = addressText(b, offset + 12, false);
        net.dst = addressText(b, offset + 16, false);
        if (totalLength >= headerLength)
            net.bytes = b.until(offset + totalLength);
        const bool laterFragment = (b.u16(offset + 6) & 0x1fff) != 0;
        if (headerLength >= 20 && net.bytes.has(offset, headerLength) && !laterFragment) {
            net.protocol = b.u8(offset + 9);
            net.transport = offset + headerLength;
        }
        return net;
    }
    if (!b.has(offset, 40) || (b.u8(offset) >> 4) != 6)
        return net;
    net.whole = true;
    net.src = addressText(b, offset + 8, true);
    net.dst = addressText(b, offset + 24, true);
    net.bytes = b.until(offset + 40 + b.u16(offset + 4));
    int next = b.u8(offset + 6);
    int at = offset + 40;
    // Extension headers form a chain; a bounded walk keeps a malformed chain from looping.
    for (int hops = 0; hops < 16 && isExtensionHeader(next); ++hops) {
        if (!net.bytes.has(at, 8))
            return net;
        int length = next == 44   ? 8
                     : next == 51 ? (net.bytes.u8(at + 1) + 2) * 4
                                  : (net.bytes.u8(at + 1) + 1) * 8;
        if (next == 44 && (net.bytes.u16(at + 2) & 0xfff8) != 0)
            return net; // a later fragment has no transport header
        next = net.bytes.u8(at);
        at += length;
    }
    if (isExtensionHeader(next) || !net.bytes.has(at, 0))
        return net;
    net.protocol = next;
    net.transport = at;
    return net;
}

struct Flag
{
    quint8 bit;
    const char *name;
};
// Wireshark's order, so that "[SYN, ACK]" and "[FIN, ACK]" read as they do there.
constexpr Flag TcpFlags[] = {{0x02, "SYN"}, {0x01, "FIN"}, {0x04, "RST"}, {0x08, "PSH"},
                             {0x10, "ACK"}, {0x20, "URG"}, {0x40, "ECE"}, {0x80, "CWR"}};

QStringList tcpFlagWords(quint8 bits)
{
    QStringList words;
    for (const Flag &flag : TcpFlags) {
        if (bits & flag.bit)
            words << QLatin1String(flag.name);
    }
    return words;
}

QString icmpWord(bool v6, int type, int code)
{
    if (!v6) {
        switch (type) {
        case 0:
            return QStringLiteral("echo-reply");
        case 8:
            return QStringLiteral("echo-request");
        case 11:
            return QStringLiteral("time-exceeded");
        case 5:
            return QStringLiteral("redirect");
        case 3: {
            static const char *const Codes[] = {"net-unreachable", "host-unreachable", "protocol-unreachable",
                                                "port-unreachable", "fragmentation-needed"};
            return code >= 0 && code < 5 ? QLatin1String(Codes[code])
                                         : QStringLiteral("destination-unreachable");
        }
        }
    } else {
        switch (type) {
        case 1:
            return code == 4 ? QStringLiteral("port-unreachable") : QStringLiteral("destination-unreachable");
        case 2:
            return QStringLiteral("packet-too-big");
        case 3:
            return QStringLiteral("time-exceeded");
        case 128:
            return QStringLiteral("echo-request");
        case 129:
            return QStringLiteral("echo-reply");
        case 133:
            return QStringLiteral("router-solicitation");
        case 134:
            return QStringLiteral("router-advertisement");
        case 135:
            return QStringLiteral("neighbor-solicitation");
        case 136:
            return QStringLiteral("neighbor-advertisement");
        }
    }
    return QStringLiteral("type-%1").arg(type);
}

bool isIcmpError(bool v6, int type)
{
    return v6 ? type < 128 : (type == 3 || type == 5 || type == 11 || type == 12);
}

bool isIcmpEcho(bool v6, int type)
{
    return v6 ? (type == 128 || type == 129) : (type == 0 || type == 8);
}

std::optional<Network> networkOfFrame(const Bytes &b)
{
    if (!b.has(0, EthernetLength))
        return std::nullopt;
    const quint16 type = b.u16(12);
    if (type != EtherTypeIPv4 && type != EtherTypeIPv6)
        return std::nullopt;
    Network net = readNetwork(b, EthernetLength, type == EtherTypeIPv6);
    if (!net.whole)
        return std::nullopt;
    return net;
}

// "UDP 127.0.0.1:40000 → 127.0.0.1:9999": the datagram an ICMP error quotes.
QString quotedHeader(const Bytes &b, int offset, bool v6)
{
    const Network inner = readNetwork(b, offset, v6);
    if (!inner.whole)
        return {};
    const bool ports =
        (inner.protocol == ProtoTCP || inner.protocol == ProtoUDP) && b.has(inner.transport, 4);
    const QString name = inner.protocol == ProtoTCP   ? QStringLiteral("TCP")
                         : inner.protocol == ProtoUDP ? QStringLiteral("UDP")
                                                      : QStringLiteral("IP");
    if (!ports)
        return name + u' ' + inner.src + QStringLiteral(" → ") + inner.dst;
    return name + u' ' + endpoint(inner.src, v6, b.u16(inner.transport)) + QStringLiteral(" → ") +
           endpoint(inner.dst, v6, b.u16(inner.transport + 2));
}

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
        if (net && net->protocol == ProtoTCP && net->bytes.has(net->transport, 20)) {
            const int t = net->transport;
            const int end = qMin(t + (net->bytes.u8(t + 12) >> 4) * 4, net->bytes.end);
            const QString options = tcpOptionsText(net->bytes, t + 20, end);
            if (!options.isEmpty())
                parts << options;
        }
    } else if (packet.proto == QLatin1String("UDP")) {
        parts << QStringLiteral("len=%1").arg(packet.len);
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
        parts << QStringLiteral("len=%1").arg(packet.len);
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
    if (syn || !m_base.contains(key))
        m_base.insert(key, syn ? packet.seq : packet.seq - 1);
    if (ack && !m_base.contains(reverse))
        m_base.insert(reverse, packet.ack - 1);
    packet.seq -= m_base.value(key);
    packet.ack = ack ? packet.ack - m_base.value(reverse) : 0;
}
