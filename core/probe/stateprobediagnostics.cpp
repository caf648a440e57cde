#include "probe/stateprobe.h"

#include "probe/stateprobeparts.h"

#include <sys/socket.h>

using namespace stateprobe;

namespace {

bool isWildcard(const QString &endpoint)
{
    return endpoint.startsWith(QLatin1String("0.0.0.0:")) || endpoint.startsWith(QLatin1String("[::]:"));
}

} // namespace

// A dump walks the kernel's whole TCP table (~0.3 ms, whatever the namespace holds), a lookup of
// one 4-tuple costs a few microseconds: dump only to discover connections nobody named yet, the
// ones a listener's accept queue gained; follow the others by their 4-tuple.
StateProbe::Diagnostics StateProbe::wantsDiagnostics(const QHash<QString, Observed> &round) const
{
    if (!m_diag.isValid() || m_ports.isEmpty())
        return Diagnostics::None;
    bool lookUp = m_closedSinceDump || !m_ghosts.isEmpty() || !m_missedOnce.isEmpty();
    for (auto it = round.cbegin(); it != round.cend(); ++it) {
        if (it->source != TcpInfo)
            continue;
        if (it->state == Listen && qMax(0, it->queue.acceptQueue) != m_dumpedAcceptQueue.value(it.key()))
            return Diagnostics::Dump;
        // A descriptor that reports CLOSE after a connection may stand for a TIME_WAIT.
        const QString before = m_known.value(it.key()).last.state;
        if (it->state == Closed && !before.isEmpty() && before != Closed)
            lookUp = true;
    }
    return lookUp ? Diagnostics::Lookup : Diagnostics::None;
}

std::optional<QList<DiagSocket>> StateProbe::lookUpKnownTuples(const QHash<QString, Observed> &round)
{
    QSet<QString> tuples;
    for (const Observed &ghost : std::as_const(m_ghosts))
        tuples.insert(tupleKey(ghost.local, ghost.peer));
    for (auto it = m_known.cbegin(); it != m_known.cend(); ++it) {
        const Observed &last = it->last;
        const bool open = round.contains(it.key()) && round.value(it.key()).source == TcpInfo;
        const bool ended =
            open ? round.value(it.key()).state == Closed : (it->fd < 0 || !round.contains(it.key()));
        if (ended && !last.peer.isEmpty() && last.state != Closed &&
            (last.source == TcpInfo || last.source == SockDiagSource))
            tuples.insert(tupleKey(last.local, last.peer));
    }
    QList<DiagSocket> entries;
    for (const QString &tuple : std::as_const(tuples)) {
        std::optional<DiagSocket> found;
        if (!m_diag.tcpSocket(tuple.section(u'>', 0, 0), tuple.section(u'>', 1), &found))
            return std::nullopt;
        if (found)
            entries << *found;
    }
    return entries;
}

void StateProbe::observeDiagnostics(QHash<QString, Observed> &round, Diagnostics how)
{
    QList<DiagSocket> entries;
    bool complete = true;
    if (how == Diagnostics::Dump) {
        for (const int family : {AF_INET, AF_INET6}) {
            if (family == AF_INET6 && !m_hasInet6)
                continue;
            if (const auto dumped = m_diag.tcpSockets(family, m_ports.values()))
                entries << *dumped;
            else
                complete = false;
        }
        if (complete) {
            for (auto it = round.cbegin(); it != round.cend(); ++it) {
                if (it->source == TcpInfo && it->state == Listen)
                    m_dumpedAcceptQueue.insert(it.key(), qMax(0, it->queue.acceptQueue));
            }
        }
    } else if (const auto found = lookUpKnownTuples(round)) {
        entries = *found;
    } else {
        complete = false;
    }
    QHash<QString, Observed> ghosts;
    {
        for (const DiagSocket &entry : std::as_const(entries)) {
            if (entry.state == TcpListenState)
                continue;
            QString name = m_tupleName.value(tupleKey(entry.local, entry.peer));
            if (!name.isEmpty()) {
                const auto it = round.constFind(name);
                // While a descriptor reports a live state it says more than sock_diag can.
                if (it != round.cend() && it->source == TcpInfo && it->state != Closed)
                    continue;
            } else {
                for (auto it = round.cbegin(); it != round.cend(); ++it) {
                    if (it->source == TcpInfo && it->state == Listen &&
                        portOf(it->local) == entry.localPort &&
                        (it->local == entry.local || isWildcard(it->local)))
                        name = it.key() + QStringLiteral(":queued ") + entry.peer;
                }
                if (name.isEmpty())
                    continue; // not a socket of this session
            }
            Observed ghost;
            ghost.state = tcpStateName(entry.state);
            ghost.source = SockDiagSource;
            ghost.local = entry.local;
            ghost.peer = entry.peer;
            ghost.expiresMs = entry.expiresMs;
            ghost.queue.socket = name;
            if (entry.state != 6) { // TIME_WAIT holds no data
                ghost.queue.receiveQueue = int(entry.receiveQueue);
                ghost.queue.sendQueue = int(entry.sendQueue);
            }
            round.insert(name, ghost);
            ghosts.insert(name, ghost);
        }
    }
    if (!complete)
        return;
    m_closedSinceDump = false;
    // What sock_diag showed before and shows no more has left the kernel (or, for a queued
    // connection, was taken by accept()).
    QSet<QString> missed;
    auto gone = [&](const QString &name, const Observed &last) {
        Observed after = last;
        const QString owner = m_tupleName.value(tupleKey(last.local, last.peer));
        const bool accepted =
            name.contains(QLatin1String(":queued ")) && !owner.isEmpty() && round.contains(owner);
        // A connection passing from one kernel structure to another (an orphan that becomes a
        // TIME_WAIT entry) can slip past one lookup: it is gone when two probes in a row miss it.
        if (!accepted && !m_missedOnce.contains(name)) {
            missed.insert(name);
            if (m_ghosts.contains(name))
                ghosts.insert(name, m_ghosts.value(name));
            return;
        }
        if (accepted) {
            // Not a change of state: the same connection now has a descriptor, and is followed
            // under the accepted socket's name. The listener's queue says so.
            QueueInfo taken;
            taken.socket = name.section(QStringLiteral(":queued "), 0, 0);
            taken.taken = name;
            taken.takenAs = owner;
            m_taken << taken;
            return;
        }
        after.state = Closed;
        after.source = SockDiagSource;
        after.expiresMs = -1;
        after.queue = QueueInfo{};
        after.queue.socket = name;
        round.insert(name, after);
    };
    for (auto it = m_ghosts.cbegin(); it != m_ghosts.cend(); ++it) {
        if (!ghosts.contains(it.key()) &&
            !(round.contains(it.key()) && round.value(it.key()).source == TcpInfo))
            gone(it.key(), it.value());
    }
    // A socket closed while its state was known, with no trace left in sock_diag, is gone too.
    for (const SessionSocket &socket : m_session.sockets().all()) {
        const Known known = m_known.value(socket.name);
        if (socket.fd < 0 && isTcp(socket) && !known.last.state.isEmpty() && known.last.state != Closed &&
            !ghosts.contains(socket.name) && !m_ghosts.contains(socket.name))
            gone(socket.name, known.last);
    }
    m_ghosts = ghosts;
    m_missedOnce = missed;
}
