#include "engine/session.h"

#include "engine/socketfactory.h"

#include <QDir>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

Session::Session(const Scenario &scenario, std::shared_ptr<SocketFactory> factory, SessionOptions options,
                 QObject *parent)
    : QObject(parent)
    , m_scenario(scenario)
    , m_factory(std::move(factory))
    , m_options(options)
    , m_steps(scenario)
{
    QByteArray pattern = QDir::tempPath().toLocal8Bit() + "/socketscope-XXXXXX";
    if (::mkdtemp(pattern.data()))
        m_unixDirectory = QString::fromLocal8Bit(pattern);
    m_cancelFd = ::eventfd(0, EFD_CLOEXEC);
    ActorHost &host = *this; // a private base: only the session hands itself to its actors
    for (const ScenarioActor &actor : m_scenario.actors)
        m_actors.emplace(actor.id, std::make_unique<Actor>(actor.id, host));
}

Session::~Session()
{
    cancel();
    for (const auto &attachment : attachments())
        attachment->sessionEnding();
    for (auto &[id, actor] : m_actors)
        actor->stop();
    m_actors.clear();
    m_sockets.closeAll();
    if (m_cancelFd >= 0)
        ::close(m_cancelFd);
    if (!m_unixDirectory.isEmpty())
        QDir(m_unixDirectory).removeRecursively();
}

// On an actor's thread: the table is thread-safe, and the rest is fixed for the session's life.
CallContext Session::callContext()
{
    CallContext context;
    context.sockets = &m_sockets;
    context.factory = m_factory.get();
    context.unixDirectory = m_unixDirectory;
    context.cancelFd = m_cancelFd;
    return context;
}

int Session::nextStep() const
{
    std::lock_guard lock(m_mutex);
    return m_steps.next();
}

int Session::nextStepOf(const QString &actor) const
{
    std::lock_guard lock(m_mutex);
    return m_steps.nextOf(actor);
}

int Session::blockedStepOf(const QString &actor) const
{
    std::lock_guard lock(m_mutex);
    return m_steps.busyStepOf(actor);
}

QList<QPair<int, QString>> Session::departures() const
{
    return m_departures.all();
}

void Session::attach(std::shared_ptr<SessionAttachment> attachment)
{
    std::lock_guard lock(m_attachmentsMutex);
    m_attachments.push_back(std::move(attachment));
}

// A copy, so that an attachment (the tap's thread, say) may already record while another is
// being attached.
std::vector<std::shared_ptr<SessionAttachment>> Session::attachments() const
{
    std::lock_guard lock(m_attachmentsMutex);
    return m_attachments;
}

StepOutcome Session::step()
{
    const int index = nextStep();
    if (index < 0)
        return {};
    return runStep(index);
}

StepOutcome Session::stepActor(const QString &actor)
{
    const int index = nextStepOf(actor);
    if (index < 0) {
        StepOutcome outcome;
        outcome.message = QStringLiteral("%1 has no step left").arg(actor);
        return outcome;
    }
    return runStep(index);
}

StepOutcome Session::runStep(int index)
{
    StepOutcome outcome;
    outcome.step = index;
    if (!dispatch(index, outcome))
        return outcome;
    m_actors.at(m_scenario.steps.at(index).actor)->execute(index);
    if (const std::optional<TraceEvent> blocked = awaitCall(index, outcome))
        notifyCallRecorded(*blocked);
    settle();
    outcome.status = finishStep(index);
    return outcome;
}

// Marks the step running, unless the session was cancelled or its actor is still inside an
// earlier call: then nothing is done and `outcome` says why.
bool Session::dispatch(int index, StepOutcome &outcome)
{
    std::lock_guard lock(m_mutex);
    if (m_cancelled) {
        outcome.status = StepOutcome::Status::Cancelled;
        return false;
    }
    const QString &actor = m_scenario.steps.at(index).actor;
    if (const int busy = m_steps.busyStepOf(actor); busy >= 0) {
        outcome.status = StepOutcome::Status::ActorBusy;
        outcome.step = busy;
        outcome.message = QStringLiteral("%1 is still waiting in %2(): step another actor to go on")
                              .arg(actor, callName(m_scenario.steps.at(busy).call));
        return false;
    }
    m_steps[index].status = StepStatus::Running;
    m_dispatched = index;
    m_kernelEntered.reset();
    m_holding = true;
    return true;
}

// Waits until the dispatched call returns or is seen to wait. A call still inside the kernel
// after the block threshold (a connect retrying its SYN) waits too: it is recorded as blocked
// here, and the event is returned for the attachments. Sets the outcome's call event.
std::optional<TraceEvent> Session::awaitCall(int index, StepOutcome &outcome)
{
    std::unique_lock lock(m_mutex);
    // The wait is measured from the system call itself, not from the dispatch: on a busy machine
    // an actor thread may take a while to be scheduled, and that is no blocked call.
    while (!m_cancelled && m_steps[index].status == StepStatus::Running) {
        if (!m_kernelEntered) {
            m_changed.wait_for(lock, m_options.blockThreshold);
            continue;
        }
        const auto waited = std::chrono::steady_clock::now() - *m_kernelEntered;
        if (waited >= m_options.blockThreshold)
            break;
        m_changed.wait_for(lock, m_options.blockThreshold - waited);
    }
    if (m_cancelled || m_steps[index].status != StepStatus::Running) {
        outcome.callSeq = m_currentCause;
        return std::nullopt;
    }
    m_steps[index].status = StepStatus::Blocked;
    const ScenarioStep &step = m_scenario.steps.at(index);
    const std::optional<SessionSocket> socket = m_sockets.find(step.socket);
    TraceEvent event;
    event.info = blockedCallInfo(*m_actors.at(step.actor), index, socket ? socket->fd : -1);
    event.seq = recordCall(event, true);
    outcome.callSeq = m_currentCause;
    return event;
}

