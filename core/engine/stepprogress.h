#pragma once

#include "scenario/scenario.h"

#include <QString>

#include <set>
#include <vector>

/// Where one step of a run stands.
enum class StepStatus {
    Idle,      // not dispatched yet
    Running,   // dispatched: its call has neither returned nor been seen to wait
    Blocked,   // its call waits for the kernel; another actor's step may release it
    Returned,  // its call returned, or the engine refused to make it
    Cancelled, // the session was cancelled while its call waited
};

struct StepState
{
    QString actor;
    StepStatus status = StepStatus::Idle;
    // While the call waits in poll(): the descriptor and the events it waits for.
    int waitFd = -1;
    short waitEvents = 0;

    /// The actor is inside this step's call, so it can take no other step.
    bool isBusy() const { return status == StepStatus::Running || status == StepStatus::Blocked; }
};

/// Where every step of a run stands. Not thread-safe: the session guards it with its lock.
class StepProgress
{
public:
    explicit StepProgress(const Scenario &scenario);

    StepState &operator[](int step) { return m_steps.at(size_t(step)); }
    const StepState &operator[](int step) const { return m_steps.at(size_t(step)); }

    /// The first step in script order that was not dispatched, or -1.
    int next() const;
    /// The first step of `actor` that was not dispatched, or -1.
    int nextOf(const QString &actor) const;
    /// The step whose call `actor` is in, or -1.
    int busyStepOf(const QString &actor) const;
    bool anyBusy() const;

    /// Step `step`'s call waits in poll() for `fd` to become ready for `events`.
    void waitInPoll(int step, int fd, short events);
    /// Step `step`'s call no longer waits in poll().
    void leavePoll(int step);
    /// The steps whose calls wait in poll() now: the few a settling step looks at, rather than
    /// every step of a long scenario.
    const std::set<int> &polledWaits() const { return m_polled; }

private:
    std::vector<StepState> m_steps;
    std::set<int> m_polled;
};
