#pragma once

#include <QMetaObject>

#include <chrono>
#include <condition_variable>
#include <mutex>

class Trace;

/// When a step's events have stopped coming: the time of the trace's last append, or of
/// something that will be appended later (touch()), and waits on that time which wake() ends.
///
/// It watches the trace's appends, so that every event counts, whoever appends it. Thread-safe.
class SettleClock
{
public:
    explicit SettleClock(Trace &trace);
    ~SettleClock();
    SettleClock(const SettleClock &) = delete;
    SettleClock &operator=(const SettleClock &) = delete;

    /// Blocks until nothing was appended or touched for `quiet`, or `limit` passed, or wake() was
    /// called. Returns true when it went quiet.
    bool waitForQuiet(std::chrono::microseconds quiet, std::chrono::microseconds limit);
    /// Blocks until the trace holds more than `seq` events, or `limit` passed, or wake() was
    /// called. Returns true when it grew.
    bool waitForGrowth(qint64 seq, std::chrono::microseconds limit);
    /// Counts as an append for waitForQuiet(): something happened that is not in the trace yet.
    void touch();
    /// Ends the wait in progress, or the next one if none is waiting.
    void wake();

private:
    void changed();

    Trace &m_trace;
    QMetaObject::Connection m_appended;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::chrono::steady_clock::time_point m_last; // the last append or touch
    bool m_woken = false;
};
