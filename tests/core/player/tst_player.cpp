#include "player/player.h"

#include "projections/sessionsnapshot.h"
#include "scenario/call.h"
#include "trace/trace.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

namespace {

// Four steps, each recorded as three events (the call, a packet, a state): step k's events are
// [3k, 3k+3), so the step boundaries are 0, 3, 6 … and the live end of k steps is 3k.
constexpr int EventsPerStep = 3;

Scenario lesson()
{
    Scenario scenario;
    scenario.id = QStringLiteral("lesson");
    scenario.title = QStringLiteral("Lesson");
    scenario.actors = {{QStringLiteral("server"), QStringLiteral("Server")},
                       {QStringLiteral("client"), QStringLiteral("Client")}};
    const QList<QStringList> steps = {
        {QStringLiteral("server"), QStringLiteral("socket"), QStringLiteral("listener")},
        {QStringLiteral("server"), QStringLiteral("bind"), QStringLiteral("listener")},
        {QStringLiteral("client"), QStringLiteral("socket"), QStringLiteral("client")},
        {QStringLiteral("client"), QStringLiteral("connect"), QStringLiteral("client")},
    };
    for (const QStringList &step : steps) {
        ScenarioStep s;
        s.id = step.at(0) + step.at(1);
        s.actor = step.at(0);
        s.call = *callFromName(step.at(1));
        s.socket = step.at(2);
        scenario.steps << s;
    }
    return scenario;
}

void record(Trace &trace, const Scenario &scenario, int step)
{
    const ScenarioStep &s = scenario.steps.at(step);
    CallInfo call;
    call.actor = s.actor;
    call.step = step;
    call.call = callName(s.call);
    call.socket = s.socket;
    call.phase = CallInfo::Phase::Returned;
    trace.append(TraceEvent{-1, 0, -1, call});
    PacketInfo packet;
    packet.proto = QStringLiteral("TCP");
    trace.append(TraceEvent{-1, 0, -1, packet});
    trace.append(TraceEvent{-1, 0, -1, StateInfo{s.socket, {}, QStringLiteral("CLOSE"), {}, {}, {}}});
}

// Answers the player as the session controller does: busy at once, the step's events appended
// later on, then the step finished.
class LiveSide : public QObject
{
public:
    LiveSide(Player &player, Trace &trace, const Scenario &scenario)
    {
        connect(&player, &Player::liveStepRequested, this, [&, this](const QString &actor) {
            requests << actor;
            player.setBusy(true);
            const SessionSnapshot now = SessionSnapshot::compute(scenario, trace, trace.size());
            const int step = actor.isEmpty() ? now.nextStep : now.actor(actor)->nextStep;
            QMetaObject::invokeMethod(
                this,
                [&, this, step] {
                    record(trace, scenario, step);
                    QMetaObject::invokeMethod(
                        this,
                        [&player] {
                            player.setBusy(false);
                            player.liveStepFinished();
                        },
                        Qt::QueuedConnection);
                },
                Qt::QueuedConnection);
        });
    }
    QStringList requests;
};

} // namespace

