#include "stateprobe.h"

#include "socketaddress.h"
#include "socketfactory.h"

#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstddef>

namespace {

const QString TcpInfo = QStringLiteral("tcp_info");
const QString SockDiagSource = QStringLiteral("sock_diag");
const QString SockName = QStringLiteral("sockname");
const QString Closed = QStringLiteral("CLOSED");
const QString Listen = QStringLiteral("LISTEN");
constexpr int TcpListenState = 10;

bool isTcp(const SessionSocket &socket)
{
    return (socket.domain == AF_INET || socket.domain == AF_INET6) && socket.type == SOCK_STREAM;
}

int ioctlValue(int fd, unsigned long request)
{
    int value = 0;
    return ::ioctl(fd, request, &value) == 0 ? value : -1;
}

QString tupleKey(const QString &local, const QString &peer)
{
    return local + u'>' + peer;
}

quint16 portOf(const QString &endpoint)
{
    return endpoint.mid(endpoint.lastIndexOf(u':') + 1).toUShort();
}

bool isWildcard(const QString &endpoint)
{
    return endpoint.startsWith(QLatin1String("0.0.0.0:")) || endpoint.startsWith(QLatin1String("[::]:"));
}

// A figure the kernel did not give (-1) reads as 0, so that a new socket with empty queues is no
// change, while a listener's backlog is.
bool sameQueue(const QueueInfo &a, const QueueInfo &b)
{
    const auto v = [](int x) { return qMax(0, x); };
    return v(a.acceptQueue) == v(b.acceptQueue) && v(a.backlog) == v(b.backlog) &&
           v(a.receiveQueue) == v(b.receiveQueue) && v(a.sendQueue) == v(b.sendQueue);
}

} // namespace

// Often at first, then less: a delayed ACK (the answer to a FIN, say) comes 40 ms or more later.
constexpr auto FollowFor = std::chrono::milliseconds(500);
constexpr auto FollowOftenFor = std::chrono::milliseconds(30);
constexpr auto FollowOften = std::chrono::milliseconds(2);
constexpr auto FollowSeldom = std::chrono::milliseconds(10);

StateProbe::StateProbe(Session &session, int diagFd)
    : m_session(session)
    , m_diag(diagFd)
    , m_follower([this] { followLoop(); })
{
}

StateProbe::~StateProbe()
{
    sessionEnding();
}

void StateProbe::sessionEnding()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_follower.joinable() && m_follower.get_id() != std::this_thread::get_id())
        m_follower.join();
}

void StateProbe::followLoop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (std::chrono::steady_clock::now() >= m_followUntil) {
            m_wake.wait(lock);
            continue;
        }
        const bool early = m_followUntil - std::chrono::steady_clock::now() > FollowFor - FollowOftenFor;
        m_wake.wait_for(lock, early ? FollowOften : FollowSeldom);
        if (!m_stopping && std::chrono::steady_clock::now() < m_followUntil)
            probeLocked(nullptr);
    }
}

std::shared_ptr<StateProbe> StateProbe::attachTo(Session &session, int diagFd)
{
    const int fd =
        diagFd != -2 ? diagFd : session.factory().createSocket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
    auto probe = std::make_shared<StateProbe>(session, fd >= 0 ? fd : -1);
    session.attach(probe);
    return probe;
}

void StateProbe::callRecorded(const TraceEvent &event)
{
    const CallInfo *call = event.call();
    if (!call)
        return;
    std::lock_guard lock(m_mutex);
    m_dirty.insert(call->socket);
    if (!call->created.isEmpty())
        m_dirty.insert(call->created);
    if (call->call == QLatin1String("close") || call->call == QLatin1String("shutdown"))
        m_closedSinceDump = true;
    probeLocked(call);
    m_followUntil = std::chrono::steady_clock::now() + FollowFor;
    m_wake.notify_all();
}

void StateProbe::packetRecorded(const PacketInfo &packet)
{
    const bool changesState = packet.flags.contains(QStringLiteral("SYN")) ||
                              packet.flags.contains(QStringLiteral("FIN")) ||
                              packet.flags.contains(QStringLiteral("RST"));
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (!changesState && now - m_lastPacketProbe < std::chrono::milliseconds(1))
        return;
    m_lastPacketProbe = now;
    probeLocked(nullptr);
}

