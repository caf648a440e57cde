#pragma once

#include <QString>

/// The one place where a session's sockets are made. The host factory calls socket() in this
/// process; the sandbox factory asks the helper inside the private network namespace and receives
/// the descriptor over a Unix socket. Everything after creation is the same for both.
class SocketFactory
{
public:
    virtual ~SocketFactory() = default;
    /// A new descriptor (close-on-exec), or -errno.
    virtual int createSocket(int domain, int type, int protocol) = 0;
    /// "sandbox" or "host".
    virtual QString mode() const = 0;
    /// Whether packets on the session's loopback can be captured.
    virtual bool canCapture() const = 0;
    /// A sentence for the reader: where the sockets live and what can be seen of them.
    virtual QString description() const = 0;
};

/// Sockets in this process's own network namespace (the host's loopback).
class HostSocketFactory : public SocketFactory
{
public:
    int createSocket(int domain, int type, int protocol) override;
    QString mode() const override { return QStringLiteral("host"); }
    bool canCapture() const override { return false; }
    QString description() const override;
};
