#include "engine/sockettable.h"

#include <sys/socket.h>
#include <unistd.h>

void SocketTable::add(const SessionSocket &socket)
{
    std::lock_guard lock(m_mutex);
    for (SessionSocket &existing : m_sockets) {
        if (existing.name == socket.name) {
            existing = socket;
            return;
        }
    }
    m_sockets << socket;
}

std::optional<SessionSocket> SocketTable::find(const QString &name) const
{
    std::lock_guard lock(m_mutex);
    for (const SessionSocket &socket : m_sockets) {
        if (socket.name == name)
            return socket;
    }
    return std::nullopt;
}

void SocketTable::markClosed(const QString &name)
{
    std::lock_guard lock(m_mutex);
    for (SessionSocket &socket : m_sockets) {
        if (socket.name == name) {
            socket.closed = true;
            socket.fd = -1;
        }
    }
}

QList<SessionSocket> SocketTable::all() const
{
    // A copy of its own, not an implicitly shared one: the table's array may be reallocated by an
    // actor thread while a probe still reads the copy, and Qt checks for sharing with a relaxed
    // load that orders nothing between threads.
    std::lock_guard lock(m_mutex);
    QList<SessionSocket> copy;
    copy.reserve(m_sockets.size());
    for (const SessionSocket &socket : m_sockets)
        copy.append(socket);
    return copy;
}

void SocketTable::closeAll()
{
    std::lock_guard lock(m_mutex);
    for (SessionSocket &socket : m_sockets) {
        if (socket.fd >= 0)
            ::close(socket.fd);
        socket.fd = -1;
        socket.closed = true;
    }
}

void SocketTable::shutdownAll()
{
    std::lock_guard lock(m_mutex);
    for (const SessionSocket &socket : m_sockets) {
        if (socket.fd >= 0)
            ::shutdown(socket.fd, SHUT_RDWR);
    }
}