void StateProbe::sessionReset()
{
    std::lock_guard lock(m_mutex);
    m_known.clear();
    m_tupleName.clear();
    m_ghosts.clear();
    m_ports.clear();
    m_dumpedAcceptQueue.clear();
    m_missedOnce.clear();
    m_dirty.clear();
    m_taken.clear();
    m_closedSinceDump = false;
    m_hasInet6 = false;
    m_followUntil = {};
}

void StateProbe::probe()
{
    std::lock_guard lock(m_mutex);
    probeLocked(nullptr);
}

void StateProbe::probeLocked(const CallInfo *call)
{
    if (m_stopping)
        return; // the session is going away
    QHash<QString, Observed> round;
    m_inCall = call != nullptr;
    const QList<SessionSocket> sockets = m_session.sockets().all();
    bool unixListener = false;
    for (const SessionSocket &socket : sockets) {
        if (socket.fd < 0)
            continue;
        Known &known = m_known[socket.name];
        if (known.fd != socket.fd) {
            known.fd = socket.fd;
            known.addressesKnown = false;
        }
        Observed now;
        now.queue.socket = socket.name;
        if (isTcp(socket)) {
            m_hasInet6 = m_hasInet6 || socket.domain == AF_INET6;
            observeTcp(socket, known, now);
        } else {
            observeOther(socket, known, now);
            unixListener = unixListener || (socket.domain == AF_UNIX && now.state == Listen);
        }
        if (!now.state.isEmpty())
            round.insert(socket.name, now);
    }
    if (unixListener && m_diag.isValid()) {
        // A Unix listener's accept queue is not readable through its descriptor; unix_diag has
        // it. Only a call changes it (connect, accept), and the dump lists every Unix socket of
        // the namespace: it is read after calls only.
        const auto unixSockets = m_inCall ? m_diag.unixSockets() : std::nullopt;
        for (const SessionSocket &socket : sockets) {
            struct stat status = {};
            if (socket.fd < 0 || socket.domain != AF_UNIX || !round.contains(socket.name) ||
                round.value(socket.name).state != Listen)
                continue;
            QueueInfo &queue = round[socket.name].queue;
            if (!unixSockets || ::fstat(socket.fd, &status) != 0) {
                queue = m_known.value(socket.name).last.queue;
                queue.socket = socket.name;
                continue;
            }
            for (const UnixDiagSocket &entry : *unixSockets) {
                if (entry.inode == status.st_ino) {
                    queue.acceptQueue = int(entry.receiveQueue);
                    queue.backlog = int(entry.sendQueue);
                }
            }
        }
    }
    if (const Diagnostics how = wantsDiagnostics(round); how != Diagnostics::None)
        observeDiagnostics(round, how);
    if (call)
        recordUnixTransfer(*call, round);
    recordChanges(round);
    m_dirty.clear();
}

