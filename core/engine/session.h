#pragma once

#include "engine/actor.h"
#include "engine/callrunner.h"
#include "engine/expectationcheck.h"
#include "engine/settleclock.h"
#include "engine/sockettable.h"
#include "engine/stepprogress.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

#include <QObject>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

class SocketFactory;

/// Something that watches a session from outside its actors: the packet tap, the state probe.
class SessionAttachment
{
public:
    virtual ~SessionAttachment() = default;
    /// A call event was recorded. Called on the recording thread, outside the session's lock.
    virtual void callRecorded(const TraceEvent &event) { Q_UNUSED(event); }
    /// Whether what this attachment watches has come to rest (the packet tap: every segment sent
    /// was acknowledged). A step settles when the trace is quiet and every attachment has settled,
    /// or at settleLimit. Called on the stepping thread, outside the session's lock.
    virtual bool settled() { return true; }
    /// A packet event was recorded (by the packet tap, on its thread, outside the session's lock).
    /// The state probe looks at the sockets again then.
    virtual void packetRecorded(const PacketInfo &packet) { Q_UNUSED(packet); }
    /// The session is being destroyed: stop every thread that records into it. Nothing may be
    /// recorded once this returns (the attachment itself may live on).
    virtual void sessionEnding() {}
};

struct SessionOptions
{
    /// A step is finished when no event came for this long after its call …
    std::chrono::microseconds settleQuiet{std::chrono::milliseconds(15)};
    /// … or when this much time passed.
    std::chrono::microseconds settleLimit{std::chrono::milliseconds(400)};
    /// A call that has not returned after this long is shown as blocked.
    std::chrono::microseconds blockThreshold{std::chrono::milliseconds(80)};
    /// runToEnd(): how long to wait for a blocked actor before its next step.
    std::chrono::microseconds blockedWaitLimit{std::chrono::seconds(8)};
};

/// How one step went.
struct StepOutcome
{
    enum class Status {
        Returned,  // the call returned (its result is in the trace)
        Blocked,   // the call waits for the kernel; another actor's step will release it
        ActorBusy, // the actor is still waiting in an earlier call; nothing was done
        Finished,  // no step left for this request
        Cancelled, // the session was cancelled while the step ran
    };
    Status status = Status::Finished;
    int step = -1;
    qint64 callSeq = -1;
    QString message;
};

/// One run of a scenario on real sockets: the actors, their threads, their sockets and the trace.
///
/// Stepping is synchronous: step(), stepActor() and runToEnd() return when the step has settled,
/// so call them from one thread that may wait (the command line's main thread, or the GUI's
/// session thread). cancel() is thread-safe and wakes every wait at once. The actors report their
/// calls through ActorHost, on their own threads.
class Session : public QObject, private ActorHost
{
    Q_OBJECT
public:
    Session(const Scenario &scenario, std::shared_ptr<SocketFactory> factory, SessionOptions options = {},
            QObject *parent = nullptr);
    ~Session() override;

    const Scenario &scenario() const { return m_scenario; }
    Trace &trace() { return m_trace; }
    const Trace &trace() const { return m_trace; }
    const SocketTable &sockets() const { return m_sockets; }
    SocketFactory &factory() const { return *m_factory; }
    QString unixDirectory() const { return m_unixDirectory; }

    /// The next step in script order that has not run, or -1.
    int nextStep() const;
    /// The next step of `actor` that has not run, or -1.
    int nextStepOf(const QString &actor) const;
    bool isFinished() const { return nextStep() < 0; }
    /// The step `actor` is waiting in, or -1.
    int blockedStepOf(const QString &actor) const;
    /// Steps whose outcome departed from the scenario's expectation, with the reason.
    QList<QPair<int, QString>> departures() const;

    /// Records an event from a probe or the packet tap; stamps its cause. Thread-safe.
    void record(TraceEvent event);
    /// Adds a watcher. Attach before the first step; attachments live as long as the session.
    void attach(std::shared_ptr<SessionAttachment> attachment);

public Q_SLOTS:
    StepOutcome step();
    StepOutcome stepActor(const QString &actor);
    /// Runs every remaining step in script order, waiting for blocked actors. True when the run
    /// followed the scenario (no departure).
    bool runToEnd();
    /// Wakes every blocked call and wait. Thread-safe; the session is unusable afterwards. Starting
    /// anew is a new session: destroying this one closes its descriptors and ends its threads.
    void cancel();

private:
    // Stepping (session.cpp).
    StepOutcome runStep(int index);
    bool dispatch(int index, StepOutcome &outcome);
    std::optional<TraceEvent> awaitCall(int index, StepOutcome &outcome);
    StepOutcome::Status finishStep(int index);
    void settle();
    /// Waits (until `deadline`) for every blocked call whose descriptor has become ready: the step
    /// that released it is not finished until it has returned. True when it waited for any.
    bool waitForReleasedCalls(std::chrono::steady_clock::time_point deadline);
    bool waitForActorIdle(const QString &actor, std::chrono::microseconds limit);
    void recordDeparture(int step, const QString &reason);

    // ActorHost: called by the actors on their threads (the recording side, in sessionrecording.cpp).
    const ScenarioStep &stepAt(int step) const override { return m_scenario.steps.at(step); }
    CallContext callContext() override;
    void kernelEntered(int step) override;
    void callBlocked(const Actor &actor, int step, int fd, short events) override;
    void callReturned(const Actor &actor, int step, const CallResult &result) override;

    // Recording (sessionrecording.cpp).
    CallInfo callInfo(const Actor &actor, int step, const CallResult &result) const;
    CallInfo blockedCallInfo(const Actor &actor, int step, int fd) const;
    qint64 recordCall(TraceEvent event, bool isStepCall);
    void notifyCallRecorded(const TraceEvent &event);
    std::vector<std::shared_ptr<SessionAttachment>> attachments() const;
    void releaseHeldEvents();

    Scenario m_scenario;
    std::shared_ptr<SocketFactory> m_factory;
    SessionOptions m_options;
    Trace m_trace;
    SettleClock m_clock{m_trace};
    SocketTable m_sockets;
    QString m_unixDirectory;
    int m_cancelFd = -1;
    Departures m_departures;

    std::map<QString, std::unique_ptr<Actor>> m_actors;
    mutable std::mutex m_attachmentsMutex;
    std::vector<std::shared_ptr<SessionAttachment>> m_attachments;

    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_changed;
    StepProgress m_steps;
    int m_dispatched = -1; // the step whose first call event is awaited
    std::optional<std::chrono::steady_clock::time_point> m_kernelEntered; // the dispatched call's syscall
    qint64 m_currentCause = -1;
    bool m_holding = false;
    std::vector<TraceEvent> m_pending; // events that came while the step's call was in flight
    bool m_cancelled = false;
};
