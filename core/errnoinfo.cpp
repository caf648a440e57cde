#include "errnoinfo.h"

#include "symbols.h"

#include <cstring>

namespace errnoinfo {
namespace {

struct Entry
{
    const char *name;
    const char *text;
};

constexpr Entry Entries[] = {
    {"EACCES", "permission denied: the kernel refused the request for this user, for example a port below 1024 "
               "without privilege or a Unix socket path in a directory you may not write"},
    {"EPERM", "operation not permitted: this needs a privilege the program does not have (raw sockets need "
              "CAP_NET_RAW)"},
    {"EADDRINUSE", "the address is already in use: another socket is bound to this IP address and port (or is "
                   "still in TIME_WAIT on it), so the kernel cannot give it to a second one"},
    {"EADDRNOTAVAIL", "no interface on this machine has that address, so the socket cannot use it"},
    {"EAFNOSUPPORT", "the address family does not fit this socket (an IPv6 address on an IPv4 socket, say)"},
    {"EAGAIN", "nothing to do right now: the socket is non-blocking, and the call would have had to wait "
               "(no data to read, no connection to accept, or no room to send)"},
    {"EWOULDBLOCK", "nothing to do right now: the socket is non-blocking and the call would have had to wait"},
    {"EALREADY", "a non-blocking connect is already under way on this socket"},
    {"EBADF", "bad file descriptor: this number is not an open descriptor, for example because the socket was "
              "already closed"},
    {"ECONNABORTED", "the connection was aborted before accept() could take it"},
    {"ECONNREFUSED", "connection refused: nobody is listening on that port, so the kernel answered the SYN (or "
                     "the datagram) with a reset (or an ICMP port unreachable)"},
    {"ECONNRESET", "connection reset by peer: the other side sent a RST, for example because it closed while "
                   "unread data was still waiting in its receive queue"},
    {"EDESTADDRREQ", "no destination: this socket is not connected, so the call must say where the data goes"},
    {"EFAULT", "a buffer or address given to the call lies outside the program's memory"},
    {"EHOSTUNREACH", "no route to that host"},
    {"EINPROGRESS", "the connection is under way: a non-blocking connect sent the SYN and returned at once; "
                    "the handshake finishes in the background"},
    {"EINTR", "the call was interrupted by a signal before it could finish"},
    {"EINVAL", "invalid argument: the call does not make sense for this socket in its present state, for "
               "example accept() on a socket that is not listening, or bind() on a socket already bound"},
    {"EISCONN", "the socket is already connected"},
    {"EMFILE", "this process has too many open descriptors"},
    {"EMSGSIZE", "the message is too long to go as one datagram"},
    {"ENETUNREACH", "no route to that network"},
    {"ENFILE", "the whole system has too many open files"},
    {"ENOBUFS", "the kernel has no buffer space left for this"},
    {"ENOENT", "no such file: the Unix socket path does not exist, so nobody is listening there"},
    {"ENOMEM", "the kernel has no memory left for this"},
    {"ENOPROTOOPT", "this socket does not have that option"},
    {"ENOTCONN", "the socket is not connected: a stream socket must connect (or be accepted) before it can "
                 "send or receive"},
    {"ENOTSOCK", "this descriptor is not a socket"},
    {"EOPNOTSUPP", "this socket type does not support the operation (listen() on a datagram socket, say)"},
    {"EPIPE", "broken pipe: this side can no longer send on the connection, because it was shut down for "
              "writing or the peer reset it"},
    {"EPROTONOSUPPORT", "the protocol is not supported for this address family and type"},
    {"EPROTOTYPE", "the protocol does not fit the socket type"},
    {"ESOCKTNOSUPPORT", "the socket type is not supported in this address family"},
    {"ETIMEDOUT", "the connection timed out: the peer never answered, even after the kernel retried"},
};

} // namespace

QString explain(const QString &errnoName)
{
    for (const Entry &entry : Entries) {
        if (errnoName == QLatin1String(entry.name))
            return QLatin1String(entry.text);
    }
    if (const auto value = symbols::errnoValue(errnoName))
        return QString::fromLocal8Bit(std::strerror(*value));
    return QStringLiteral("unknown error");
}

QString explain(const QString &errnoName, const QString &call)
{
    if (errnoName == QLatin1String("EINVAL")) {
        if (call == QLatin1String("accept"))
            return QStringLiteral("invalid argument: accept() needs a listening socket, and this one never called "
                                  "listen()");
        if (call == QLatin1String("bind"))
            return QStringLiteral("invalid argument: this socket already has an address; a socket is bound once");
    }
    if (errnoName == QLatin1String("EADDRINUSE") && call == QLatin1String("connect"))
        return QStringLiteral("the address is already in use: no free local port was left for this connection");
    if (errnoName == QLatin1String("ECONNREFUSED") && (call == QLatin1String("recv") || call == QLatin1String("recvfrom")))
        return QStringLiteral("connection refused: an earlier datagram found no socket at its destination, and the "
                              "ICMP port unreachable that came back is reported now");
    if (errnoName == QLatin1String("ENOTCONN") && call == QLatin1String("getpeername"))
        return QStringLiteral("the socket is not connected, so it has no peer to name");
    if (errnoName == QLatin1String("EOPNOTSUPP") && call == QLatin1String("listen"))
        return QStringLiteral("this socket type cannot listen: only stream and sequenced-packet sockets take "
                              "connections");
    return explain(errnoName);
}

QStringList knownNames()
{
    QStringList names;
    for (const Entry &entry : Entries)
        names << QLatin1String(entry.name);
    return names;
}

} // namespace errnoinfo
