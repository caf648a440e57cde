#pragma once

#include <QString>

#include <sys/socket.h>

/// A socket address as the kernel wants it, built from a scenario's symbolic form.
struct SocketAddress
{
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr *data() const { return reinterpret_cast<const sockaddr *>(&storage); }
    sockaddr *data() { return reinterpret_cast<sockaddr *>(&storage); }
    bool isValid() const { return length > 0; }

    /// `address` is an IP address for AF_INET/AF_INET6, or for AF_UNIX a path relative to
    /// `unixDirectory` or "@name" for the abstract namespace.
    static SocketAddress make(int domain, const QString &address, int port, const QString &unixDirectory);

    /// "127.0.0.1:8080", "[::1]:8080", "echo.sock" (relative to `unixDirectory`), "@name", or
    /// "(unnamed)".
    QString toString(const QString &unixDirectory = QString()) const;
};

/// The local (getsockname) or peer (getpeername) address of `fd`, formatted; empty when none.
QString localAddressOf(int fd, const QString &unixDirectory);
QString peerAddressOf(int fd, const QString &unixDirectory);
