#include "projections/eventmodel.h"
#include "trace/trace.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <thread>
#include <vector>

class TestTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendNumbersEvents();
    void concurrentAppendsKeepEveryEvent();
    void cursorIsBounded();
    void clearStartsOver();
    void modelFollowsTheTrace();
};

namespace {
TraceEvent note(const QString &text)
{
    TraceEvent event;
    event.info = NoteInfo{NoteInfo::Level::Info, text};
    return event;
}
} // namespace

void TestTrace::appendNumbersEvents()
{
    Trace trace;
    QCOMPARE(trace.append(note(QStringLiteral("a"))), 0);
    QCOMPARE(trace.append(note(QStringLiteral("b"))), 1);
    QCOMPARE(trace.size(), 2);
    QCOMPARE(trace.at(1).note()->text, QStringLiteral("b"));
    QVERIFY(trace.at(1).tNs >= trace.at(0).tNs);
    QCOMPARE(trace.at(0).kind(), TraceEvent::Kind::Note);
}

void TestTrace::concurrentAppendsKeepEveryEvent()
{
    Trace trace;
    constexpr int Threads = 4;
    constexpr int PerThread = 20000; // crosses several chunks
    std::vector<std::thread> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back([&trace, t] {
            for (int i = 0; i < PerThread; ++i)
                trace.append(note(QString::number(t * PerThread + i)));
        });
    }
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(trace.size(), Threads * PerThread);
    std::vector<bool> seen(Threads * PerThread, false);
    for (qint64 i = 0; i < trace.size(); ++i) {
        QCOMPARE(trace.at(i).seq, i);
        const int value = trace.at(i).note()->text.toInt();
        QVERIFY(!seen[value]);
        seen[value] = true;
    }
}

void TestTrace::cursorIsBounded()
{
    Trace trace;
    QSignalSpy moved(&trace, &Trace::cursorChanged);
    trace.append(note(QStringLiteral("a")));
    trace.setCursor(5);
    QCOMPARE(trace.cursor(), 1);
    trace.setCursor(-3);
    QCOMPARE(trace.cursor(), 0);
    QCOMPARE(moved.size(), 2);
}

void TestTrace::clearStartsOver()
{
    Trace trace;
    for (int i = 0; i < 5000; ++i)
        trace.append(note(QStringLiteral("x")));
    trace.clear();
    QCOMPARE(trace.size(), 0);
    QCOMPARE(trace.append(note(QStringLiteral("y"))), 0);
}

void TestTrace::modelFollowsTheTrace()
{
    Trace trace;
    EventModel model(&trace);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    trace.append(note(QStringLiteral("first")));
    trace.append(note(QStringLiteral("second")));
    QTRY_COMPARE(model.rowCount(), 2);
    QVERIFY(model.data(model.index(1, EventModel::Text)).toString().contains(QStringLiteral("second")));
    QCOMPARE(model.data(model.index(1, EventModel::Seq), EventModel::SeqRole).toLongLong(), 1);
    trace.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
