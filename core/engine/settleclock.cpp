#include "engine/settleclock.h"

#include "trace/trace.h"

#include <algorithm>

SettleClock::SettleClock(Trace &trace)
    : m_trace(trace)
    , m_last(std::chrono::steady_clock::now())
{
    // Direct: the clock must hear of an append on the appending thread, before the append returns,
    // or a step could be taken for settled while its last event is still on its way.
    m_appended = QObject::connect(&m_trace, &Trace::eventAppended, [this] { changed(); });
}

SettleClock::~SettleClock()
{
    QObject::disconnect(m_appended);
}

void SettleClock::changed()
{
    {
        std::lock_guard lock(m_mutex);
        m_last = std::chrono::steady_clock::now();
    }
    m_changed.notify_all();
}

void SettleClock::touch()
{
    changed();
}

void SettleClock::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_changed.notify_all();
}

bool SettleClock::waitForQuiet(std::chrono::microseconds quiet, std::chrono::microseconds limit)
{
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + limit;
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_woken) {
            m_woken = false;
            return false;
        }
        const auto now = steady_clock::now();
        const auto quietAt = m_last + quiet;
        if (now >= quietAt)
            return true;
        if (now >= deadline)
            return false;
        m_changed.wait_until(lock, std::min(quietAt, deadline));
    }
}

bool SettleClock::waitForGrowth(qint64 seq, std::chrono::microseconds limit)
{
    std::unique_lock lock(m_mutex);
    const bool grew = m_changed.wait_for(lock, limit, [&] { return m_woken || m_trace.size() > seq; });
    m_woken = false;
    return grew && m_trace.size() > seq;
}
