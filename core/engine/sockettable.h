#pragma once

#include <QList>
#include <QString>

#include <mutex>
#include <optional>

/// A socket of the session under the name the scenario gave it.
struct SessionSocket
{
    QString name;    // "listener"
    QString actor;   // "server"
    int fd = -1;     // -1 once closed
    int lastFd = -1; // the descriptor it had, for the reader
    int domain = 0;
    int type = 0;
    int protocol = 0;
    bool closed = false;
};

/// The session's sockets by name. Shared by the actor threads and the probes; thread-safe.
class SocketTable
{
public:
    void add(const SessionSocket &socket);
    std::optional<SessionSocket> find(const QString &name) const;
    void markClosed(const QString &name);
    QList<SessionSocket> all() const;
    /// Closes every open descriptor (end of the session).
    void closeAll();
    /// shutdown(SHUT_RDWR) on every open descriptor: wakes a call blocked inside the kernel.
    void shutdownAll();

private:
    mutable std::mutex m_mutex;
    QList<SessionSocket> m_sockets;
};
