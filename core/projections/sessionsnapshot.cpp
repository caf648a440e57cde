#include "projections/sessionsnapshot.h"

#include "scenario/call.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

#include <QSet>

namespace {

QString waitsFor(const QString &call, const QString &socket)
{
    const QString receiveQueue = QStringLiteral("data (or the end of the stream) in the receive queue of ");
    const QString sendQueue = QStringLiteral("room in the send queue of ");
    QString kernel = QStringLiteral("the kernel to complete ") + call + QStringLiteral("()");
    const std::optional<Call> made = callFromName(call);
    if (!made) {
        // A traced program's read() and write() wait as recv() and send() do.
        if (call == QLatin1String("read"))
            return receiveQueue + socket;
        return call == QLatin1String("write") ? sendQueue + socket : kernel;
    }
    switch (*made) {
    case Call::Accept:
        return QStringLiteral("a finished connection in the accept queue of ") + socket;
    case Call::Recv:
    case Call::RecvFrom:
        return receiveQueue + socket;
    case Call::Connect:
        return QStringLiteral("the handshake to finish: an answer to its SYN");
    case Call::Send:
    case Call::SendTo:
        return sendQueue + socket;
    case Call::Socket:
    case Call::Bind:
    case Call::Listen:
    case Call::Shutdown:
    case Call::Close:
    case Call::GetSockName:
    case Call::GetPeerName:
    case Call::SetSockOpt:
    case Call::Fcntl:
    case Call::Process:
        return kernel;
    }
    return kernel;
}

SnapshotSocket &socketNamed(SessionSnapshot &snapshot, const Scenario &scenario, const QString &name,
                            qint64 seq)
{
    for (SnapshotSocket &socket : snapshot.sockets) {
        if (socket.name == name)
            return socket;
    }
    SnapshotSocket socket;
    socket.name = name;
    socket.domain = scenario.domainOf(name);
    socket.type = scenario.typeOf(name);
    socket.createdSeq = seq;
    // A connection the kernel queued for a listener ("listener:queued 127.0.0.1:40312") belongs to
    // the listener's program and has its domain and type.
    const qsizetype queued = name.indexOf(QLatin1String(":queued "));
    if (queued > 0) {
        const QString listener = name.left(queued);
        for (const SnapshotSocket &owner : std::as_const(snapshot.sockets)) {
            if (owner.name == listener) {
                socket.actor = owner.actor;
                socket.domain = owner.domain;
                socket.type = owner.type;
            }
        }
    }
    snapshot.sockets.append(socket);
    return snapshot.sockets.last();
}

void applyCall(SessionSnapshot &snapshot, const Scenario &scenario, const TraceEvent &event,
               const CallInfo &call)
{
    snapshot.lastCallSeq = event.seq;
    if (SnapshotActor *actor = [&]() -> SnapshotActor * {
            for (SnapshotActor &a : snapshot.actors) {
                if (a.id == call.actor)
                    return &a;
            }
            return nullptr;
        }()) {
        if (call.phase == CallInfo::Phase::Blocked) {
            actor->blockedStep = call.step;
            actor->blockedCall = call.call;
            actor->blockedSocket = call.socket;
            actor->waitsFor = waitsFor(call.call, call.socket);
        } else if (actor->blockedStep == call.step) {
            actor->blockedStep = -1;
            actor->blockedCall.clear();
            actor->blockedSocket.clear();
            actor->waitsFor.clear();
        }
    }
    if (call.phase == CallInfo::Phase::Cancelled)
        return;
    const bool returned = call.phase == CallInfo::Phase::Returned;
    const bool failed = returned && !call.errnoName.isEmpty();
    const bool accepted = returned && !failed && !call.created.isEmpty() && call.created != call.socket;
    if (!call.socket.isEmpty()) {
        SnapshotSocket &socket = socketNamed(snapshot, scenario, call.socket, event.seq);
        if (socket.actor.isEmpty())
            socket.actor = call.actor;
        if (call.fd >= 0)
            socket.fd = call.fd;
        // accept() reports the new connection's addresses; the listener keeps its own.
        if (!accepted && !failed) {
            if (!call.local.isEmpty())
                socket.local = call.local;
            if (!call.peer.isEmpty())
                socket.peer = call.peer;
        }
        if (returned && !failed && callFromName(call.call) == Call::Close)
            socket.closed = true;
    }
    if (accepted) {
        SnapshotSocket &socket = socketNamed(snapshot, scenario, call.created, event.seq);
        socket.actor = call.actor;
        socket.fd = int(call.result);
        socket.local = call.local;
        socket.peer = call.peer;
        if (socket.type.isEmpty()) {
            socket.type = scenario.typeOf(call.socket);
            socket.domain = scenario.domainOf(call.socket);
        }
    }
}

// A step's first call starts it: the events from there on are the current step's.
void startStep(SessionSnapshot &snapshot, QList<bool> &started, const CallInfo &call, qint64 seq)
{
    if (call.step < 0 || call.step >= started.size() || started[call.step])
        return;
    started[call.step] = true;
    ++snapshot.stepsStarted;
    snapshot.currentStep = call.step;
    snapshot.currentCallSeq = seq;
    snapshot.stepEvents.clear();
    for (SnapshotActor &actor : snapshot.actors) {
        if (actor.id == call.actor)
            actor.lastStep = call.step;
    }
}

void applyState(SessionSnapshot &snapshot, const Scenario &scenario, const StateInfo &state, qint64 seq)
{
    SnapshotSocket &socket = socketNamed(snapshot, scenario, state.socket, seq);
    socket.previousState = state.from.isEmpty() ? socket.state : state.from;
    socket.state = state.to;
    socket.stateSeq = seq;
    if (!state.local.isEmpty())
        socket.local = state.local;
    if (!state.peer.isEmpty())
        socket.peer = state.peer;
}

// A figure of -1 was not measured: the one reported before it stands.
void applyQueue(SessionSnapshot &snapshot, const Scenario &scenario, const QueueInfo &queue, qint64 seq)
{
    SnapshotSocket &socket = socketNamed(snapshot, scenario, queue.socket, seq);
    if (queue.acceptQueue >= 0)
        socket.acceptQueue = queue.acceptQueue;
    if (queue.backlog >= 0)
        socket.backlog = queue.backlog;
    if (queue.receiveQueue >= 0)
        socket.receiveQueue = queue.receiveQueue;
    if (queue.sendQueue >= 0)
        socket.sendQueue = queue.sendQueue;
    socket.queueSeq = seq;
    if (!queue.taken.isEmpty())
        socketNamed(snapshot, scenario, queue.taken, seq).acceptedAs = queue.takenAs;
}

// The first step not started, of the whole script and of each actor.
void findNextSteps(SessionSnapshot &snapshot, const Scenario &scenario, const QList<bool> &started)
{
    for (int i = 0; i < started.size(); ++i) {
        if (!started[i]) {
            snapshot.nextStep = i;
            break;
        }
    }
    for (SnapshotActor &actor : snapshot.actors) {
        for (int i = 0; i < started.size(); ++i) {
            if (!started[i] && scenario.steps.at(i).actor == actor.id) {
                actor.nextStep = i;
                break;
            }
        }
    }
}

} // namespace

