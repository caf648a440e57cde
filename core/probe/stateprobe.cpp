#include "probe/stateprobe.h"

#include "engine/socketfactory.h"
#include "posix/socketaddress.h"
#include "probe/stateprobeparts.h"
#include "scenario/call.h"

#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstddef>

using namespace stateprobe;

namespace {

const QString SockName = QStringLiteral("sockname");

int ioctlValue(int fd, unsigned long request)
{
    int value = 0;
    return ::ioctl(fd, request, &value) == 0 ? value : -1;
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
    // A closed connection may leave a socket only sock_diag sees (TIME_WAIT, orphaned FIN_WAIT2).
    const std::optional<Call> made = callFromName(call->call);
    if (made == Call::Close || made == Call::Shutdown)
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

void StateProbe::recordUnixTransfer(const CallInfo &call, const QHash<QString, Observed> &round)
{
    const std::optional<Call> made = callFromName(call.call);
    if (!made || !sendsData(*made) || call.result <= 0 || call.phase != CallInfo::Phase::Returned)
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
