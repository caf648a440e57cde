// The settle clock: a step is settled once the trace has been quiet for a while; appends and
// touches put that moment off, a limit bounds the wait, and wake() ends it at once.
#include "engine/settleclock.h"
#include "trace/trace.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <future>
#include <thread>

using namespace std::chrono_literals;

namespace {

TraceEvent note()
{
    TraceEvent event;
    event.info = NoteInfo{NoteInfo::Level::Info, QStringLiteral("x")};
    return event;
}

} // namespace

class TestSettleClock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void activityPutsQuietOff_data();
    void activityPutsQuietOff();
    void limitEndsAWaitThatNeverGoesQuiet();
    void wakeEndsAWaitAtOnce();
    void wakeBeforeAWaitEndsOnlyThatWait();
    void growthFromAnotherThreadIsSeen();
    void growthWaitEndsAtItsLimit();
};

void TestSettleClock::activityPutsQuietOff_data()
{
    QTest::addColumn<QString>("activity");
    QTest::addColumn<bool>("postponed");
    QTest::addRow("an append") << QStringLiteral("append") << true;
    QTest::addRow("a touch") << QStringLiteral("touch") << true;
    QTest::addRow("nothing") << QString() << false;
}

void TestSettleClock::activityPutsQuietOff()
{
    QFETCH(QString, activity);
    QFETCH(bool, postponed);
    constexpr auto Quiet = 200ms;
    Trace trace;
    SettleClock clock(trace);
    QVERIFY(clock.waitForQuiet(Quiet, 5s)); // nothing happened since the clock started
    QElapsedTimer sinceActivity;
    sinceActivity.start();
    if (activity == QLatin1String("append"))
        trace.append(note());
    else if (activity == QLatin1String("touch"))
        clock.touch();
    QVERIFY(clock.waitForQuiet(Quiet, 5s));
    QCOMPARE(sinceActivity.elapsed() >= 200, postponed);
}

void TestSettleClock::limitEndsAWaitThatNeverGoesQuiet()
{
    Trace trace;
    SettleClock clock(trace);
    std::atomic<bool> stop{false};
    std::thread appender([&] {
        while (!stop) {
            trace.append(note());
            std::this_thread::sleep_for(1ms);
        }
    });
    QElapsedTimer timer;
    timer.start();
    const bool quiet = clock.waitForQuiet(2s, 100ms);
    const qint64 waited = timer.elapsed();
    stop = true;
    appender.join();
    QVERIFY(!quiet);
    QVERIFY2(waited >= 100 && waited < 1900, qPrintable(QString::number(waited)));
}

void TestSettleClock::wakeEndsAWaitAtOnce()
{
    Trace trace;
    SettleClock clock(trace);
    clock.touch();
    QElapsedTimer timer;
    timer.start();
    auto waiting = std::async(std::launch::async, [&] { return clock.waitForQuiet(20s, 20s); });
    std::this_thread::sleep_for(20ms); // let it wait (if it has not, the wake ends its wait anyway)
    clock.wake();
    QVERIFY(!waiting.get());
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
}

void TestSettleClock::wakeBeforeAWaitEndsOnlyThatWait()
{
    Trace trace;
    SettleClock clock(trace);
    clock.wake();
    QVERIFY(!clock.waitForQuiet(0us, 20s));
    QVERIFY(clock.waitForQuiet(0us, 20s));
}

void TestSettleClock::growthFromAnotherThreadIsSeen()
{
    Trace trace;
    SettleClock clock(trace);
    trace.append(note());
    QElapsedTimer timer;
    timer.start();
    auto waiting = std::async(std::launch::async, [&] { return clock.waitForGrowth(1, 20s); });
    std::this_thread::sleep_for(20ms);
    std::thread([&] { trace.append(note()); }).join();
    QVERIFY(waiting.get());
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(clock.waitForGrowth(1, 0us)); // already grown past 1: no wait
}

void TestSettleClock::growthWaitEndsAtItsLimit()
{
    Trace trace;
    SettleClock clock(trace);
    trace.append(note());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!clock.waitForGrowth(1, 50ms));
    QVERIFY(timer.elapsed() >= 50);
}

QTEST_GUILESS_MAIN(TestSettleClock)
#include "tst_settleclock.moc"
