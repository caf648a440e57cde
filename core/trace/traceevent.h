#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <cstdint>
#include <optional>
#include <variant>

// One thing that happened in a session. Events are values: once appended to the Trace they never
// change, so any thread may read them and any view may be rebuilt from them.

/// A system call made by an actor. A call that waits is recorded twice: phase Blocked, then Returned.
struct CallInfo
{
    enum class Phase { Blocked, Returned, Cancelled };
    QString actor;
    int step = -1;    // index into the scenario's steps
    QString call;     // "bind"
    QVariantMap args; // symbolic arguments: {"address": "127.0.0.1", "port": 8080}
    Phase phase = Phase::Returned;
    qint64 result = 0; // valid when phase == Returned
    QString errnoName; // empty when the call succeeded
    QString socket;    // the socket the call used or created
    QString created;   // socket created by this call (socket, accept)
    int fd = -1;       // descriptor of `socket` at the time of the call
    QString local;     // "127.0.0.1:8080", a Unix path, or empty
    QString peer;
    QByteArray data;       // bytes sent or received, when the call moved data
    QString detail;        // extra words for the reader, e.g. "from 127.0.0.1:40312"
    qint64 durationNs = 0; // how long the call itself took in the kernel
    QString expectation;   // empty when met (or none); otherwise why the run departed
};

/// A frame captured on the loopback wire.
struct PacketInfo
{
    QString proto; // "TCP", "UDP", "ICMP", "ICMPv6"
    QString src;   // "127.0.0.1:8080"
    QString dst;
    QStringList flags; // TCP flags, or ICMP type words
    quint32 seq = 0;   // relative
    quint32 ack = 0;   // relative
    quint16 window = 0;
    int len = 0; // payload bytes
    QByteArray payload;
    QByteArray frame;   // the frame as captured (for the inspector and pcapng)
    int wireLength = 0; // the frame's length on the wire: more than frame.size() when the capture cut it
    bool retransmission = false; // TCP: this direction carried the same sequence numbers before

    /// The frame's bytes on the wire as the kernel gave them, never fewer than were captured.
    int frameLength() const { return qMax(wireLength, int(frame.size())); }
    qint64 kernelTimeNs = 0;
    QString summary; // "[SYN] seq=0 win=65495 mss=65495"
};

/// A change of a socket's state as the kernel reported it.
struct StateInfo
{
    QString socket;
    QString from;
    QString to;
    QString source; // "tcp_info", "sock_diag", or "sockname" (UDP, Unix, ICMP sockets)
    QString local;
    QString peer;
    int expiresMs = -1; // time left on the kernel's timer when observed (the TIME_WAIT countdown)
};

/// Queue figures of one socket.
struct QueueInfo
{
    QString socket;
    int acceptQueue = -1; // connections waiting (listeners)
    int backlog = -1;
    int receiveQueue = -1; // bytes
    int sendQueue = -1;    // bytes
    // A listener's queued connection that accept() took: its name while it waited
    // ("listener:queued 127.0.0.1:40312") and the socket accept() returned for it ("conn").
    QString taken;
    QString takenAs;
};

/// Bytes moved between two socket buffers inside the kernel (Unix sockets have no packets).
struct TransferInfo
{
    QString from;
    QString to;
    int len = 0;
    QByteArray data;
};

/// A sentence the session has to say (a departure, a warning about the capture, …).
struct NoteInfo
{
    enum class Level { Info, Warning, Departure };
    Level level = Level::Info;
    QString text;
};

struct TraceEvent
{
    enum class Kind { Call, Packet, State, Queue, Transfer, Note };

    qint64 seq = -1;   // set by Trace::append
    qint64 tNs = 0;    // since the session started
    qint64 cause = -1; // seq of the call event this belongs to, -1 when none
    std::variant<CallInfo, PacketInfo, StateInfo, QueueInfo, TransferInfo, NoteInfo> info;

    Kind kind() const { return static_cast<Kind>(info.index()); }
    const CallInfo *call() const { return std::get_if<CallInfo>(&info); }
    const PacketInfo *packet() const { return std::get_if<PacketInfo>(&info); }
    const StateInfo *state() const { return std::get_if<StateInfo>(&info); }
    const QueueInfo *queue() const { return std::get_if<QueueInfo>(&info); }
    const TransferInfo *transfer() const { return std::get_if<TransferInfo>(&info); }
    const NoteInfo *note() const { return std::get_if<NoteInfo>(&info); }
};

QString kindName(TraceEvent::Kind kind);
QString phaseName(CallInfo::Phase phase);
