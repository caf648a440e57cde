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
    if (how == Diagnostics::Dump)
        complete = dumpTcpSockets(round, entries);
    else if (const auto found = lookUpKnownTuples(round))
        entries = *found;
    else
        complete = false;
    QHash<QString, Observed> ghosts = observeGhosts(round, entries);
    // What an incomplete answer lacks is not known to be gone.
    if (!complete)
        return;
    m_closedSinceDump = false;
    retireGone(round, std::move(ghosts));
}

// Returns whether every family answered; `entries` holds those that did.
bool StateProbe::dumpTcpSockets(const QHash<QString, Observed> &round, QList<DiagSocket> &entries)
{
    bool complete = true;
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
    return complete;
}

QString StateProbe::ghostName(const DiagSocket &entry, const QHash<QString, Observed> &round) const
{
    QString name = m_tupleName.value(tupleKey(entry.local, entry.peer));
    if (!name.isEmpty()) {
        const auto it = round.constFind(name);
        // While a descriptor reports a live state it says more than sock_diag can.
        if (it != round.cend() && it->source == TcpInfo && it->state != Closed)
            return {};
        return name;
    }
    for (auto it = round.cbegin(); it != round.cend(); ++it) {
        if (it->source == TcpInfo && it->state == Listen && portOf(it->local) == entry.localPort &&
            (it->local == entry.local || isWildcard(it->local)))
            name = it.key() + QStringLiteral(":queued ") + entry.peer;
    }
    return name; // empty: not a socket of this session
}

QHash<QString, StateProbe::Observed> StateProbe::observeGhosts(QHash<QString, Observed> &round,
                                                               const QList<DiagSocket> &entries) const
{
    QHash<QString, Observed> ghosts;
    for (const DiagSocket &entry : entries) {
        if (entry.state == TcpListenState)
            continue;
        const QString name = ghostName(entry, round);
        if (name.isEmpty())
            continue;
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
    return ghosts;
}

// What sock_diag showed before and shows no more has left the kernel (or, for a queued
// connection, was taken by accept()).
void StateProbe::retireGone(QHash<QString, Observed> &round, QHash<QString, Observed> ghosts)
{
    QSet<QString> missed;
    auto gone = [&](const QString &name, const Observed &last) {
        const std::optional<QueueInfo> taken = takenFromQueue(name, last, round);
        // A connection passing from one kernel structure to another (an orphan that becomes a
        // TIME_WAIT entry) can slip past one lookup: it is gone when two probes in a row miss it.
        if (!taken && !m_missedOnce.contains(name)) {
            missed.insert(name);
            if (m_ghosts.contains(name))
                ghosts.insert(name, m_ghosts.value(name));
            return;
        }
        if (taken) {
            m_taken << *taken;
            return;
        }
        round.insert(name, closedAfter(name, last));
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
    m_ghosts = std::move(ghosts);
    m_missedOnce = missed;
}

// A queued connection that sock_diag shows no more, while the socket its 4-tuple names is in
// this round, was taken by accept(). Not a change of state: the same connection now has a
// descriptor, and is followed under the accepted socket's name. The listener's queue says so.
std::optional<QueueInfo> StateProbe::takenFromQueue(const QString &name, const Observed &last,
                                                    const QHash<QString, Observed> &round) const
{
    const QString owner = m_tupleName.value(tupleKey(last.local, last.peer));
    if (!name.contains(QLatin1String(":queued ")) || owner.isEmpty() || !round.contains(owner))
        return std::nullopt;
    QueueInfo taken;
    taken.socket = name.section(QStringLiteral(":queued "), 0, 0);
    taken.taken = name;
    taken.takenAs = owner;
    return taken;
}

StateProbe::Observed StateProbe::closedAfter(const QString &name, const Observed &last)
{
    Observed after = last;
    after.state = Closed;
    after.source = SockDiagSource;
    after.expiresMs = -1;
    after.queue = QueueInfo{};
    after.queue.socket = name;
    return after;
}
