#include "posix/symbols.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace symbols {
namespace {

struct Named
{
    const char *name;
    int value;
};

constexpr Named Domains[] = {{"AF_INET", AF_INET}, {"AF_INET6", AF_INET6}, {"AF_UNIX", AF_UNIX}};
constexpr Named Types[] = {{"SOCK_STREAM", SOCK_STREAM},
                           {"SOCK_DGRAM", SOCK_DGRAM},
                           {"SOCK_SEQPACKET", SOCK_SEQPACKET},
                           {"SOCK_RAW", SOCK_RAW}};
constexpr Named Protocols[] = {{"0", 0},
                               {"IPPROTO_TCP", IPPROTO_TCP},
                               {"IPPROTO_UDP", IPPROTO_UDP},
                               {"IPPROTO_ICMP", IPPROTO_ICMP},
                               {"IPPROTO_ICMPV6", IPPROTO_ICMPV6}};
constexpr Named ShutdownHows[] = {{"SHUT_RD", SHUT_RD}, {"SHUT_WR", SHUT_WR}, {"SHUT_RDWR", SHUT_RDWR}};
constexpr Named MessageFlags[] = {{"MSG_PEEK", MSG_PEEK},
                                  {"MSG_DONTWAIT", MSG_DONTWAIT},
                                  {"MSG_WAITALL", MSG_WAITALL},
                                  {"MSG_NOSIGNAL", MSG_NOSIGNAL},
                                  {"MSG_TRUNC", MSG_TRUNC}};

struct NamedOption
{
    const char *name;
    SocketOption option;
};
constexpr NamedOption Options[] = {
    {"SO_REUSEADDR", {SOL_SOCKET, SO_REUSEADDR, "SOL_SOCKET"}},
    {"SO_REUSEPORT", {SOL_SOCKET, SO_REUSEPORT, "SOL_SOCKET"}},
    {"SO_RCVBUF", {SOL_SOCKET, SO_RCVBUF, "SOL_SOCKET"}},
    {"SO_SNDBUF", {SOL_SOCKET, SO_SNDBUF, "SOL_SOCKET"}},
    {"SO_LINGER", {SOL_SOCKET, SO_LINGER, "SOL_SOCKET"}},
    {"SO_ATTACH_FILTER", {SOL_SOCKET, SO_ATTACH_FILTER, "SOL_SOCKET"}},
    {"SO_DETACH_FILTER", {SOL_SOCKET, SO_DETACH_FILTER, "SOL_SOCKET"}},
    {"TCP_NODELAY", {IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP"}},
    {"TCP_MAXSEG", {IPPROTO_TCP, TCP_MAXSEG, "IPPROTO_TCP"}},
};

template <typename Table> std::optional<int> lookup(const Table &table, const QString &name)
{
    for (const auto &entry : table) {
        if (name == QLatin1String(entry.name))
            return entry.value;
    }
    return std::nullopt;
}

template <typename Table> QStringList names(const Table &table)
{
    QStringList result;
    for (const auto &entry : table)
        result << QLatin1String(entry.name);
    return result;
}

} // namespace

std::optional<int> domain(const QString &name)
{
    return lookup(Domains, name);
}
std::optional<int> socketType(const QString &name)
{
    return lookup(Types, name);
}
std::optional<int> protocol(const QString &name)
{
    return lookup(Protocols, name);
}
std::optional<int> shutdownHow(const QString &name)
{
    return lookup(ShutdownHows, name);
}
std::optional<int> messageFlag(const QString &name)
{
    return lookup(MessageFlags, name);
}

std::optional<SocketOption> socketOption(const QString &name)
{
    for (const NamedOption &entry : Options) {
        if (name == QLatin1String(entry.name))
            return entry.option;
    }
    return std::nullopt;
}

QStringList domainNames()
{
    return names(Domains);
}
QStringList socketTypeNames()
{
    return names(Types);
}
QStringList protocolNames()
{
    return names(Protocols);
}
QStringList shutdownHowNames()
{
    return names(ShutdownHows);
}
QStringList messageFlagNames()
{
    return names(MessageFlags);
}

QStringList socketOptionNames()
{
    QStringList result;
    for (const NamedOption &entry : Options)
        result << QLatin1String(entry.name);
    return result;
}

QString errnoName(int error)
{
    if (const char *name = strerrorname_np(error))
        return QLatin1String(name);
    return QStringLiteral("E%1").arg(error);
}

std::optional<int> errnoValue(const QString &name)
{
    // Names the C library accepts but strerrorname_np never returns, because they share a number.
    static constexpr Named Aliases[] = {
        {"EWOULDBLOCK", EWOULDBLOCK}, {"ENOTSUP", ENOTSUP}, {"EDEADLOCK", EDEADLOCK}};
    if (const auto alias = lookup(Aliases, name))
        return alias;
    for (int error = 1; error < 256; ++error) {
        if (const char *candidate = strerrorname_np(error); candidate && name == QLatin1String(candidate))
            return error;
    }
    return std::nullopt;
}

} // namespace symbols
