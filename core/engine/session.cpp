#include "engine/session.h"

#include "engine/actor.h"
#include "engine/socketfactory.h"

#include <QDir>
#include <QFile>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

Session::Session(const Scenario &scenario, std::shared_ptr<SocketFactory> factory, SessionOptions options,
                 QObject *parent)
    : QObject(parent)
    , m_scenario(scenario)
    , m_factory(std::move(factory))
    , m_options(options)
    , m_done(scenario.steps.size(), false)
    , m_status(scenario.steps.size(), Idle)
    , m_waitingOn(scenario.steps.size(), {-1, 0})
{
    QByteArray pattern = QDir::tempPath().toLocal8Bit() + "/socketscope-XXXXXX";
    if (::mkdtemp(pattern.data()))
        m_unixDirectory = QString::fromLocal8Bit(pattern);
    m_cancelFd = ::eventfd(0, EFD_CLOEXEC);
    startActors();
}

Session::~Session()
{
    cancel();
    for (const auto &attachment : attachments())
        attachment->sessionEnding();
    stopActors();
    m_sockets.closeAll();
    if (m_cancelFd >= 0)
        ::close(m_cancelFd);
    if (!m_unixDirectory.isEmpty())
        QDir(m_unixDirectory).removeRecursively();
}

void Session::startActors()
{
    for (const ScenarioActor &actor : m_scenario.actors)
        m_actors.emplace(actor.id, std::make_unique<Actor>(actor.id, *this));
}

void Session::stopActors()
{
    for (auto &[id, actor] : m_actors)
        actor->stop();
    m_actors.clear();
}

int Session::nextStep() const
{
    std::lock_guard lock(m_mutex);
    for (size_t i = 0; i < m_done.size(); ++i) {
        if (!m_done[i])
            return int(i);
    }
    return -1;
}

int Session::nextStepOf(const QString &actor) const
{
    std::lock_guard lock(m_mutex);
    for (qsizetype i = 0; i < m_scenario.steps.size(); ++i) {
        if (!m_done[i] && m_scenario.steps.at(i).actor == actor)
            return int(i);
    }
    return -1;
}

int Session::blockedStepOf(const QString &actor) const
{
    std::lock_guard lock(m_mutex);
    for (qsizetype i = 0; i < m_scenario.steps.size(); ++i) {
        if ((m_status[i] == Running || m_status[i] == Blocked) && m_scenario.steps.at(i).actor == actor)
            return int(i);
    }
    return -1;
}

