#pragma once

#include "engine/session.h"
#include "probe/sockdiag.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

/// Reads what the kernel holds for every socket of a session and records each change in the trace.
///
/// Sockets with a descriptor are read with getsockopt(TCP_INFO) and the SIOCINQ/SIOCOUTQ ioctls;
/// the ones without (a connection waiting in a listener's accept queue, TIME_WAIT, an orphaned
/// FIN_WAIT2, LAST_ACK) with NETLINK_SOCK_DIAG, named after the socket they were (matched by
/// their 4-tuple) or "listener:queued 127.0.0.1:40312". A `state` event is recorded only for a
/// change; when such a socket leaves the kernel its state becomes "CLOSED". A queued connection
/// taken by accept() is recorded on the listener's queue (`taken`, `takenAs`): it lives on as the
/// accepted socket. UDP, Unix and ICMP sockets report what
/// applies to them: UNBOUND, BOUND, CONNECTED or LISTEN (source "sockname") and their queues.
/// After a send on a Unix socket, the growth of the peer's receive queue is recorded as a
/// transfer: bytes moved from buffer to buffer in the kernel, never a packet.
class StateProbe : public SessionAttachment
{
public:
    /// `diagFd`: a NETLINK_SOCK_DIAG socket from the session's network namespace (owned), or -1
    /// to see only the sockets that have a descriptor.
    StateProbe(Session &session, int diagFd);
    ~StateProbe() override;

    /// Makes a probe and attaches it. `diagFd` as for the constructor; by default the socket comes
    /// from the session's SocketFactory, so that it lives in the sandbox when the session does.
    static std::shared_ptr<StateProbe> attachTo(Session &session, int diagFd = -2);

    void callRecorded(const TraceEvent &event) override;
    /// Probes on every SYN, FIN or RST at once, on other packets at most once a millisecond (a
    /// bulk transfer must not wait for the probe); the follow-up after each call sees the rest.
    void packetRecorded(const PacketInfo &packet) override;
    /// Stops the follow-up thread; the probe records nothing afterwards.
    void sessionEnding() override;

    /// Reads every socket and records what changed. Thread-safe: the packet tap calls it for each
    /// captured packet, the session after each call.
    void probe();

    bool hasDiagnostics() const { return m_diag.isValid(); }

private:
    struct Observed
    {
        QString state;
        QString source;
        QString local;
        QString peer;
        int expiresMs = -1;
        QueueInfo queue;
    };
    struct Known
    {
        int fd = -1;
        Observed last;
        bool addressesKnown = false;
    };

    void probeLocked(const CallInfo *call);
    void followLoop();
    void observeTcp(const SessionSocket &socket, Known &known, Observed &now);
    void observeOther(const SessionSocket &socket, Known &known, Observed &now);
    // The sock_diag follow-up of the sockets without a descriptor (stateprobediagnostics.cpp).
    enum class Diagnostics { None, Lookup, Dump };
    Diagnostics wantsDiagnostics(const QHash<QString, Observed> &round) const;
    void observeDiagnostics(QHash<QString, Observed> &round, Diagnostics how);
    bool dumpTcpSockets(const QHash<QString, Observed> &round, QList<DiagSocket> &entries);
    std::optional<QList<DiagSocket>> lookUpKnownTuples(const QHash<QString, Observed> &round);
    QString ghostName(const DiagSocket &entry, const QHash<QString, Observed> &round) const;
    QHash<QString, Observed> observeGhosts(QHash<QString, Observed> &round,
                                           const QList<DiagSocket> &entries) const;
    void retireGone(QHash<QString, Observed> &round, QHash<QString, Observed> ghosts);
    std::optional<QueueInfo> takenFromQueue(const QString &name, const Observed &last,
                                            const QHash<QString, Observed> &round) const;
    static Observed closedAfter(const QString &name, const Observed &last);
    void recordChanges(const QHash<QString, Observed> &round);
    void recordUnixTransfer(const CallInfo &call, const QHash<QString, Observed> &round);

    Session &m_session;
    SockDiag m_diag;
    std::mutex m_mutex;
    QHash<QString, Known> m_known;           // every socket that was observed, by name
    QHash<QString, QString> m_tupleName;     // "local>peer" → name, remembered past close()
    QHash<QString, Observed> m_ghosts;       // sockets seen only through sock_diag, by name
    QSet<quint16> m_ports;                   // local ports of the session's TCP sockets
    QHash<QString, int> m_dumpedAcceptQueue; // a listener's accept queue at the last dump
    QSet<QString> m_missedOnce;              // sockets the last probe did not find
    QSet<QString> m_dirty;                   // names whose addresses may have changed
    QList<QueueInfo> m_taken;                // queued connections accept() took in this round
    bool m_closedSinceDump = false;
    bool m_hasInet6 = false;
    bool m_inCall = false; // the probe that runs follows a call

    // What a call sets off (a FIN's answer, the last ACK) may land after the call returned;
    // without a packet tap to call probe(), this thread looks again for a short while.
    std::condition_variable m_wake;
    std::chrono::steady_clock::time_point m_followUntil;
    std::chrono::steady_clock::time_point m_lastPacketProbe;
    bool m_stopping = false;
    std::thread m_follower;
};
