#include "projections/errnoinfo.h"

#include "posix/symbols.h"
#include "scenario/call.h"

#include <cstring>

namespace errnoinfo {
namespace {

struct Entry
{
    const char *name;
    const char *text;
};

// One plain sentence each, for a student who knows what a socket is but not the kernel's words.
// Every errno the engine's calls can meet is here (see the man pages of socket, bind, listen,
// accept, connect, send, recv, shutdown, close, getsockname, setsockopt and fcntl).
constexpr Entry Entries[] = {
    {"EACCES",
     "permission denied: the kernel refused the request for this user, for example a port below 1024 "
     "without privilege or a Unix socket path in a directory you may not write"},
    {"EPERM", "operation not permitted: this needs a privilege the program does not have (raw sockets need "
              "CAP_NET_RAW)"},
    {"EADDRINUSE",
     "the address is already in use: another socket is bound to this IP address and port (or is "
     "still in TIME_WAIT on it), or for a Unix socket a file with that path exists already, so the "
     "kernel cannot give it to a second one"},
    {"EADDRNOTAVAIL", "no interface on this machine has that address, so the socket cannot use it"},
    {"EAFNOSUPPORT", "the address family does not fit this socket (an IPv6 address on an IPv4 socket, say)"},
    {"EAGAIN", "nothing to do right now: the socket is non-blocking, and the call would have had to wait "
               "(no data to read, no connection to accept, or no room to send)"},
    {"EWOULDBLOCK",
     "nothing to do right now: the socket is non-blocking and the call would have had to wait"},
    {"EALREADY", "a non-blocking connect is already under way on this socket; wait until it finishes"},
    {"EBADF",
     "bad file descriptor: this number is not an open descriptor, for example because the socket was "
     "already closed"},
    {"ECONNABORTED", "the connection was aborted before accept() could take it: the client gave up (sent a "
                     "reset) while it waited in the accept queue"},
    {"ECONNREFUSED",
     "connection refused: nobody is listening on that port, so the kernel answered the SYN (or "
     "the datagram) with a reset (or an ICMP port unreachable)"},
    {"ECONNRESET", "connection reset by peer: the other side sent a RST, for example because it closed while "
                   "unread data was still waiting in its receive queue"},
    {"EDESTADDRREQ",
     "no destination: this socket is not connected, so the call must say where the data goes"},
    {"EFAULT", "a buffer or address given to the call lies outside the program's memory"},
    {"EHOSTUNREACH", "no route to that host: the kernel knows no way to reach that address"},
    {"EINPROGRESS", "the connection is under way: a non-blocking connect sent the SYN and returned at once; "
                    "the handshake finishes in the background"},
    {"EINTR",
     "the call was interrupted by a signal before it could finish; a program usually just tries again"},
    {"EINVAL", "invalid argument: the call does not make sense for this socket in its present state, for "
               "example accept() on a socket that is not listening, or bind() on a socket already bound"},
    {"EIO", "an input/output error happened below the socket, for example while a Unix socket file was "
            "written"},
    {"EISCONN",
     "the socket is already connected, so it cannot connect again or be given another destination"},
    {"EISDIR", "the Unix socket path names a directory, not a file the socket could use"},
    {"ELOOP", "the Unix socket path goes round a loop of symbolic links"},
    {"EMFILE", "this process has too many open descriptors: close some before making more sockets"},
    {"EMSGSIZE", "the message is too long to go as one datagram, so the kernel refused to send it at all"},
    {"ENAMETOOLONG", "the Unix socket path is longer than the 108 bytes a socket address can hold"},
    {"ENETDOWN", "the network interface is down, so nothing can be sent on it"},
    {"ENETUNREACH", "no route to that network: the kernel has no way to send packets there (is the loopback "
                    "interface up?)"},
    {"ENFILE", "the whole system has too many open files, so the kernel cannot make another socket"},
    {"ENOBUFS", "the kernel has no buffer space left for this socket or queue"},
    {"ENOENT", "no such file: the Unix socket path does not exist, so nobody is listening there"},
    {"ENOMEM", "the kernel has no memory left for this"},
    {"ENOPROTOOPT", "this socket does not have that option (a TCP option on a UDP socket, say)"},
    {"ENOSPC", "the disk is full, so the file of a Unix socket cannot be created"},
    {"ENOSYS", "this call is not available here"},
    {"ENOTCONN", "the socket is not connected: a stream socket must connect (or be accepted) before it can "
                 "send or receive"},
    {"ENOTDIR", "part of the Unix socket path is a file, not a directory"},
    {"ENOTSOCK", "this descriptor is not a socket"},
    {"EOPNOTSUPP", "this socket type does not support the operation (listen() on a datagram socket, say)"},
    {"EPIPE", "broken pipe: there is no connection to send on any more, because this side shut it down for "
              "writing, the peer reset it, or it was never connected"},
    {"EPROTO", "a protocol error: the connection broke while the kernel was setting it up"},
    {"EPROTONOSUPPORT", "the protocol is not supported for this address family and type (IPPROTO_TCP on a "
                        "datagram socket, say)"},
    {"EPROTOTYPE", "the protocol does not fit the socket type, for example connecting to a Unix socket of "
                   "another type"},
    {"EROFS", "the Unix socket path is on a read-only file system, so its file cannot be created"},
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

namespace {

// What `errnoName` means when `call` failed with it, where that says more than the errno alone;
// empty otherwise.
QString explainFor(Call call, const QString &errnoName)
{
    switch (call) {
    case Call::Accept:
        if (errnoName == QLatin1String("EINVAL"))
            return QStringLiteral(
                "invalid argument: accept() needs a listening socket, and this one never called "
                "listen()");
        if (errnoName == QLatin1String("EOPNOTSUPP"))
            return QStringLiteral(
                "this socket type has no connections to accept: only stream and sequenced-packet "
                "sockets do");
        return {};
    case Call::Bind:
        if (errnoName == QLatin1String("EINVAL"))
            return QStringLiteral(
                "invalid argument: this socket already has an address; a socket is bound once");
        if (errnoName == QLatin1String("ENOENT"))
            return QStringLiteral("no such directory: the folder the Unix socket path names does not exist");
        return {};
    case Call::Connect:
        if (errnoName == QLatin1String("EADDRINUSE"))
            return QStringLiteral(
                "the address is already in use: no free local port was left for this connection");
        return {};
    case Call::Recv:
    case Call::RecvFrom:
    case Call::Send:
        if (errnoName == QLatin1String("ECONNREFUSED"))
            return QStringLiteral(
                "connection refused: an earlier datagram found no socket at its destination, and the "
                "ICMP port unreachable that came back is reported now");
        return {};
    case Call::GetPeerName:
        if (errnoName == QLatin1String("ENOTCONN"))
            return QStringLiteral("the socket is not connected, so it has no peer to name");
        return {};
    case Call::Shutdown:
        if (errnoName == QLatin1String("ENOTCONN"))
            return QStringLiteral("the socket is not connected, so there is no connection to shut down");
        return {};
    case Call::Listen:
        if (errnoName == QLatin1String("EOPNOTSUPP"))
            return QStringLiteral(
                "this socket type cannot listen: only stream and sequenced-packet sockets take "
                "connections");
        return {};
    case Call::Socket:
    case Call::SendTo:
    case Call::Close:
    case Call::GetSockName:
    case Call::SetSockOpt:
    case Call::Fcntl:
    case Call::Process:
        return {};
    }
    return {};
}

} // namespace

QString explain(const QString &errnoName, const QString &call)
{
    const std::optional<Call> made = callFromName(call);
    const QString particular = made ? explainFor(*made, errnoName) : QString();
    return particular.isEmpty() ? explain(errnoName) : particular;
}

QStringList knownNames()
{
    QStringList names;
    for (const Entry &entry : Entries)
        names << QLatin1String(entry.name);
    return names;
}

} // namespace errnoinfo
