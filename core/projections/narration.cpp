#include "projections/narration.h"

#include "projections/errnoinfo.h"
#include "projections/eventtext.h"
#include "projections/sessionsnapshot.h"
#include "scenario/call.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

#include <QStringList>

namespace {

QString portOf(const QString &address)
{
    const qsizetype colon = address.lastIndexOf(u':');
    return colon < 0 ? QString() : address.mid(colon + 1);
}

// Did some connect() to `local` return before `before`? Then accept() found the connection ready.
bool connectedEarlier(const Trace &trace, const QString &local, qint64 before)
{
    for (qint64 seq = 0; seq < before; ++seq) {
        const CallInfo *call = trace.at(seq).call();
        if (call && callFromName(call->call) == Call::Connect && call->phase == CallInfo::Phase::Returned &&
            call->errnoName.isEmpty() && call->peer == local)
            return true;
    }
    return false;
}

QString acceptSentence(const Trace &trace, const TraceEvent &event, const CallInfo &call)
{
    if (event.cause >= 0 && event.cause != event.seq)
        return QStringLiteral("The waiting accept() of %1 returned: the handshake finished, and the "
                              "kernel handed the new "
                              "connection over as %2 (descriptor %3) — the listener keeps listening.")
            .arg(call.actor, call.created)
            .arg(call.result);
    if (connectedEarlier(trace, call.local, event.seq))
        return QStringLiteral(
                   "The kernel finished the three-way handshake before accept() was called: the "
                   "connection "
                   "waited in the accept queue, and accept() took it at once as %1 (descriptor %2).")
            .arg(call.created)
            .arg(call.result);
    return QStringLiteral("accept() returned a new socket %1 (descriptor %2) for the connection from %3.")
        .arg(call.created)
        .arg(call.result)
        .arg(call.peer);
}

QString connectSentence(const CallInfo &call)
{
    if (call.local.contains(u':'))
        return QStringLiteral(
                   "The kernel picked the ephemeral port %1 for %2 and completed the connection to %3.")
            .arg(portOf(call.local), call.socket, call.peer);
    return QStringLiteral("The kernel connected %1 to %2.").arg(call.socket, call.peer);
}

QString receivedSentence(const CallInfo &call, const QString &name)
{
    if (call.result == 0)
        return name +
               QStringLiteral(
                   " returned 0: end of stream — the peer closed its side, there will be no more data.");
    return QStringLiteral("The kernel handed over %1 bytes from the receive queue of %2: %3.")
        .arg(call.result)
        .arg(call.socket, eventtext::quoted(call.data));
}

QString sentSentence(const CallInfo &call)
{
    return QStringLiteral("The kernel copied %1 bytes into the send queue of %2; sending them is now the "
                          "kernel's job.")
        .arg(call.result)
        .arg(call.socket);
}

// What the kernel did for a call that succeeded.
QString returnedSentence(const Trace &trace, const TraceEvent &event, const CallInfo &call,
                         const QString &name)
{
    QString plain = QStringLiteral("%1 returned %2.").arg(name).arg(call.result);
    const std::optional<Call> made = callFromName(call.call);
    if (!made) {
        // A traced program's read() and write() move bytes as recv() and send() do.
        if (call.call == QLatin1String("read"))
            return receivedSentence(call, name);
        return call.call == QLatin1String("write") ? sentSentence(call) : plain;
    }
    switch (*made) {
    case Call::Socket:
        return QStringLiteral("The kernel made a new socket and gave the program descriptor %1 for it.")
            .arg(call.result);
    case Call::Bind:
        return QStringLiteral("The kernel gave %1 the local address %2.").arg(call.socket, call.local);
    case Call::Listen:
        return QStringLiteral(
                   "The kernel now answers connection requests for %1 and queues finished connections.")
            .arg(call.local.isEmpty() ? call.socket : call.local);
    case Call::Accept:
        return acceptSentence(trace, event, call);
    case Call::Connect:
        return connectSentence(call);
    case Call::Recv:
    case Call::RecvFrom:
        return receivedSentence(call, name);
    case Call::Send:
    case Call::SendTo:
        return sentSentence(call);
    case Call::Close:
        return QStringLiteral("The program let go of %1 (descriptor %2); whatever the connection still "
                              "needs, the kernel "
                              "finishes on its own.")
            .arg(call.socket)
            .arg(call.fd);
    case Call::Shutdown:
        return QStringLiteral("The kernel shut down one direction of %1.").arg(call.socket);
    case Call::GetSockName:
    case Call::GetPeerName:
    case Call::SetSockOpt:
    case Call::Fcntl:
    case Call::Process:
        return plain;
    }
    return plain;
}

QString callSentence(const Trace &trace, const TraceEvent &event, const CallInfo &call,
                     const SessionSnapshot &snapshot)
{
    const QString name = call.call + QStringLiteral("()");
    if (call.phase == CallInfo::Phase::Blocked) {
        const SnapshotActor *actor = snapshot.actor(call.actor);
        const QString waits =
            actor && actor->blockedStep == call.step ? actor->waitsFor : QStringLiteral("the kernel");
        return name + QStringLiteral(" blocks: the kernel has nothing to give yet, so ") + call.actor +
               QStringLiteral(" sleeps until there is ") + waits + u'.';
    }
    if (call.phase == CallInfo::Phase::Cancelled)
        return name + QStringLiteral(" was cancelled when the session ended.");
    if (!call.errnoName.isEmpty())
        return name + QStringLiteral(" failed: ") + call.errnoName + QStringLiteral(" — ") +
               errnoinfo::explain(call.errnoName, call.call);
    return returnedSentence(trace, event, call, name);
}

} // namespace

