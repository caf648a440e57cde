#include "posix/socketaddress.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>

SocketAddress SocketAddress::make(int domain, const QString &address, int port, const QString &unixDirectory)
{
    SocketAddress result;
    const QByteArray text = address.toUtf8();
    if (domain == AF_INET) {
        auto *in = reinterpret_cast<sockaddr_in *>(&result.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(quint16(port));
        if (inet_pton(AF_INET, text.constData(), &in->sin_addr) == 1)
            result.length = sizeof(sockaddr_in);
    } else if (domain == AF_INET6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&result.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(quint16(port));
        if (inet_pton(AF_INET6, text.constData(), &in6->sin6_addr) == 1)
            result.length = sizeof(sockaddr_in6);
    } else if (domain == AF_UNIX) {
        auto *un = reinterpret_cast<sockaddr_un *>(&result.storage);
        un->sun_family = AF_UNIX;
        if (address.startsWith(u'@')) {
            const QByteArray name = address.mid(1).toUtf8();
            if (qsizetype(sizeof(un->sun_path)) > name.size()) {
                std::memcpy(un->sun_path + 1, name.constData(), name.size());
                result.length = socklen_t(offsetof(sockaddr_un, sun_path) + 1 + name.size());
            }
        } else {
            const QByteArray path =
                (unixDirectory.isEmpty() ? address : unixDirectory + u'/' + address).toUtf8();
            if (qsizetype(sizeof(un->sun_path)) > path.size()) {
                std::memcpy(un->sun_path, path.constData(), path.size());
                result.length = socklen_t(offsetof(sockaddr_un, sun_path) + path.size() + 1);
            }
        }
    }
    return result;
}

QString SocketAddress::toString(const QString &unixDirectory) const
{
    char buffer[INET6_ADDRSTRLEN] = {};
    switch (storage.ss_family) {
    case AF_INET: {
        const auto *in = reinterpret_cast<const sockaddr_in *>(&storage);
        inet_ntop(AF_INET, &in->sin_addr, buffer, sizeof buffer);
        return QLatin1String(buffer) + u':' + QString::number(ntohs(in->sin_port));
    }
    case AF_INET6: {
        const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(&storage);
        inet_ntop(AF_INET6, &in6->sin6_addr, buffer, sizeof buffer);
        return u'[' + QLatin1String(buffer) + QStringLiteral("]:") + QString::number(ntohs(in6->sin6_port));
    }
    case AF_UNIX: {
        const auto *un = reinterpret_cast<const sockaddr_un *>(&storage);
        const qsizetype pathLength = qsizetype(length) - qsizetype(offsetof(sockaddr_un, sun_path));
        if (pathLength <= 0)
            return QStringLiteral("(unnamed)");
        if (un->sun_path[0] == '\0')
            return u'@' + QString::fromUtf8(un->sun_path + 1, pathLength - 1);
        QString path = QString::fromUtf8(un->sun_path, qstrnlen(un->sun_path, pathLength));
        if (!unixDirectory.isEmpty() && path.startsWith(unixDirectory + u'/'))
            path = path.mid(unixDirectory.size() + 1);
        return path;
    }
    default:
        return {};
    }
}

namespace {
template <typename Getter> QString addressOf(int fd, const QString &unixDirectory, Getter getter)
{
    SocketAddress address;
    address.length = sizeof address.storage;
    if (fd < 0 || getter(fd, address.data(), &address.length) != 0)
        return {};
    return address.toString(unixDirectory);
}
} // namespace

QString localAddressOf(int fd, const QString &unixDirectory)
{
    return addressOf(fd, unixDirectory, ::getsockname);
}

QString peerAddressOf(int fd, const QString &unixDirectory)
{
    return addressOf(fd, unixDirectory, ::getpeername);
}
