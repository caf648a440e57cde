#pragma once

#include "engine/callrunner.h"
#include "engine/settleclock.h"
#include "engine/sockettable.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

#include <QObject>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

class Actor;
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
/// session thread). cancel() is thread-safe and wakes every wait at once.
class Session : public QObject
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

Q_SIGNALS:
    void stepStarted(int step);
    void stepFinished(int step, int status);
    void departed(int step, const QString &reason);

private:
    friend class Actor;
    struct StepState;
    enum StepStatus { Idle = 0, Running = 1, Blocked = 2, Returned = 3, Cancelled = 4 }; // m_status

    StepOutcome runStep(int index);
    void settle();
    void startActors();
    void stopActors();
    // Called by actors on their threads (the recording side lives in sessionrecording.cpp).
    void callBlocked(Actor &actor, int step, const CallResult &result, short events);
    void kernelEntered(int step);
    /// Waits (until `deadline`) for every blocked call whose descriptor has become ready: the step
    /// that released it is not finished until it has returned. True when it waited for any.
    bool waitForReleasedCalls(std::chrono::steady_clock::time_point deadline);
    void callReturned(Actor &actor, int step, const CallResult &result);
    CallInfo callInfo(const Actor &actor, int step, const CallResult &result) const;
    qint64 recordCall(TraceEvent event, bool isStepCall);
    void notifyCallRecorded(const TraceEvent &event);
    std::vector<std::shared_ptr<SessionAttachment>> attachments() const;
    void releaseHeldEvents();
    QString checkExpectation(int step, const CallResult &result) const;
    bool waitForActorIdle(const QString &actor, std::chrono::microseconds limit);

    Scenario m_scenario;
    std::shared_ptr<SocketFactory> m_factory;
    SessionOptions m_options;
    Trace m_trace;
    SettleClock m_clock{m_trace};
    SocketTable m_sockets;
    QString m_unixDirectory;
    int m_cancelFd = -1;

    std::map<QString, std::unique_ptr<Actor>> m_actors;
    mutable std::mutex m_attachmentsMutex;
    std::vector<std::shared_ptr<SessionAttachment>> m_attachments;

    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_changed;
    std::vector<bool> m_done;  // per step: dispatched
    std::vector<int> m_status; // per step: 0 idle, 1 running, 2 blocked, 3 returned, 4 cancelled
    QList<QPair<int, QString>> m_departures;
    int m_dispatched = -1; // the step whose first call event is awaited
    std::optional<std::chrono::steady_clock::time_point> m_kernelEntered; // the dispatched call's syscall
    std::vector<std::pair<int, short>> m_waitingOn; // per step: the descriptor and poll events it waits for
    std::set<int> m_polledWaits;                    // steps whose call waits in poll() now
    qint64 m_currentCause = -1;
    bool m_holding = false;
    std::vector<TraceEvent> m_pending; // events that came while the step's call was in flight
    bool m_cancelled = false;
};