namespace narration {

QString headline(const Scenario &scenario, const Trace *trace, const SessionSnapshot &snapshot)
{
    if (!trace)
        return QStringLiteral("Starting the sandbox…");
    if (snapshot.currentStep < 0)
        return scenario.title + QStringLiteral(" — press Space to take the first step");
    const ScenarioStep &step = scenario.steps.at(snapshot.currentStep);
    const ScenarioActor *actor = scenario.actor(step.actor);
    QString call = callName(step.call) + QStringLiteral("()");
    if (snapshot.currentCallSeq >= 0) {
        if (const CallInfo *info = trace->at(snapshot.currentCallSeq).call())
            call = eventtext::callSignature(*info);
    }
    return QStringLiteral("Step %1 of %2 · %3: %4")
        .arg(snapshot.stepsStarted)
        .arg(scenario.steps.size())
        .arg(actor ? actor->title : step.actor, call);
}

QString stepText(const Scenario &scenario, const SessionSnapshot &snapshot)
{
    if (snapshot.currentStep < 0)
        return scenario.summary;
    return scenario.steps.at(snapshot.currentStep).narration;
}

QString kernelText(const Trace &trace, const SessionSnapshot &snapshot, bool capture,
                   const QString &modeDescription)
{
    if (snapshot.currentCallSeq < 0)
        return {};
    QStringList sentences;
    QStringList flags;
    QStringList states;
    int transfers = 0;
    for (qint64 seq : snapshot.stepEvents) {
        const TraceEvent &event = trace.at(seq);
        if (const CallInfo *call = event.call())
            sentences << callSentence(trace, event, *call, snapshot);
        else if (const PacketInfo *packet = event.packet())
            flags << (packet->flags.isEmpty() ? packet->proto : packet->flags.join(u'+')) +
                         (packet->len > 0 ? QStringLiteral(" (%1 B)").arg(packet->len) : QString());
        else if (const StateInfo *state = event.state())
            states << state->socket + QStringLiteral(": ") +
                          (state->from.isEmpty() ? QString() : state->from + QStringLiteral(" → ")) +
                          state->to;
        else if (event.transfer())
            ++transfers;
        else if (const NoteInfo *note = event.note())
            sentences << note->text;
    }
    if (!flags.isEmpty())
        sentences << QStringLiteral("%1 packet%2 crossed the wire: %3.")
                         .arg(flags.size())
                         .arg(QLatin1String(flags.size() == 1 ? "" : "s"))
                         .arg(flags.join(QStringLiteral(", ")));
    else if (transfers > 0)
        sentences << QStringLiteral(
            "The bytes moved from buffer to buffer inside the kernel: a Unix socket has no packets.");
    else if (!capture)
        sentences << QStringLiteral("Packets are not shown in this mode: ") + modeDescription;
    if (!states.isEmpty())
        sentences << QStringLiteral("The kernel reports: ") + states.join(QStringLiteral("; ")) + u'.';
    return sentences.join(u' ');
}

QString waitingText(const Trace *trace, const SessionSnapshot &snapshot, bool atLiveEnd)
{
    if (!trace)
        return {};
    QStringList waiting;
    for (const SnapshotActor &actor : snapshot.actors) {
        if (actor.blockedStep < 0)
            continue;
        QStringList others;
        for (const SnapshotActor &other : snapshot.actors) {
            if (other.id != actor.id && other.nextStep >= 0 && other.blockedStep < 0)
                others << QStringLiteral("Step ") + other.title;
        }
        QString text = actor.title + QStringLiteral(" waits in ") + actor.blockedCall +
                       QStringLiteral("() for ") + actor.waitsFor + u'.';
        if (!others.isEmpty())
            text += QStringLiteral(" Only another program can release it: ") +
                    others.join(QStringLiteral(" or ")) + u'.';
        waiting << text;
    }
    const bool live = atLiveEnd;
    if (!live && waiting.isEmpty())
        waiting
            << QStringLiteral(
                   "Showing the past: Step or Forward replays what was recorded; the live end is step %1.")
                   .arg(int(stepMarks(*trace).size()));
    else if (live && snapshot.nextStep < 0 && !snapshot.anyBlocked())
        waiting << QStringLiteral(
            "The scenario is finished. Back or the timeline shows any step again; Reset starts anew.");
    return waiting.join(u' ');
}

} // namespace narration
