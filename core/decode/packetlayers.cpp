#include "decode/packetlayers.h"

namespace packetlayers {
namespace {

bool isExtensionHeader(int next)
{
    return next == 0 || next == 43 || next == 44 || next == 51 || next == 60;
}

struct Flag
{
    quint8 bit;
    const char *name;
};
// Wireshark's order, so that "[SYN, ACK]" and "[FIN, ACK]" read as they do there.
constexpr Flag TcpFlags[] = {{0x02, "SYN"}, {0x01, "FIN"}, {0x04, "RST"}, {0x08, "PSH"},
                             {0x10, "ACK"}, {0x20, "URG"}, {0x40, "ECE"}, {0x80, "CWR"}};

} // namespace

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

} // namespace packetlayers