QList<QPair<int, QString>> Session::departures() const
{
    std::lock_guard lock(m_mutex);
    return m_departures;
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

StepOutcome Session::runStep(int index)
{
    StepOutcome outcome;
    outcome.step = index;
    const ScenarioStep &step = m_scenario.steps.at(index);
    {
        std::unique_lock lock(m_mutex);
        if (m_cancelled) {
            outcome.status = StepOutcome::Status::Cancelled;
            return outcome;
        }
        for (qsizetype i = 0; i < m_scenario.steps.size(); ++i) {
            if ((m_status[i] == Running || m_status[i] == Blocked) &&
                m_scenario.steps.at(i).actor == step.actor) {
                outcome.status = StepOutcome::Status::ActorBusy;
                outcome.step = int(i);
                outcome.message = QStringLiteral("%1 is still waiting in %2(): step another actor to go on")
                                      .arg(step.actor, m_scenario.steps.at(i).call);
                return outcome;
            }
        }
        m_done[index] = true;
        m_status[index] = Running;
        m_dispatched = index;
        m_kernelEntered.reset();
        m_holding = true;
    }
    Q_EMIT stepStarted(index);
    m_actors.at(step.actor)->execute(index);
    TraceEvent blockedEvent;
    bool blockedByTime = false;
    {
        std::unique_lock lock(m_mutex);
        // The wait is measured from the system call itself, not from the dispatch: on a busy
        // machine an actor thread may take a while to be scheduled, and that is no blocked call.
        while (!m_cancelled && m_status[index] == Running) {
            if (!m_kernelEntered) {
                m_changed.wait_for(lock, m_options.blockThreshold);
                continue;
            }
            const auto waited = std::chrono::steady_clock::now() - *m_kernelEntered;
            if (waited >= m_options.blockThreshold)
                break;
            m_changed.wait_for(lock, m_options.blockThreshold - waited);
        }
        if (m_status[index] == Running && !m_cancelled) {
            // Still inside the kernel (a connect retrying its SYN): the call waits.
            m_status[index] = Blocked;
            TraceEvent event;
            CallInfo info;
            info.actor = step.actor;
            info.step = index;
            info.call = step.call;
            info.args = step.args;
            info.socket = step.socket;
            info.phase = CallInfo::Phase::Blocked;
            if (const auto socket = m_sockets.find(step.socket))
                info.fd = socket->fd;
            event.info = std::move(info);
            event.seq = recordCall(event, true);
            blockedEvent = std::move(event);
            blockedByTime = true;
        }
        outcome.callSeq = m_currentCause;
    }
    if (blockedByTime)
        notifyCallRecorded(blockedEvent);
    settle();
    {
        std::lock_guard lock(m_mutex);
        releaseHeldEvents();
        switch (m_status[index]) {
        case Blocked:
            outcome.status = StepOutcome::Status::Blocked;
            break;
        case Cancelled:
            outcome.status = StepOutcome::Status::Cancelled;
            break;
        default:
            outcome.status = m_cancelled ? StepOutcome::Status::Cancelled : StepOutcome::Status::Returned;
        }
    }
    Q_EMIT stepFinished(index, int(outcome.status));
    return outcome;
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
    // Only the few calls that wait in poll() are looked at, not every step of a long scenario.
    const std::set<int> waiting = m_polledWaits;
    for (const int i : waiting) {
        if (m_cancelled)
            break;
        const auto [fd, events] = m_waitingOn[i];
        if (m_status[i] != Blocked || fd < 0)
            continue;
        pollfd ready{fd, events, 0};
        if (::poll(&ready, 1, 0) <= 0)
            continue;
        waited = true;
        m_changed.wait_until(lock, deadline, [&] { return m_cancelled || m_status[i] != Blocked; });
    }
    return waited;
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

bool Session::waitForActorIdle(const QString &actor, std::chrono::microseconds limit)
{
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, limit, [&] {
        if (m_cancelled)
            return true;
        for (qsizetype i = 0; i < m_scenario.steps.size(); ++i) {
            if ((m_status[i] == Running || m_status[i] == Blocked) && m_scenario.steps.at(i).actor == actor)
                return false;
        }
        return true;
    }) && !m_cancelled;
}

bool Session::runToEnd()
{
    for (int index = nextStep(); index >= 0; index = nextStep()) {
        const ScenarioStep &step = m_scenario.steps.at(index);
        if (!waitForActorIdle(step.actor, m_options.blockedWaitLimit)) {
            if (nextStep() < 0 || isFinished())
                break;
            const int waiting = blockedStepOf(step.actor);
            const QString reason =
                waiting < 0 ? QStringLiteral("the run was cancelled")
                            : QStringLiteral("step %1 cannot start: %2 is still waiting in %3() (step %4)")
                                  .arg(index + 1)
                                  .arg(step.actor, m_scenario.steps.at(waiting).call)
                                  .arg(waiting + 1);
            TraceEvent note;
            note.info = NoteInfo{NoteInfo::Level::Departure, reason};
            record(std::move(note));
            std::lock_guard lock(m_mutex);
            m_departures << qMakePair(index, reason);
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
            const QString reason =
                QStringLiteral("the scenario ended with %1 still waiting in %2() (step %3)")
                    .arg(actor.id, m_scenario.steps.at(waiting).call)
                    .arg(waiting + 1);
            TraceEvent note;
            note.info = NoteInfo{NoteInfo::Level::Departure, reason};
            record(std::move(note));
            std::lock_guard lock(m_mutex);
            m_departures << qMakePair(waiting, reason);
        }
    }
    settle();
    return departures().isEmpty();
}

void Session::cancel()
{
    bool inKernelWait = false;
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
        for (int status : m_status)
            inKernelWait = inKernelWait || status == Running || status == Blocked;
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
