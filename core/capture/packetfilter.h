#pragma once

#include <QList>

#include <linux/filter.h>

#include <vector>

/// Classic BPF programs for a packet socket on a loopback interface (Ethernet framing).
namespace packetfilter {
/// Every IPv4 and IPv6 frame: for the sandbox, whose loopback carries the session's traffic only.
std::vector<sock_filter> allIp();
/// TCP and UDP frames from or to one of `ports`, and every ICMP and ICMPv6 frame: for the host's
/// loopback, which other programs share. At most 40 ports.
std::vector<sock_filter> ports(const QList<quint16> &ports);
/// `program` with every "keep" cut to `snapLength` bytes: the kernel then copies only the
/// frame's first bytes (its headers) into the ring, and gives its whole length beside them.
std::vector<sock_filter> withSnapLength(std::vector<sock_filter> program, quint32 snapLength);
} // namespace packetfilter
