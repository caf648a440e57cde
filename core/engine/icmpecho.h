#pragma once

#include <QByteArray>
#include <QString>

/// ICMP echo messages as a raw or ping socket sends and receives them. ICMP has no ports: a ping
/// is told apart by its identifier and sequence number.
namespace icmpecho {

/// The RFC 1071 checksum of `bytes` (the one's complement of their one's complement sum).
quint16 internetChecksum(const QByteArray &bytes);
/// An echo request: type 8, code 0, checksum, identifier, sequence number, then `payload`.
QByteArray echoRequest(const QByteArray &payload, quint16 identifier, quint16 sequence);
/// What an ICMP socket received, in words, starting with "; ". A raw socket gets the IP header in
/// front of the ICMP message; a ping socket (SOCK_DGRAM, IPPROTO_ICMP) gets the message alone.
QString describeReceived(const QByteArray &data, bool withIpHeader);

} // namespace icmpecho