StepOutcome::Status Session::finishStep(int index)
{
    std::lock_guard lock(m_mutex);
    releaseHeldEvents();
    switch (m_steps[index].status) {
    case StepStatus::Blocked:
        return StepOutcome::Status::Blocked;
    case StepStatus::Cancelled:
        return StepOutcome::Status::Cancelled;
    case StepStatus::Idle:
    case StepStatus::Running: // only a cancel leaves a step running after the wait
    case StepStatus::Returned:
        break;
    }
    return m_cancelled ? StepOutcome::Status::Cancelled : StepOutcome::Status::Returned;
}

// Quiet alone is not enough with a capture: a delayed ACK comes 40 ms after the data it
// acknowledges, later than the quiet period, and belongs to the step that sent the data.
void Session::settle()
{
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + m_options.settleLimit;
    for (;;) {
        const bool released = waitForReleasedCalls(deadline);
        const auto left = duration_cast<microseconds>(deadline - steady_clock::now());
        if (left.count() <= 0 || !m_clock.waitForQuiet(m_options.settleQuiet, left))
            return;
        if (released)
            continue; // what the released call did may release another
        bool settled = true;
        for (const auto &attachment : attachments())
            settled = attachment->settled() && settled;
        {
            std::lock_guard lock(m_mutex);
            if (settled || m_cancelled)
                return;
        }
        m_clock.waitForGrowth(m_trace.size(),
                              std::min(left, duration_cast<microseconds>(m_options.settleQuiet)));
    }
}

bool Session::waitForReleasedCalls(std::chrono::steady_clock::time_point deadline)
{
    std::unique_lock lock(m_mutex);
    bool waited = false;
    const std::set<int> waiting = m_steps.polledWaits(); // a copy: returning calls leave the set
    for (const int i : waiting) {
        if (m_cancelled)
            break;
        if (m_steps[i].status != StepStatus::Blocked || m_steps[i].waitFd < 0)
            continue;
        pollfd ready{m_steps[i].waitFd, m_steps[i].waitEvents, 0};
        if (::poll(&ready, 1, 0) <= 0)
            continue;
        waited = true;
        m_changed.wait_until(lock, deadline,
                             [&] { return m_cancelled || m_steps[i].status != StepStatus::Blocked; });
    }
    return waited;
}

bool Session::waitForActorIdle(const QString &actor, std::chrono::microseconds limit)
{
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, limit, [&] { return m_cancelled || m_steps.busyStepOf(actor) < 0; }) &&
           !m_cancelled;
}

// A departure of the run itself rather than of a call's result: the reader is told in a note.
void Session::recordDeparture(int step, const QString &reason)
{
    TraceEvent note;
    note.info = NoteInfo{NoteInfo::Level::Departure, reason};
    record(std::move(note));
    m_departures.add(step, reason);
}

bool Session::runToEnd()
{
    for (int index = nextStep(); index >= 0; index = nextStep()) {
        const ScenarioStep &step = m_scenario.steps.at(index);
        if (!waitForActorIdle(step.actor, m_options.blockedWaitLimit)) {
            if (nextStep() < 0)
                break;
            const int waiting = blockedStepOf(step.actor);
            recordDeparture(index, waiting < 0 ? QStringLiteral("the run was cancelled")
                                               : expectationcheck::cannotStart(
                                                     index, step.actor,
                                                     callName(m_scenario.steps.at(waiting).call), waiting));
            return false;
        }
        if (runStep(index).status == StepOutcome::Status::Cancelled)
            return false;
    }
    for (const ScenarioActor &actor : m_scenario.actors) {
        if (!waitForActorIdle(actor.id, m_options.blockedWaitLimit)) {
            const int waiting = blockedStepOf(actor.id);
            if (waiting < 0)
                return false;
            recordDeparture(waiting, expectationcheck::endedWaiting(
                                         actor.id, callName(m_scenario.steps.at(waiting).call), waiting));
        }
    }
    settle();
    return m_departures.isEmpty();
}

void Session::cancel()
{
    bool inKernelWait = false;
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
        inKernelWait = m_steps.anyBusy();
        m_changed.notify_all();
    }
    if (m_cancelFd >= 0) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_cancelFd, &one, sizeof one);
    }
    // A call that waits inside the kernel (connect, a large send) does not poll the cancel event;
    // shutdown() wakes it, where close() from another thread would not.
    if (inKernelWait)
        m_sockets.shutdownAll();
    m_clock.wake();
}