const SnapshotActor *SessionSnapshot::actor(const QString &id) const
{
    for (const SnapshotActor &a : actors) {
        if (a.id == id)
            return &a;
    }
    return nullptr;
}

const SnapshotSocket *SessionSnapshot::socket(const QString &name) const
{
    for (const SnapshotSocket &s : sockets) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

bool SessionSnapshot::anyBlocked() const
{
    for (const SnapshotActor &a : actors) {
        if (a.blockedStep >= 0)
            return true;
    }
    return false;
}

SessionSnapshot SessionSnapshot::compute(const Scenario &scenario, const Trace &trace, qint64 cursor)
{
    SessionSnapshot snapshot;
    snapshot.cursor = qBound<qint64>(0, cursor, trace.size());
    for (const ScenarioActor &a : scenario.actors) {
        SnapshotActor actor;
        actor.id = a.id;
        actor.title = a.title;
        snapshot.actors.append(actor);
    }
    QList<bool> started(scenario.steps.size(), false);
    for (qint64 seq = 0; seq < snapshot.cursor; ++seq) {
        const TraceEvent &event = trace.at(seq);
        switch (event.kind()) {
        case TraceEvent::Kind::Call:
            startStep(snapshot, started, *event.call(), seq);
            applyCall(snapshot, scenario, event, *event.call());
            break;
        case TraceEvent::Kind::Packet:
            snapshot.lastPacketSeq = seq;
            break;
        case TraceEvent::Kind::State:
            applyState(snapshot, scenario, *event.state(), seq);
            break;
        case TraceEvent::Kind::Queue:
            applyQueue(snapshot, scenario, *event.queue(), seq);
            break;
        case TraceEvent::Kind::Transfer:
        case TraceEvent::Kind::Note:
            break;
        }
        if (snapshot.currentCallSeq >= 0)
            snapshot.stepEvents.append(seq);
    }
    findNextSteps(snapshot, scenario, started);
    return snapshot;
}

QList<qint64> stepMarks(const Trace &trace)
{
    QList<qint64> marks;
    QSet<int> seen;
    const qint64 size = trace.size();
    for (qint64 seq = 0; seq < size; ++seq) {
        const CallInfo *call = trace.at(seq).call();
        if (call && call->step >= 0 && !seen.contains(call->step)) {
            seen.insert(call->step);
            marks.append(seq);
        }
    }
    return marks;
}

QList<qint64> stepBoundaries(const Trace &trace)
{
    const QList<qint64> marks = stepMarks(trace);
    QList<qint64> boundaries{0};
    for (qsizetype i = 1; i < marks.size(); ++i)
        boundaries.append(marks.at(i));
    const qint64 size = trace.size();
    if (size > 0 && boundaries.last() != size)
        boundaries.append(size);
    return boundaries;
}
