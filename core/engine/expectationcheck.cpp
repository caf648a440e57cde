#include "engine/expectationcheck.h"

#include "posix/symbols.h"

namespace expectationcheck {

QString departure(const Expectation &expect, const CallResult &result, bool waited)
{
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
    if (expect.blocks && !waited)
        return QStringLiteral("expected to wait, but it returned at once");
    return {};
}

QString cannotStart(int step, const QString &actor, const QString &call, int waitingStep)
{
    return QStringLiteral("step %1 cannot start: %2 is still waiting in %3() (step %4)")
        .arg(step + 1)
        .arg(actor, call)
        .arg(waitingStep + 1);
}

QString endedWaiting(const QString &actor, const QString &call, int waitingStep)
{
    return QStringLiteral("the scenario ended with %1 still waiting in %2() (step %3)")
        .arg(actor, call)
        .arg(waitingStep + 1);
}

} // namespace expectationcheck

void Departures::add(int step, const QString &reason)
{
    std::lock_guard lock(m_mutex);
    m_departures << qMakePair(step, reason);
}

QList<QPair<int, QString>> Departures::all() const
{
    std::lock_guard lock(m_mutex);
    return m_departures;
}

bool Departures::isEmpty() const
{
    std::lock_guard lock(m_mutex);
    return m_departures.isEmpty();
}