void StateProbe::observeTcp(const SessionSocket &socket, Known &known, Observed &now)
{
    tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(socket.fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
        return;
    now.state = tcpStateName(info.tcpi_state);
    now.source = TcpInfo;
    // Addresses change only with a call on the socket or a change of state: reading them again
    // every time would cost more than the rest of the probe.
    if (!known.addressesKnown || m_dirty.contains(socket.name) || now.state != known.last.state) {
        now.local = localAddressOf(socket.fd, QString());
        now.peer = peerAddressOf(socket.fd, QString());
        known.addressesKnown = true;
        // A descriptor whose connection ended has no peer any more; the connection (in
        // TIME_WAIT, perhaps) is still found by the 4-tuple it had.
        if (now.peer.isEmpty() && now.state == Closed && !known.last.peer.isEmpty()) {
            now.local = known.last.local;
            now.peer = known.last.peer;
        }
    } else {
        now.local = known.last.local;
        now.peer = known.last.peer;
    }
    if (!now.local.isEmpty() && portOf(now.local) != 0)
        m_ports.insert(portOf(now.local));
    if (!now.peer.isEmpty())
        m_tupleName.insert(tupleKey(now.local, now.peer), socket.name);
    if (info.tcpi_state == TcpListenState) {
        // For a listener the kernel reports its accept queue and backlog in these two fields.
        now.queue.acceptQueue = int(info.tcpi_unacked);
        now.queue.backlog = int(info.tcpi_sacked);
    } else if (!now.peer.isEmpty()) {
        now.queue.receiveQueue = ioctlValue(socket.fd, SIOCINQ);
        now.queue.sendQueue = ioctlValue(socket.fd, SIOCOUTQ);
    }
}

void StateProbe::observeOther(const SessionSocket &socket, Known &known, Observed &now)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    bool bound = false;
    if (::getsockname(socket.fd, reinterpret_cast<sockaddr *>(&address), &length) == 0) {
        if (address.ss_family == AF_INET)
            bound = reinterpret_cast<const sockaddr_in &>(address).sin_port != 0;
        else if (address.ss_family == AF_INET6)
            bound = reinterpret_cast<const sockaddr_in6 &>(address).sin6_port != 0;
        else if (address.ss_family == AF_UNIX)
            bound = length > offsetof(sockaddr_un, sun_path);
    }
    length = sizeof address;
    const bool connected = ::getpeername(socket.fd, reinterpret_cast<sockaddr *>(&address), &length) == 0;
    int listening = 0;
    socklen_t optionLength = sizeof listening;
    if (socket.type != SOCK_DGRAM && socket.type != SOCK_RAW)
        ::getsockopt(socket.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optionLength);
    now.state = listening   ? Listen
                : connected ? QStringLiteral("CONNECTED")
                : bound     ? QStringLiteral("BOUND")
                            : QStringLiteral("UNBOUND");
    now.source = SockName;
    if (!known.addressesKnown || m_dirty.contains(socket.name) || now.state != known.last.state) {
        now.local = localAddressOf(socket.fd, m_session.unixDirectory());
        now.peer = peerAddressOf(socket.fd, m_session.unixDirectory());
        known.addressesKnown = true;
    } else {
        now.local = known.last.local;
        now.peer = known.last.peer;
    }
    if (listening)
        return;
    if (socket.domain == AF_UNIX && !m_inCall) {
        // A Unix socket's queue is read only after a call, so that the growth a send caused is
        // measured against the figure from before that send (see recordUnixTransfer).
        now.queue = known.last.queue;
        now.queue.socket = socket.name;
        return;
    }
    // For a datagram socket SIOCINQ is the size of the next datagram, as the kernel reports it.
    now.queue.receiveQueue = ioctlValue(socket.fd, SIOCINQ);
    // A Unix socket's SIOCOUTQ counts buffer memory, not bytes: it is left out.
    if (socket.domain != AF_UNIX)
        now.queue.sendQueue = ioctlValue(socket.fd, SIOCOUTQ);
}

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

void StateProbe::recordUnixTransfer(const CallInfo &call, const QHash<QString, Observed> &round)
{
    if ((call.call != QLatin1String("send") && call.call != QLatin1String("sendto")) || call.result <= 0 ||
        call.phase != CallInfo::Phase::Returned)
        return;
    const std::optional<SessionSocket> sender = m_session.sockets().find(call.socket);
    if (!sender || sender->domain != AF_UNIX)
        return;
    for (const SessionSocket &socket : m_session.sockets().all()) {
        if (socket.domain != AF_UNIX || socket.name == call.socket || !round.contains(socket.name))
            continue;
        const int before = qMax(0, m_known.value(socket.name).last.queue.receiveQueue);
        const int growth = round.value(socket.name).queue.receiveQueue - before;
        if (growth <= 0)
            continue;
        TraceEvent event;
        event.info = TransferInfo{call.socket, socket.name, growth, call.data.left(growth)};
        m_session.record(std::move(event));
    }
}

void StateProbe::recordChanges(const QHash<QString, Observed> &round)
{
    for (auto it = round.cbegin(); it != round.cend(); ++it) {
        Known &known = m_known[it.key()];
        const Observed &now = it.value();
        if (now.state != known.last.state) {
            TraceEvent event;
            StateInfo state;
            state.socket = it.key();
            state.from = known.last.state;
            state.to = now.state;
            state.source = now.source;
            state.local = now.local;
            state.peer = now.peer;
            state.expiresMs = now.expiresMs;
            event.info = std::move(state);
            m_session.record(std::move(event));
        }
        const QueueInfo &q = now.queue;
        const bool anyFigure =
            q.acceptQueue >= 0 || q.backlog >= 0 || q.receiveQueue >= 0 || q.sendQueue >= 0;
        if (anyFigure && !sameQueue(now.queue, known.last.queue)) {
            TraceEvent event;
            event.info = now.queue;
            m_session.record(std::move(event));
        }
        known.last = now;
    }
    for (QueueInfo &taken : m_taken) {
        m_known.remove(taken.taken);
        TraceEvent event;
        event.info = std::move(taken);
        m_session.record(std::move(event));
    }
    m_taken.clear();
}
