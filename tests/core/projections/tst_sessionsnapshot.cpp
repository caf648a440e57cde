#include "projections/sessionsnapshot.h"

#include "engine/session.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"
#include "testsupport.h"
#include "trace/trace.h"

#include <QTest>

namespace {

TraceEvent callEvent(const QString &actor, int step, const QString &call, const QString &socket,
                     CallInfo::Phase phase, qint64 result = 0, const QString &created = {}, int fd = -1,
                     const QString &local = {}, const QString &peer = {}, const QString &errnoName = {})
{
    CallInfo info;
    info.actor = actor;
    info.step = step;
    info.call = call;
    info.socket = socket;
    info.phase = phase;
    info.result = result;
    info.created = created;
    info.fd = fd;
    info.local = local;
    info.peer = peer;
    info.errnoName = errnoName;
    TraceEvent event;
    event.info = info;
    return event;
}

TraceEvent stateEvent(const QString &socket, const QString &from, const QString &to)
{
    StateInfo info;
    info.socket = socket;
    info.from = from;
    info.to = to;
    info.source = QStringLiteral("tcp_info");
    TraceEvent event;
    event.info = info;
    return event;
}

TraceEvent queueEvent(const QString &socket, int acceptQueue, int backlog)
{
    QueueInfo info;
    info.socket = socket;
    info.acceptQueue = acceptQueue;
    info.backlog = backlog;
    TraceEvent event;
    event.info = info;
    return event;
}

const auto Returned = CallInfo::Phase::Returned;
const auto Blocked = CallInfo::Phase::Blocked;

} // namespace

class TestSessionSnapshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
        QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
        m_scenario = loaded.scenario;
        // A trace of tcp-echo's first steps, written by hand: the kernel's part is what a run records.
        const QString server = QStringLiteral("server");
        const QString client = QStringLiteral("client");
        const QString listener = QStringLiteral("listener");
        m_trace.append(
            callEvent(server, 0, QStringLiteral("socket"), listener, Returned, 5, listener, 5)); // 0
        m_trace.append(callEvent(server, 1, QStringLiteral("bind"), listener, Returned, 0, {}, 5,
                                 QStringLiteral("127.0.0.1:8080")));
        m_trace.append(callEvent(server, 2, QStringLiteral("listen"), listener, Returned, 0, {}, 5,
                                 QStringLiteral("127.0.0.1:8080")));
        m_trace.append(stateEvent(listener, QStringLiteral("CLOSE"), QStringLiteral("LISTEN")));        // 3
        m_trace.append(callEvent(server, 3, QStringLiteral("accept"), listener, Blocked, 0, {}, 5));    // 4
        m_trace.append(callEvent(client, 4, QStringLiteral("socket"), client, Returned, 6, client, 6)); // 5
        m_trace.append(callEvent(client, 5, QStringLiteral("connect"), client, Returned, 0, {}, 6,
                                 QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"))); // 6
        m_trace.append(queueEvent(listener, 1, 5));                                                     // 7
        m_trace.append(callEvent(server, 3, QStringLiteral("accept"), listener, Returned, 7,
                                 QStringLiteral("conn"), 5, QStringLiteral("127.0.0.1:8080"),
                                 QStringLiteral("127.0.0.1:40000"))); // 8
        m_trace.append(callEvent(client, 6, QStringLiteral("send"), client, Returned, -1, {}, 6, {}, {},
                                 QStringLiteral("EPIPE"))); // 9
    }

    void snapshotAtCursor_data()
    {
        QTest::addColumn<qint64>("cursor");
        QTest::addColumn<int>("stepsStarted");
        QTest::addColumn<int>("nextStep");
        QTest::addColumn<int>("serverBlockedStep");
        QTest::addColumn<QStringList>("sockets");
        QTest::addColumn<QString>("listenerState");
        QTest::addColumn<int>("acceptQueue");

        QTest::addRow("before anything") << qint64(0) << 0 << 0 << -1 << QStringList{} << QString() << -1;
        QTest::addRow("socket made") << qint64(1) << 1 << 1 << -1 << QStringList{QStringLiteral("listener")}
                                     << QString() << -1;
        QTest::addRow("listening, state reported")
            << qint64(4) << 3 << 3 << -1 << QStringList{QStringLiteral("listener")}
            << QStringLiteral("LISTEN") << -1;
        QTest::addRow("accept blocked") << qint64(5) << 4 << 4 << 3 << QStringList{QStringLiteral("listener")}
                                        << QStringLiteral("LISTEN") << -1;
        QTest::addRow("connected, accept queue 1")
            << qint64(8) << 6 << 6 << 3 << QStringList{QStringLiteral("listener"), QStringLiteral("client")}
            << QStringLiteral("LISTEN") << 1;
        QTest::addRow("accept released")
            << qint64(9) << 6 << 6 << -1
            << QStringList{QStringLiteral("listener"), QStringLiteral("client"), QStringLiteral("conn")}
            << QStringLiteral("LISTEN") << 1;
    }

    void snapshotAtCursor()
    {
        QFETCH(qint64, cursor);
        QFETCH(int, stepsStarted);
        QFETCH(int, nextStep);
        QFETCH(int, serverBlockedStep);
        QFETCH(QStringList, sockets);
        QFETCH(QString, listenerState);
        QFETCH(int, acceptQueue);

        const SessionSnapshot snapshot = SessionSnapshot::compute(m_scenario, m_trace, cursor);
        QCOMPARE(snapshot.cursor, cursor);
        QCOMPARE(snapshot.stepsStarted, stepsStarted);
        QCOMPARE(snapshot.nextStep, nextStep);
        QVERIFY(snapshot.actor(QStringLiteral("server")));
        QCOMPARE(snapshot.actor(QStringLiteral("server"))->blockedStep, serverBlockedStep);
        QCOMPARE(snapshot.anyBlocked(), serverBlockedStep >= 0);
        QStringList names;
        for (const SnapshotSocket &socket : snapshot.sockets)
            names << socket.name;
        QCOMPARE(names, sockets);
        if (const SnapshotSocket *listener = snapshot.socket(QStringLiteral("listener"))) {
            QCOMPARE(listener->state, listenerState);
            QCOMPARE(listener->acceptQueue, acceptQueue);
            QCOMPARE(listener->fd, 5);
            QCOMPARE(listener->type, QStringLiteral("SOCK_STREAM"));
        }
        // A pure function: computing it again gives the same world.
        QCOMPARE(SessionSnapshot::compute(m_scenario, m_trace, cursor), snapshot);
    }

    void blockedActorSaysWhatItWaitsFor()
    {
        const SessionSnapshot snapshot = SessionSnapshot::compute(m_scenario, m_trace, 5);
        const SnapshotActor *server = snapshot.actor(QStringLiteral("server"));
        QVERIFY(server);
        QCOMPARE(server->blockedCall, QStringLiteral("accept"));
        QVERIFY2(server->waitsFor.contains(QStringLiteral("accept queue of listener")),
                 qPrintable(server->waitsFor));
        QCOMPARE(snapshot.actor(QStringLiteral("client"))->nextStep, 4);
    }

    void acceptedSocketTakesTheNewDescriptor()
    {
        const SessionSnapshot snapshot = SessionSnapshot::compute(m_scenario, m_trace, 9);
        const SnapshotSocket *conn = snapshot.socket(QStringLiteral("conn"));
        QVERIFY(conn);
        QCOMPARE(conn->fd, 7);
        QCOMPARE(conn->peer, QStringLiteral("127.0.0.1:40000"));
        QCOMPARE(conn->actor, QStringLiteral("server"));
        // The listener keeps its own address and no peer.
        QCOMPARE(snapshot.socket(QStringLiteral("listener"))->peer, QString());
        // The step whose events end at the cursor is connect (step 5), and the accept's return is among them.
        QCOMPARE(snapshot.currentStep, 5);
        QVERIFY(snapshot.stepEvents.contains(8));
    }

    void failedCallChangesNoAddress()
    {
        const SessionSnapshot snapshot = SessionSnapshot::compute(m_scenario, m_trace, 10);
        QCOMPARE(snapshot.socket(QStringLiteral("client"))->local, QStringLiteral("127.0.0.1:40000"));
        QCOMPARE(snapshot.lastCallSeq, qint64(9));
        QCOMPARE(snapshot.currentStep, 6);
    }

    void boundaries()
    {
        // Steps start at 0,1,2,4,5,6,9 (the accept's return at 8 belongs to connect's step).
        QCOMPARE(stepMarks(m_trace), (QList<qint64>{0, 1, 2, 4, 5, 6, 9}));
        QCOMPARE(stepBoundaries(m_trace), (QList<qint64>{0, 1, 2, 4, 5, 6, 9, 10}));
    }

    void realRunIsReproducibleAtEveryBoundary()
    {
        SessionSetup setup = setUpSession(m_scenario);
        QVERIFY(setup.session);
        QVERIFY(setup.session->runToEnd());
        const Trace &trace = setup.session->trace();
        const QList<qint64> boundaries = stepBoundaries(trace);
        QCOMPARE(boundaries.size(), m_scenario.steps.size() + 1);
        int previousSteps = -1;
        for (qint64 cursor : boundaries) {
            const SessionSnapshot a = SessionSnapshot::compute(m_scenario, trace, cursor);
            const SessionSnapshot b = SessionSnapshot::compute(m_scenario, trace, cursor);
            QCOMPARE(a, b);
            QCOMPARE(a.stepsStarted, previousSteps + 1);
            previousSteps = a.stepsStarted;
            // Every socket the trace named by this cursor has the descriptor its calls reported.
            for (qint64 seq = 0; seq < cursor; ++seq) {
                const CallInfo *call = trace.at(seq).call();
                if (call && call->call == QLatin1String("socket") &&
                    call->phase == CallInfo::Phase::Returned) {
                    const SnapshotSocket *socket = a.socket(call->created);
                    QVERIFY(socket);
                    QCOMPARE(socket->fd, int(call->result));
                }
            }
        }
        // After step 4 (accept) the server waits; after connect it does not.
        const SessionSnapshot blocked = SessionSnapshot::compute(m_scenario, trace, boundaries.at(4));
        QCOMPARE(blocked.actor(QStringLiteral("server"))->blockedStep, 3);
        const SessionSnapshot released = SessionSnapshot::compute(m_scenario, trace, boundaries.at(6));
        QCOMPARE(released.actor(QStringLiteral("server"))->blockedStep, -1);
        QVERIFY(released.socket(QStringLiteral("conn")));
        const SessionSnapshot end = SessionSnapshot::compute(m_scenario, trace, trace.size());
        QCOMPARE(end.nextStep, -1);
        // Every socket a program held a descriptor for was closed by the scenario's last steps.
        int withDescriptor = 0;
        for (const SnapshotSocket &socket : end.sockets) {
            if (socket.fd < 0)
                continue;
            QVERIFY2(socket.closed, qPrintable(socket.name));
            ++withDescriptor;
        }
        QCOMPARE(withDescriptor, 3);
    }

private:
    Scenario m_scenario;
    Trace m_trace;
};

QTEST_GUILESS_MAIN(TestSessionSnapshot)
#include "tst_sessionsnapshot.moc"
