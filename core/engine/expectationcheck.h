#pragma once

#include "engine/callrunner.h"
#include "scenario/scenario.h"

#include <QList>
#include <QPair>
#include <QString>

#include <mutex>

/// Grading a run against its scenario: whether a returned call met its step's expectation, and the
/// words that say where and why a run departed. Step numbers in the words count from 1, as the
/// reader counts them; the arguments are the session's indices, from 0.
namespace expectationcheck {

/// Why `result` departs from `expect`, or an empty string when it met it. `waited`: the call was
/// seen to wait before it returned.
QString departure(const Expectation &expect, const CallResult &result, bool waited);
/// Step `step` could not start: its actor still waits in `call` (step `waitingStep`).
QString cannotStart(int step, const QString &actor, const QString &call, int waitingStep);
/// Every step ran, but `actor` still waits in `call` (step `waitingStep`).
QString endedWaiting(const QString &actor, const QString &call, int waitingStep);

} // namespace expectationcheck

/// The steps whose outcome departed from the scenario, with the reason, in the order found.
/// Thread-safe: actors add on their threads, the stepping thread reads.
class Departures
{
public:
    void add(int step, const QString &reason);
    QList<QPair<int, QString>> all() const;
    bool isEmpty() const;

private:
    mutable std::mutex m_mutex;
    QList<QPair<int, QString>> m_departures;
};
