#pragma once

#include "decode/packetdecoder.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <optional>

// The layer readers the decoder and the field tree share. Internal to the packet decoder.
namespace packetlayers {

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

inline Bytes bytesOf(const QByteArray &frame)
{
    return {reinterpret_cast<const quint8 *>(frame.constData()), int(frame.size())};
}

inline QString addressText(const Bytes &b, int offset, bool v6)
{
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(v6 ? AF_INET6 : AF_INET, b.data + offset, text, sizeof text);
    return QString::fromLatin1(text);
}

inline QString endpoint(const QString &address, bool v6, quint16 port)
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

/// Reads the IP header at `offset`: for the frame, and for the datagram an ICMP error quotes.
Network readNetwork(const Bytes &b, int offset, bool v6);
/// The network layer of an Ethernet frame, or nullopt when it is not a whole IPv4/IPv6 header.
std::optional<Network> networkOfFrame(const Bytes &b);
QStringList tcpFlagWords(quint8 bits);
/// "echo-request", "port-unreachable" …
QString icmpWord(bool v6, int type, int code);
bool isIcmpError(bool v6, int type);
bool isIcmpEcho(bool v6, int type);
/// "UDP 127.0.0.1:40000 → 127.0.0.1:9999": the datagram an ICMP error quotes.
QString quotedHeader(const Bytes &b, int offset, bool v6);

} // namespace packetlayers
