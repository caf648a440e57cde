#include "trace/trace.h"

#include <QTest>

#include <thread>
#include <vector>

class TestTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendNumbersEvents();
    void concurrentAppendsKeepEveryEvent();
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

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
