#include "engine/session.h"

#include "posix/symbols.h"

#include <algorithm>

// What the session records and in which order: the calls its actors report on their threads,
// and the events its attachments bring, held while a step is in flight.

void Session::record(TraceEvent event)
{
    const std::optional<PacketInfo> packet =
        event.packet() ? std::optional<PacketInfo>(*event.packet()) : std::nullopt;
    {
        std::lock_guard lock(m_mutex);
        if (m_holding) {
            if (event.tNs == 0)
                event.tNs = m_trace.nowNs();
            m_pending.push_back(std::move(event));
            m_clock.touch();
        } else {
            if (event.cause < 0)
                event.cause = m_currentCause;
            m_trace.append(std::move(event));
        }
    }
    if (packet) {
        for (const auto &attachment : attachments())
            attachment->packetRecorded(*packet);
    }
}

// Under m_mutex. The first event of a dispatched step becomes the cause of everything that
// happened during the step, and of what follows until the next step. Those events are held until
// the step has settled and then listed after the call in the order they happened: the packet tap
// delivers a frame some milliseconds after the kernel stamped it, later than a call it caused may
// have returned on another thread.
qint64 Session::recordCall(TraceEvent event, bool isStepCall)
{
    if (!isStepCall) {
        if (m_holding) {
            if (event.tNs == 0)
                event.tNs = m_trace.nowNs();
            m_pending.push_back(std::move(event));
            m_clock.touch();
            return -1;
        }
        event.cause = m_currentCause;
        return m_trace.append(std::move(event));
    }
    const qint64 seq = m_trace.append(std::move(event));
    m_currentCause = seq;
    m_dispatched = -1;
    return seq;
}

// Under m_mutex.
void Session::releaseHeldEvents()
{
    std::stable_sort(m_pending.begin(), m_pending.end(),
                     [](const TraceEvent &a, const TraceEvent &b) { return a.tNs < b.tNs; });
    for (TraceEvent &pending : m_pending) {
        if (pending.cause < 0)
            pending.cause = m_currentCause;
        m_trace.append(std::move(pending));
    }
    m_pending.clear();
    m_holding = false;
}

void Session::notifyCallRecorded(const TraceEvent &event)
{
    for (const auto &attachment : attachments())
        attachment->callRecorded(event);
}

CallInfo Session::callInfo(const Actor &actor, int step, const CallResult &result) const
{
    const ScenarioStep &s = m_scenario.steps.at(step);
    CallInfo info;
    info.actor = actor.id();
    info.step = step;
    info.call = callName(s.call);
    info.args = s.args;
    info.socket = s.socket.isEmpty() ? s.creates : s.socket;
    info.created = result.created;
    info.fd = result.fd;
    info.local = result.local;
    info.peer = result.peer;
    info.data = result.data;
    info.detail = result.detail;
    info.durationNs = result.durationNs;
    info.result = result.result;
    if (result.error)
        info.errnoName = symbols::errnoName(result.error);
    return info;
}

void Session::kernelEntered(int step)
{
    std::lock_guard lock(m_mutex);
    // No wake-up: the stepping thread looks at this when its wait for the call times out, and a
    // wake-up per call would cost a context switch on every step.
    if (m_dispatched == step)
        m_kernelEntered = std::chrono::steady_clock::now();
}

CallInfo Session::blockedCallInfo(const Actor &actor, int step, int fd) const
{
    CallResult waiting;
    waiting.fd = fd;
    waiting.blocked = true;
    CallInfo info = callInfo(actor, step, waiting);
    info.phase = CallInfo::Phase::Blocked;
    info.result = 0;
    info.errnoName.clear();
    return info;
}

void Session::callBlocked(const Actor &actor, int step, int fd, short events)
{
    TraceEvent event;
    {
        std::lock_guard lock(m_mutex);
        if (m_steps[step].status != StepStatus::Running)
            return;
        m_steps[step].status = StepStatus::Blocked;
        m_steps.waitInPoll(step, fd, events);
        event.info = blockedCallInfo(actor, step, fd);
        event.seq = recordCall(event, m_dispatched == step);
        m_changed.notify_all();
    }
    notifyCallRecorded(event);
}

void Session::callReturned(const Actor &actor, int step, const CallResult &result)
{
    QString departure;
    TraceEvent event;
    const bool refused = !result.refused.isEmpty();
    {
        std::lock_guard lock(m_mutex);
        StepState &state = m_steps[step];
        const bool wasBlocked = state.status == StepStatus::Blocked;
        m_steps.leavePoll(step);
        const bool isStepCall = m_dispatched == step && !wasBlocked;
        if (refused) {
            // The engine made no call, so there is no call event: the reader is told why instead.
            state.status = StepStatus::Returned;
            departure = result.refused;
            event.info = NoteInfo{NoteInfo::Level::Departure, departure};
        } else {
            CallInfo info = callInfo(actor, step, result);
            if (result.cancelled) {
                info.phase = CallInfo::Phase::Cancelled;
                state.status = StepStatus::Cancelled;
            } else {
                info.phase = CallInfo::Phase::Returned;
                state.status = StepStatus::Returned;
                departure = expectationcheck::departure(m_scenario.steps.at(step).expect, result,
                                                        wasBlocked || result.blocked);
                info.expectation = departure;
            }
            event.info = std::move(info);
        }
        if (!departure.isEmpty())
            m_departures.add(step, departure);
        event.seq = recordCall(event, isStepCall);
        m_changed.notify_all();
    }
    if (!refused)
        notifyCallRecorded(event);
}
