#include "session.h"

#include "actor.h"
#include "socketfactory.h"
#include "symbols.h"

#include <QDir>
#include <QFile>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace {
enum StepStatus { Idle = 0, Running = 1, Blocked = 2, Returned = 3, Cancelled = 4 };
} // namespace

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
            m_trace.touch();
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
            m_trace.touch();
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
    info.call = s.call;
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

void Session::callBlocked(Actor &actor, int step, const CallResult &result, short events)
{
    TraceEvent event;
    {
        std::lock_guard lock(m_mutex);
        if (m_status[step] != Running)
            return;
        m_status[step] = Blocked;
        m_waitingOn[step] = {result.fd, events};
        m_polledWaits.insert(step);
        CallInfo info = callInfo(actor, step, result);
        info.phase = CallInfo::Phase::Blocked;
        info.result = 0;
        info.errnoName.clear();
        event.info = std::move(info);
        event.seq = recordCall(event, m_dispatched == step);
        m_changed.notify_all();
    }
    notifyCallRecorded(event);
}

QString Session::checkExpectation(int step, const CallResult &result) const
{
    const Expectation &expect = m_scenario.steps.at(step).expect;
    const QString got = result.error ? QStringLiteral("-1 %1").arg(symbols::errnoName(result.error))
                                     : QString::number(result.result);
    if (!expect.errnoName.isEmpty() && symbols::errnoName(result.error) != expect.errnoName)
        return QStringLiteral("expected to fail with %1, but it returned %2").arg(expect.errnoName, got);
    if (expect.ok && (result.result < 0 || result.error))
        return QStringLiteral("expected to succeed, but it returned %1").arg(got);
    if (expect.result && (*expect.result != result.result || (result.error && *expect.result >= 0)))
        return QStringLiteral("expected %1, but it returned %2").arg(*expect.result).arg(got);
    if (expect.data && *expect.data != result.data)
        return QStringLiteral("expected the bytes \"%1\", but got \"%2\"")
            .arg(QString::fromUtf8(*expect.data), QString::fromUtf8(result.data));
    return {};
}

void Session::callReturned(Actor &actor, int step, const CallResult &result)
{
    QString departure;
    TraceEvent event;
    const bool refused = !result.refused.isEmpty();
    {
        std::lock_guard lock(m_mutex);
        const bool wasBlocked = m_status[step] == Blocked;
        m_polledWaits.erase(step);
        const bool isStepCall = m_dispatched == step && !wasBlocked;
        if (refused) {
            // The engine made no call, so there is no call event: the reader is told why instead.
            m_status[step] = Returned;
            departure = result.refused;
            event.info = NoteInfo{NoteInfo::Level::Departure, departure};
        } else {
            CallInfo info = callInfo(actor, step, result);
            if (result.cancelled) {
                info.phase = CallInfo::Phase::Cancelled;
                m_status[step] = Cancelled;
            } else {
                info.phase = CallInfo::Phase::Returned;
                m_status[step] = Returned;
                departure = checkExpectation(step, result);
                const Expectation &expect = m_scenario.steps.at(step).expect;
                if (departure.isEmpty() && expect.blocks && !wasBlocked && !result.blocked)
                    departure = QStringLiteral("expected to wait, but it returned at once");
                info.expectation = departure;
            }
            event.info = std::move(info);
        }
        if (!departure.isEmpty())
            m_departures << qMakePair(step, departure);
        event.seq = recordCall(event, isStepCall);
        m_changed.notify_all();
    }
    if (!refused)
        notifyCallRecorded(event);
    if (!departure.isEmpty())
        Q_EMIT departed(step, departure);
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
            if ((m_status[i] == Running || m_status[i] == Blocked) && m_scenario.steps.at(i).actor == step.actor) {
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
        if (left.count() <= 0 || !m_trace.waitForQuiet(m_options.settleQuiet, left))
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
        m_trace.waitForGrowth(m_trace.size(), std::min(left, duration_cast<microseconds>(m_options.settleQuiet)));
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
            const QString reason = QStringLiteral("the scenario ended with %1 still waiting in %2() (step %3)")
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
    m_trace.wake();
}

void Session::reset()
{
    cancel();
    stopActors();
    m_sockets.closeAll();
    m_sockets.clear();
    for (const auto &attachment : attachments())
        attachment->sessionReset();
    if (!m_unixDirectory.isEmpty()) {
        QDir directory(m_unixDirectory);
        for (const QString &entry : directory.entryList(QDir::Files | QDir::System))
            directory.remove(entry);
    }
    quint64 drained = 0;
    [[maybe_unused]] const ssize_t read = ::read(m_cancelFd, &drained, sizeof drained);
    {
        std::lock_guard lock(m_mutex);
        std::fill(m_done.begin(), m_done.end(), false);
        std::fill(m_status.begin(), m_status.end(), Idle);
        m_polledWaits.clear();
        std::fill(m_waitingOn.begin(), m_waitingOn.end(), std::pair<int, short>{-1, 0});
        m_kernelEntered.reset();
        m_departures.clear();
        m_dispatched = -1;
        m_currentCause = -1;
        m_holding = false;
        m_pending.clear();
        m_cancelled = false;
    }
    m_trace.clear();
    startActors();
}
