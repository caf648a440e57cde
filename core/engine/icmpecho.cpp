#include "engine/icmpecho.h"

#include <netinet/ip_icmp.h>

namespace icmpecho {

quint16 internetChecksum(const QByteArray &bytes)
{
    quint32 sum = 0;
    for (qsizetype i = 0; i + 1 < bytes.size(); i += 2)
        sum += (quint8(bytes.at(i)) << 8) | quint8(bytes.at(i + 1));
    if (bytes.size() % 2)
        sum += quint8(bytes.back()) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return quint16(~sum);
}

QByteArray echoRequest(const QByteArray &payload, quint16 identifier, quint16 sequence)
{
    QByteArray packet(8, '\0');
    packet[0] = char(ICMP_ECHO);
    packet[4] = char(identifier >> 8);
    packet[5] = char(identifier & 0xff);
    packet[6] = char(sequence >> 8);
    packet[7] = char(sequence & 0xff);
    packet += payload;
    const quint16 checksum = internetChecksum(packet);
    packet[2] = char(checksum >> 8);
    packet[3] = char(checksum & 0xff);
    return packet;
}

QString describeReceived(const QByteArray &data, bool withIpHeader)
{
    const auto byte = [&](qsizetype i) { return i < data.size() ? quint8(data.at(i)) : quint8(0); };
    qsizetype at = 0;
    QString text;
    if (withIpHeader) {
        at = (byte(0) & 0x0f) * 4;
        if ((byte(0) >> 4) != 4 || at < 20 || data.size() < at)
            return QStringLiteral("; not an IPv4 datagram");
        text = QStringLiteral("; an IPv4 header (%1 bytes) first, then").arg(at);
    } else {
        text = QStringLiteral("; the ICMP message alone (no IP header):");
    }
    if (data.size() < at + 8)
        return text + QStringLiteral(" a truncated ICMP header");
    const int type = byte(at);
    const QString word = type == ICMP_ECHOREPLY      ? QStringLiteral("echo-reply")
                         : type == ICMP_ECHO         ? QStringLiteral("echo-request")
                         : type == ICMP_DEST_UNREACH ? QStringLiteral("destination-unreachable")
                                                     : QStringLiteral("type %1").arg(type);
    text += u' ' + word + QStringLiteral(" code %1").arg(byte(at + 1));
    if (type == ICMP_ECHOREPLY || type == ICMP_ECHO)
        text += QStringLiteral(" id=0x%1 seq=%2")
                    .arg(byte(at + 4) << 8 | byte(at + 5), 4, 16, QLatin1Char('0'))
                    .arg(byte(at + 6) << 8 | byte(at + 7));
    return text + QStringLiteral(", %1 data bytes").arg(data.size() - at - 8);
}

} // namespace icmpecho
