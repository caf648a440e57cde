#include "engine/socketfactory.h"

#include <sys/socket.h>

#include <cerrno>

int HostSocketFactory::createSocket(int domain, int type, int protocol)
{
    const int fd = ::socket(domain, type | SOCK_CLOEXEC, protocol);
    return fd >= 0 ? fd : -errno;
}

QString HostSocketFactory::description() const
{
    return QStringLiteral("Host loopback: the sockets are real, but packets cannot be captured without "
                          "the CAP_NET_RAW privilege, so none are shown.");
}
