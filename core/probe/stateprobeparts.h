#pragma once

// Shared by the state probe's own reading of descriptors (stateprobe.cpp) and its sock_diag
// follow-up of the sockets that have none (stateprobediagnostics.cpp); not part of its interface.

#include "engine/session.h"

#include <QString>

#include <sys/socket.h>

namespace stateprobe {

inline const QString TcpInfo = QStringLiteral("tcp_info");
inline const QString SockDiagSource = QStringLiteral("sock_diag");
inline const QString Closed = QStringLiteral("CLOSED");
inline const QString Listen = QStringLiteral("LISTEN");
constexpr int TcpListenState = 10;

inline bool isTcp(const SessionSocket &socket)
{
    return (socket.domain == AF_INET || socket.domain == AF_INET6) && socket.type == SOCK_STREAM;
}

inline QString tupleKey(const QString &local, const QString &peer)
{
    return local + u'>' + peer;
}

inline quint16 portOf(const QString &endpoint)
{
    return endpoint.mid(endpoint.lastIndexOf(u':') + 1).toUShort();
}

} // namespace stateprobe
