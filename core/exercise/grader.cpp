#include "exercise/grader.h"

#include "exercise/answer.h"
#include "projections/sessionsnapshot.h"
#include "projections/tcpstatemachine.h"
#include "trace/trace.h"

#include <QJsonArray>

#include <algorithm>

namespace grader {
namespace {

Measured unavailable(const QString &why)
{
    Measured measured;
    measured.value = QJsonValue(QJsonValue::Undefined);
    measured.unavailable = why;
    return measured;
}

QString stepWords(const Scenario &scenario, int step)
{
    return QStringLiteral("step %1 (%2 %3)")
        .arg(QString::number(step + 1), scenario.steps.at(step).actor,
             callName(scenario.steps.at(step).call));
}

struct StepCalls
{
    QList<qint64> seqs; // every call event of the step
    const TraceEvent *returned = nullptr;
    qint64 blockedSeq = -1;
};

StepCalls callsOf(const Trace &trace, int step)
{
    StepCalls calls;
    const qint64 size = trace.size();
    for (qint64 seq = 0; seq < size; ++seq) {
        const TraceEvent &event = trace.at(seq);
        const CallInfo *call = event.call();
        if (!call || call->step != step)
            continue;
        calls.seqs << seq;
        if (call->phase == CallInfo::Phase::Blocked && calls.blockedSeq < 0)
            calls.blockedSeq = seq;
        if (call->phase == CallInfo::Phase::Returned)
            calls.returned = &event;
    }
    return calls;
}

QList<const TraceEvent *> packetsOf(const Trace &trace, const StepCalls &calls)
{
    QList<const TraceEvent *> packets;
    const qint64 size = trace.size();
    for (qint64 seq = calls.seqs.isEmpty() ? size : calls.seqs.first(); seq < size; ++seq) {
        const TraceEvent &event = trace.at(seq);
        if (event.packet() && calls.seqs.contains(event.cause))
            packets << &event;
    }
    // In the order they crossed the wire, which the trace follows only as closely as the tap's
    // thread delivers them.
    std::stable_sort(packets.begin(), packets.end(), [](const TraceEvent *a, const TraceEvent *b) {
        return a->packet()->kernelTimeNs < b->packet()->kernelTimeNs;
    });
    return packets;
}

Measured fromCall(const Question &question, const StepCalls &calls, const QString &words)
{
    if (!calls.returned)
        return unavailable(QStringLiteral("%1 has not returned in this run").arg(words));
    const CallInfo &call = *calls.returned->call();
    Measured measured;
    measured.evidence = {calls.returned->seq};
    switch (question.measure) {
    case Measure::Result:
        measured.value = QJsonValue(call.result);
        break;
    case Measure::Errno:
        measured.value = answer::parse(Measure::Errno, call.errnoName).value;
        break;
    case Measure::Data:
        measured.value = QString::fromUtf8(call.data);
        break;
    case Measure::Blocks:
    case Measure::Packets:
    case Measure::Flags:
    case Measure::State:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
    case Measure::LocalPort:
        break; // measured elsewhere
    }
    return measured;
}

Measured fromPackets(const Question &question, const Trace &trace, const StepCalls &calls, bool captured)
{
    if (!captured)
        return unavailable(
            QStringLiteral("packets were not captured in this run, so the trace cannot count them"));
    Measured measured;
    QJsonArray flags;
    for (const TraceEvent *packet : packetsOf(trace, calls)) {
        measured.evidence << packet->seq;
        flags.append(flagsWord(packet->packet()->flags));
    }
    if (question.measure == Measure::Packets)
        measured.value = QJsonValue(qint64(measured.evidence.size()));
    else
        measured.value = flags;
    return measured;
}

// The last event up to `end` that told `socket`'s local address.
qint64 localEvidence(const Trace &trace, const QString &socket, qint64 end)
{
    for (qint64 seq = end - 1; seq >= 0; --seq) {
        const TraceEvent &event = trace.at(seq);
        if (const CallInfo *call = event.call(); call && call->socket == socket && !call->local.isEmpty())
            return seq;
        if (const StateInfo *state = event.state();
            state && state->socket == socket && !state->local.isEmpty())
            return seq;
    }
    return -1;
}

Measured fromSocket(const Question &question, const Scenario &scenario, const Trace &trace, int step)
{
    const qint64 end = stepEnd(trace, step);
    const SessionSnapshot snapshot = SessionSnapshot::compute(scenario, trace, end);
    const SnapshotSocket *socket = snapshot.socket(question.socket);
    const QString after = QStringLiteral("after %1").arg(stepWords(scenario, step));
    if (!socket)
        return unavailable(QStringLiteral("%1 does not exist %2 in this run").arg(question.socket, after));
    Measured measured;
    switch (question.measure) {
    case Measure::State: {
        const QString state = tcpstatemachine::fromKernel(socket->state);
        if (state.isEmpty())
            return unavailable(
                QStringLiteral("the kernel reported no TCP state for %1 %2").arg(question.socket, after));
        measured.value = state;
        measured.evidence = {socket->stateSeq};
        break;
    }
    case Measure::AcceptQueue:
    case Measure::RecvQueue: {
        const int figure =
            question.measure == Measure::AcceptQueue ? socket->acceptQueue : socket->receiveQueue;
        if (figure < 0)
            return unavailable(QStringLiteral("the kernel reported no %1 for %2 %3")
                                   .arg(question.measure == Measure::AcceptQueue
                                            ? QStringLiteral("accept queue")
                                            : QStringLiteral("receive queue"),
                                        question.socket, after));
        measured.value = QJsonValue(qint64(figure));
        measured.evidence = {socket->queueSeq};
        break;
    }
    case Measure::LocalPort: {
        const qsizetype colon = socket->local.lastIndexOf(u':');
        bool isPort = false;
        const int port = colon < 0 ? -1 : socket->local.mid(colon + 1).toInt(&isPort);
        if (!isPort)
            return unavailable(QStringLiteral("%1 has no local port %2").arg(question.socket, after));
        measured.value = QJsonValue(qint64(port));
        if (const qint64 seq = localEvidence(trace, question.socket, end); seq >= 0)
            measured.evidence = {seq};
        break;
    }
    case Measure::Result:
    case Measure::Errno:
    case Measure::Blocks:
    case Measure::Packets:
    case Measure::Flags:
    case Measure::Data:
        break; // measured elsewhere
    }
    return measured;
}

} // namespace

qint64 stepEnd(const Trace &trace, int step)
{
    // A call that waited returns during a later step: "after" it means after it returned, so the
    // step ends with the step in which its Returned event lies.
    qint64 last = -1;
    const qint64 size = trace.size();
    for (qint64 seq = 0; seq < size; ++seq) {
        const CallInfo *call = trace.at(seq).call();
        if (call && call->step == step)
            last = seq;
    }
    if (last < 0)
        return -1;
    for (qint64 mark : stepMarks(trace)) {
        if (mark > last)
            return mark;
    }
    return size;
}

Measured measure(const Question &question, const Scenario &scenario, const Trace &trace, bool captured)
{
    const int step = question.step;
    if (step < 0 || step >= scenario.steps.size())
        return unavailable(QStringLiteral("the question names no step of the scenario"));
    const QString words = stepWords(scenario, step);
    const StepCalls calls = callsOf(trace, step);
    if (calls.seqs.isEmpty())
        return unavailable(QStringLiteral("%1 did not run").arg(words));
    switch (question.measure) {
    case Measure::Result:
    case Measure::Errno:
    case Measure::Data:
        return fromCall(question, calls, words);
    case Measure::Blocks: {
        if (calls.blockedSeq < 0 && !calls.returned)
            return unavailable(QStringLiteral("%1 was cancelled before the kernel answered").arg(words));
        Measured measured;
        measured.value = calls.blockedSeq >= 0;
        measured.evidence = {calls.blockedSeq >= 0 ? calls.blockedSeq : calls.returned->seq};
        return measured;
    }
    case Measure::Packets:
    case Measure::Flags:
        return fromPackets(question, trace, calls, captured);
    case Measure::State:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
    case Measure::LocalPort:
        return fromSocket(question, scenario, trace, step);
    }
    return unavailable(QStringLiteral("unknown measure"));
}

namespace {

bool showsFact(const GoalFact &goal, const TraceEvent &event)
{
    switch (goal.kind) {
    case GoalFact::Kind::Packet: {
        const PacketInfo *packet = event.packet();
        if (!packet || (!goal.proto.isEmpty() && packet->proto != goal.proto))
            return false;
        for (const QString &flag : goal.flags) {
            if (!packet->flags.contains(flag))
                return false;
        }
        return true;
    }
    case GoalFact::Kind::Errno: {
        const CallInfo *call = event.call();
        return call && call->phase == CallInfo::Phase::Returned && !call->errnoName.isEmpty() &&
               answer::parse(Measure::Errno, call->errnoName).value == QJsonValue(goal.errnoName) &&
               (!goal.call || callFromName(call->call) == goal.call);
    }
    case GoalFact::Kind::State: {
        const StateInfo *state = event.state();
        return state && state->socket == goal.socket && tcpstatemachine::fromKernel(state->to) == goal.state;
    }
    case GoalFact::Kind::AcceptQueue: {
        const QueueInfo *queue = event.queue();
        return queue && queue->socket == goal.socket && queue->acceptQueue >= goal.atLeast;
    }
    }
    return false;
}

} // namespace

Measured reach(const GoalFact &goal, const Trace &trace, bool captured)
{
    Measured measured;
    measured.value = false;
    const qint64 size = trace.size();
    for (qint64 seq = 0; seq < size; ++seq) {
        if (showsFact(goal, trace.at(seq))) {
            measured.value = true;
            measured.evidence = {seq};
            return measured;
        }
    }
    if (goal.kind == GoalFact::Kind::Packet && !captured)
        return unavailable(
            QStringLiteral("packets were not captured in this run, so the trace cannot show %1")
                .arg(goal.describe()));
    return measured;
}

Graded grade(const Question &question, const QJsonValue &given, const Scenario &scenario, const Trace &trace,
             bool captured)
{
    Graded graded;
    graded.questionId = question.id;
    graded.given = given;
    // JSON null is an answer ("none", for an errno); only a missing one is no answer.
    graded.answered = !given.isUndefined();
    if (question.isGoal()) {
        graded.measured = reach(question.goal, trace, captured);
        graded.canonical = graded.measured.value;
        graded.counts = graded.measured.ok();
        // A goal is answered by the run itself (the order the actors were stepped in).
        graded.right = graded.answered && graded.measured.value.toBool();
        if (!graded.counts)
            graded.comment = graded.measured.unavailable;
        return graded;
    }
    graded.measured = measure(question, scenario, trace, captured);
    if (graded.answered) {
        const answer::Parsed parsed = answer::parse(question.measure, given);
        graded.canonical = parsed.value;
        if (!parsed.ok())
            graded.comment = QStringLiteral("the answer cannot be read: %1").arg(parsed.problem);
    }
    if (!graded.measured.ok()) {
        graded.counts = false;
        graded.comment = graded.measured.unavailable;
        return graded;
    }
    if (!question.choices.isEmpty()) {
        bool offered = false;
        for (const QJsonValue &choice : question.choices)
            offered =
                offered || answer::matches(question.measure, answer::parse(question.measure, choice).value,
                                           graded.measured.value);
        if (!offered) {
            graded.counts = false;
            graded.comment =
                QStringLiteral("the kernel's answer, %1, is not among the choices, so this question "
                               "is not counted")
                    .arg(answer::toText(question.measure, graded.measured.value));
            return graded;
        }
    }
    graded.right =
        graded.answered && answer::matches(question.measure, graded.canonical, graded.measured.value);
    return graded;
}

} // namespace grader