class TestPlayer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_scenario = lesson();
        m_trace = std::make_unique<Trace>();
        m_player = std::make_unique<Player>();
        m_live = std::make_unique<LiveSide>(*m_player, *m_trace, m_scenario);
    }

    void cleanup()
    {
        m_live.reset();
        m_player.reset();
        m_trace.reset();
    }

    void stepForward_data()
    {
        QTest::addColumn<int>("recorded");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<int>("requests");
        QTest::addColumn<qint64>("after");
        QTest::addRow("at the live end: a live step is asked for") << 2 << qint64(6) << 1 << qint64(6);
        QTest::addRow("in the past: replays to the next boundary") << 2 << qint64(0) << 0 << qint64(3);
        QTest::addRow("within a step: replays to its end") << 2 << qint64(4) << 0 << qint64(6);
        QTest::addRow("at the end of the scenario: nothing") << 4 << qint64(12) << 0 << qint64(12);
    }

    void stepForward()
    {
        QFETCH(int, recorded);
        QFETCH(qint64, start);
        QFETCH(int, requests);
        QFETCH(qint64, after);
        showRecorded(recorded);
        m_player->seek(start);
        m_player->stepForward();
        QCOMPARE(m_live->requests.size(), requests);
        if (requests > 0)
            QCOMPARE(m_live->requests.first(), QString()); // the next step in script order
        QCOMPARE(m_player->cursor(), after);
        QCOMPARE(m_trace->size(), recorded * EventsPerStep); // nothing ran yet, nothing replayed ran
        if (requests == 0)
            return;
        // The step's events arrive, and the cursor, left at the live end, follows them.
        QTRY_VERIFY(!m_player->isBusy());
        QCOMPARE(m_player->cursor(), qint64(recorded + 1) * EventsPerStep);
        QCOMPARE(m_player->snapshot().stepsStarted, recorded + 1);
    }

    void stepBackMovesTheCursorOnly_data()
    {
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("after");
        QTest::addRow("from the live end") << qint64(9) << qint64(6);
        QTest::addRow("from within a step") << qint64(7) << qint64(6);
        QTest::addRow("from a boundary") << qint64(3) << qint64(0);
        QTest::addRow("at the start") << qint64(0) << qint64(0);
    }

    void stepBackMovesTheCursorOnly()
    {
        QFETCH(qint64, start);
        QFETCH(qint64, after);
        showRecorded(3);
        m_player->seek(start);
        m_player->stepBack();
        QCOMPARE(m_player->cursor(), after);
        QVERIFY(m_live->requests.isEmpty());
        QCOMPARE(m_trace->size(), 3 * EventsPerStep);
        QCOMPARE(m_player->snapshot(), SessionSnapshot::compute(m_scenario, *m_trace, after));
    }

    void jumpToStep_data()
    {
        QTest::addColumn<int>("recorded");
        QTest::addColumn<int>("steps");
        QTest::addColumn<qint64>("after");
        QTest::addColumn<int>("requests");
        QTest::addRow("to a recorded step") << 3 << 1 << qint64(3) << 0;
        QTest::addRow("to the start") << 3 << 0 << qint64(0) << 0;
        QTest::addRow("to the last recorded step") << 3 << 3 << qint64(9) << 0;
        QTest::addRow("beyond what ran: plays up to it") << 1 << 3 << qint64(9) << 2;
    }

    void jumpToStep()
    {
        QFETCH(int, recorded);
        QFETCH(int, steps);
        QFETCH(qint64, after);
        QFETCH(int, requests);
        showRecorded(recorded);
        m_player->seek(0);
        m_player->setInterval(60000); // a jump does not wait between its steps
        m_player->jumpToStep(steps);
        QTRY_VERIFY(!m_player->isPlaying() && !m_player->isBusy());
        QCOMPARE(m_player->cursor(), after);
        QCOMPARE(m_player->snapshot().stepsStarted, steps);
        QCOMPARE(m_live->requests.size(), requests);
    }

    void playsToTheEndAndStops_data()
    {
        QTest::addColumn<int>("recorded");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<int>("requests");
        QTest::addRow("from the past: replays, then runs") << 2 << qint64(0) << 2;
        QTest::addRow("from the live end: runs") << 0 << qint64(0) << 4;
        QTest::addRow("at the end: stops at once") << 4 << qint64(12) << 0;
    }

    void playsToTheEndAndStops()
    {
        QFETCH(int, recorded);
        QFETCH(qint64, start);
        QFETCH(int, requests);
        showRecorded(recorded);
        m_player->seek(start);
        constexpr int Interval = 40;
        m_player->setInterval(Interval);
        QList<qint64> gaps;
        QElapsedTimer clock;
        clock.start();
        connect(m_player.get(), &Player::cursorChanged, this, [&] { gaps << clock.restart(); });
        QSignalSpy playing(m_player.get(), &Player::playingChanged);
        m_player->play();
        QTRY_VERIFY(!m_player->isPlaying());
        QCOMPARE(playing.size(), 2); // on, then off at the end
        QCOMPARE(m_player->cursor(), m_trace->size());
        QCOMPARE(m_trace->size(), 4 * EventsPerStep);
        QCOMPARE(m_player->snapshot().nextStep, -1);
        QCOMPARE(m_live->requests.size(), requests);
        // The timer paces the steps: after the first, none comes sooner than the interval
        // (a coarse timer may fire up to 5% early).
        for (qsizetype i = 1; i < gaps.size(); ++i)
            QVERIFY2(gaps.at(i) >= Interval * 9 / 10, qPrintable(QString::number(gaps.at(i))));
    }

    void pauseStopsTheTimer()
    {
        showRecorded(4);
        m_player->seek(0);
        m_player->setInterval(30);
        m_player->play();
        QCOMPARE(m_player->cursor(), qint64(3)); // the first step is replayed at once
        m_player->pause();
        QSignalSpy moved(m_player.get(), &Player::cursorChanged);
        QVERIFY(!moved.wait(150));
        QCOMPARE(m_player->cursor(), qint64(3));
    }

    void stepActorGoesToTheLiveEnd()
    {
        showRecorded(2);
        m_player->seek(3);
        m_player->stepActor(QStringLiteral("client"));
        QCOMPARE(m_live->requests, QStringList{QStringLiteral("client")});
        QCOMPARE(m_player->cursor(), qint64(6));
        QTRY_VERIFY(!m_player->isBusy());
        QCOMPARE(m_player->cursor(), qint64(9));
        QCOMPARE(m_player->snapshot().currentStep, 2);
    }

    // The kernel's last reports of a step may be in the trace before they reach the player's
    // thread: a key pressed then is still pressed at the live end, and runs the next step.
    void eventsOnTheirWayKeepTheLiveEnd()
    {
        showRecorded(2);
        m_trace->append(TraceEvent{
            -1, 0, -1,
            StateInfo{
                QStringLiteral("listener"), QStringLiteral("CLOSE"), QStringLiteral("LISTEN"), {}, {}, {}}});
        QVERIFY(m_player->atLiveEnd());
        m_player->stepForward();
        QCOMPARE(m_live->requests, QStringList{QString()});
        QTRY_VERIFY(!m_player->isBusy());
        QCOMPARE(m_player->snapshot().stepsStarted, 3);
        QCOMPARE(m_player->cursor(), m_trace->size());
    }

    // Sought to the end while appends were on their way, the cursor follows what comes next.
    void seekingToTheEndFollowsIt()
    {
        showRecorded(1);
        m_player->seek(0);
        record(*m_trace, m_scenario, 1); // not delivered yet
        m_player->seek(m_trace->size());
        QCOMPARE(m_player->cursor(), qint64(6));
        QSignalSpy grew(m_player.get(), &Player::traceGrew);
        QVERIFY(grew.wait());
        record(*m_trace, m_scenario, 2);
        QTRY_COMPARE(m_player->cursor(), qint64(9));
    }

    // An exercise's gate holds the live step it names, whichever control asks for it (Step, Step
    // <actor>, Run), and the step runs once the gate lets it go. Replaying the past is never held.
    void aGateHoldsTheLiveStepItNames()
    {
        showRecorded(2);
        QString heldStep; // the gate holds step 3 (the client's connect) while this is not empty
        heldStep = QStringLiteral("answer first");
        m_player->setStepGate([&heldStep](int step) { return step == 3 ? heldStep : QString(); });
        QSignalSpy held(m_player.get(), &Player::stepHeld);
        QCOMPARE(m_player->heldBecause(), QString());                         // step 2 is next in order
        QCOMPARE(m_player->heldBecause(QStringLiteral("server")), QString()); // the server has no step left
        m_player->stepForward();
        QTRY_VERIFY(!m_player->isBusy());
        QCOMPARE(m_player->snapshot().stepsStarted, 3);
        QCOMPARE(m_player->heldBecause(), QStringLiteral("answer first"));
        QCOMPARE(m_player->heldBecause(QStringLiteral("client")), QStringLiteral("answer first"));
        m_player->stepForward();
        m_player->stepActor(QStringLiteral("client"));
        m_player->play();
        QCOMPARE(held.count(), 3);
        QVERIFY(!m_player->isPlaying());
        QCOMPARE(m_live->requests.size(), 1);
        m_player->stepBack();
        m_player->stepForward(); // a replay of step 2, held by nothing
        QCOMPARE(m_player->cursor(), qint64(9));
        QSignalSpy changed(m_player.get(), &Player::stepGateChanged);
        heldStep.clear();
        m_player->refreshGate();
        QCOMPARE(changed.count(), 1);
        m_player->stepForward();
        QTRY_VERIFY(!m_player->isBusy());
        QCOMPARE(m_player->snapshot().stepsStarted, 4);
    }

    void nothingIsAskedWhileBusy()
    {
        showRecorded(1);
        m_player->setBusy(true);
        m_player->stepForward();
        m_player->stepActor(QStringLiteral("client"));
        QVERIFY(m_live->requests.isEmpty());
    }

    void followsTheLiveEndOnly_data()
    {
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("after");
        QTest::addRow("at the live end: follows") << qint64(6) << qint64(9);
        QTest::addRow("in the past: stays") << qint64(3) << qint64(3);
    }

    void followsTheLiveEndOnly()
    {
        QFETCH(qint64, start);
        QFETCH(qint64, after);
        showRecorded(2);
        m_player->seek(start);
        QSignalSpy grew(m_player.get(), &Player::traceGrew);
        record(*m_trace, m_scenario, 2); // appended by another actor's call
        QVERIFY(grew.wait());
        QCOMPARE(grew.last().first().toLongLong(), qint64(9));
        QCOMPARE(m_player->cursor(), after);
        QCOMPARE(m_player->snapshot(), SessionSnapshot::compute(m_scenario, *m_trace, after));
    }

    void cursorIsBounded()
    {
        m_player->setTrace(m_trace.get(), m_scenario);
        QSignalSpy moved(m_player.get(), &Player::cursorChanged);
        m_trace->append(TraceEvent{-1, 0, -1, NoteInfo{NoteInfo::Level::Info, QStringLiteral("a")}});
        m_player->seek(5);
        QCOMPARE(m_player->cursor(), 1);
        m_player->seek(-3);
        QCOMPARE(m_player->cursor(), 0);
        QCOMPARE(moved.size(), 2);
    }

    void resetStopsAndAsksForANewSession()
    {
        showRecorded(4);
        m_player->seek(0);
        m_player->setInterval(60000);
        m_player->play();
        QVERIFY(m_player->isPlaying());
        QSignalSpy asked(m_player.get(), &Player::resetRequested);
        m_player->reset();
        QVERIFY(!m_player->isPlaying());
        QCOMPARE(asked.size(), 1);
        // The new session's trace arrives: shown from its start, nothing left of the old one.
        QSignalSpy replaced(m_player.get(), &Player::traceReplaced);
        Trace fresh;
        m_player->setTrace(&fresh, m_scenario);
        QCOMPARE(replaced.size(), 1);
        QCOMPARE(m_player->cursor(), qint64(0));
        QCOMPARE(m_player->snapshot().stepsStarted, 0);
        QCOMPARE(m_player->snapshot().nextStep, 0);
        m_player->setTrace(nullptr, m_scenario);
    }

private:
    void showRecorded(int steps)
    {
        for (int step = 0; step < steps; ++step)
            record(*m_trace, m_scenario, step);
        m_player->setTrace(m_trace.get(), m_scenario);
        QCOMPARE(m_player->cursor(), qint64(steps) * EventsPerStep); // shown from the live end
    }

    Scenario m_scenario;
    std::unique_ptr<Trace> m_trace;
    std::unique_ptr<Player> m_player;
    std::unique_ptr<LiveSide> m_live;
};

QTEST_GUILESS_MAIN(TestPlayer)
#include "tst_player.moc"
