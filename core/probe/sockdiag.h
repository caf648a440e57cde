#pragma once

#include <QList>
#include <QString>

#include <optional>

/// One socket as NETLINK_SOCK_DIAG reports it, including those no process holds a descriptor
/// for: connections waiting in an accept queue, TIME_WAIT, orphaned FIN_WAIT2, LAST_ACK.
struct DiagSocket
{
    int family = 0;
    int state = 0; // TCP_ESTABLISHED … (linux/tcp_states.h numbering)
    QString local; // "127.0.0.1:8080", "[::1]:8080"
    QString peer;
    quint16 localPort = 0;
    quint16 peerPort = 0;
    quint32 receiveQueue = 0; // listener: connections waiting to be accepted; else unread bytes
    quint32 sendQueue = 0;    // listener: its backlog; else bytes not yet acknowledged
    int expiresMs = -1;       // time left on the socket's timer (TIME_WAIT countdown), -1 when none
    quint64 inode = 0;        // 0 when no descriptor refers to it
};

/// A Unix socket's kernel-side figures (unix_diag).
struct UnixDiagSocket
{
    quint64 inode = 0;
    quint64 peerInode = 0;
    int state = 0;
    quint32 receiveQueue = 0; // listener: connections waiting; else unread bytes
    quint32 sendQueue = 0;    // listener: its backlog
};

/// A NETLINK_SOCK_DIAG socket. It must come from the network namespace of the sockets it is to
/// see (the sandbox helper makes it there); on the host a plain user may open one.
class SockDiag
{
public:
    /// Takes ownership of `fd` (-1: none, every query fails).
    explicit SockDiag(int fd);
    ~SockDiag();
    SockDiag(const SockDiag &) = delete;
    SockDiag &operator=(const SockDiag &) = delete;

    bool isValid() const { return m_fd >= 0; }
    /// TCP sockets of `family` (AF_INET or AF_INET6) whose local or remote port is one of `ports`
    /// (the kernel filters with the bytecode ss uses), or nullopt when the query failed.
    std::optional<QList<DiagSocket>> tcpSockets(int family, const QList<quint16> &ports);
    /// The one TCP socket with this 4-tuple ("127.0.0.1:40312", "[::1]:8080"): sets `found`
    /// (nullopt when the kernel has no such socket) and returns true, or false when the query
    /// failed. Costs a few microseconds where a dump walks the kernel's whole table.
    bool tcpSocket(const QString &local, const QString &peer, std::optional<DiagSocket> *found);
    /// Every Unix socket of the namespace with its peer and queue figures.
    std::optional<QList<UnixDiagSocket>> unixSockets();
    /// errno of the last failed query.
    int lastError() const { return m_lastError; }

private:
    bool sendRequest(const void *request, size_t length);
    template <typename Handler> bool receiveAnswer(Handler &&handler);
    static DiagSocket fromMessage(const void *message);

    int m_fd = -1;
    int m_lastError = 0;
    quint32 m_sequence = 0;
};

/// "ESTABLISHED", "TIME_WAIT" … for a kernel TCP state number.
QString tcpStateName(int state);
