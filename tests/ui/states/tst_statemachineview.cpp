#include "states/statemachineview.h"

#include "common/viewcontext.h"
#include "projections/sessionsnapshot.h"
#include "setup/sessioncontroller.h"
#include "stage/stageview.h"
#include "testsupport.h"
#include "trace/trace.h"
#include "window/mainwindow.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

namespace {

TraceEvent callEvent(const QString &actor, int step, const QString &name, const QString &socket)
{
    CallInfo info;
    info.actor = actor;
    info.step = step;
    info.call = name;
    info.socket = socket;
    info.created = name == QLatin1String("socket") ? socket : QString();
    info.result = name == QLatin1String("socket") ? 3 + step : 0;
    return TraceEvent{-1, 0, -1, info};
}

TraceEvent stateEvent(const QString &socket, const QString &from, const QString &to)
{
    const QString source =
        socket == QLatin1String("u") ? QStringLiteral("sockname") : QStringLiteral("tcp_info");
    return TraceEvent{-1, 0, -1, StateInfo{socket, from, to, source, {}, {}}};
}

// Two TCP sockets and a UDP one. Step 4, connect(), first repeats a state (no change), then changes
// the client, then the listener twice, then the client again; step 5 changes only the UDP socket's
// state; step 6, close(), the listener's.
struct Lesson
{
    Scenario scenario;
    Trace trace;
    QList<qint64> marks;

    Lesson()
    {
        const QString server = QStringLiteral("server");
        const QString client = QStringLiteral("client");
        const QString listener = QStringLiteral("listener");
        scenario = testsupport::makeScenario(
            {server, client},
            {QStringLiteral(
                 R"({"actor": "server", "call": "socket", "creates": "listener", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})"),
             QStringLiteral(
                 R"({"actor": "server", "call": "bind", "socket": "listener", "args": {"address": "127.0.0.1", "port": 8080}})"),
             QStringLiteral(
                 R"({"actor": "client", "call": "socket", "creates": "client", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})"),
             QStringLiteral(
                 R"({"actor": "server", "call": "listen", "socket": "listener", "args": {"backlog": 5}})"),
             QStringLiteral(
                 R"({"actor": "client", "call": "connect", "socket": "client", "args": {"address": "127.0.0.1", "port": 8080}})"),
             QStringLiteral(
                 R"({"actor": "client", "call": "socket", "creates": "u", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})"),
             QStringLiteral(R"({"actor": "server", "call": "close", "socket": "listener"})")});
        trace.append(callEvent(server, 0, QStringLiteral("socket"), listener));
        trace.append(callEvent(server, 1, QStringLiteral("bind"), listener));
        trace.append(callEvent(client, 2, QStringLiteral("socket"), client));
        trace.append(callEvent(server, 3, QStringLiteral("listen"), listener));
        trace.append(stateEvent(listener, QStringLiteral("CLOSE"), QStringLiteral("LISTEN")));
        trace.append(callEvent(client, 4, QStringLiteral("connect"), client));
        trace.append(stateEvent(listener, QStringLiteral("LISTEN"), QStringLiteral("LISTEN")));
        trace.append(stateEvent(client, QStringLiteral("CLOSE"), QStringLiteral("SYN_SENT")));
        trace.append(stateEvent(listener, QStringLiteral("LISTEN"), QStringLiteral("SYN_RECV")));
        trace.append(stateEvent(listener, QStringLiteral("SYN_RECV"), QStringLiteral("LISTEN")));
        trace.append(stateEvent(client, QStringLiteral("SYN_SENT"), QStringLiteral("ESTABLISHED")));
        trace.append(callEvent(client, 5, QStringLiteral("socket"), QStringLiteral("u")));
        trace.append(stateEvent(QStringLiteral("u"), QString(), QStringLiteral("UNCONN")));
        trace.append(callEvent(server, 6, QStringLiteral("close"), listener));
        trace.append(stateEvent(listener, QStringLiteral("LISTEN"), QStringLiteral("CLOSE")));
        marks = stepMarks(trace);
    }

    // The world once step `step` has run: up to where the next step begins.
    SessionSnapshot afterStep(int step) const
    {
        const qint64 cursor = step + 1 < marks.size() ? marks.at(step + 1) : trace.size();
        return SessionSnapshot::compute(scenario, trace, cursor);
    }
};

// Picks `name` in the picker with the arrow keys, as a user does.
void pickByHand(StateMachineView &view, const QString &name)
{
    auto *picker = view.findChild<QComboBox *>();
    QVERIFY(picker);
    const int wanted = picker->findData(name);
    QVERIFY(wanted >= 0);
    QSignalSpy picked(&view, &StateMachineView::socketPicked);
    while (picker->currentIndex() < wanted)
        QTest::keyClick(picker, Qt::Key_Down);
    while (picker->currentIndex() > wanted)
        QTest::keyClick(picker, Qt::Key_Up);
    QVERIFY(!picked.isEmpty());
    QCOMPARE(picked.last().at(0).toString(), name);
    QCOMPARE(view.socket(), name);
}

} // namespace

class TestStateMachineView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void findsTheFirstChangeInTheStep_data();
    void findsTheFirstChangeInTheStep();
    void followsTheSocketThatChanged_data();
    void followsTheSocketThatChanged();
    void aChoiceByHandStaysUntilAnotherSocketChanges();
    void theWindowFollowsTcpEcho();
};

void TestStateMachineView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SocketScopeTest"));
}

void TestStateMachineView::findsTheFirstChangeInTheStep_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<bool>("withTrace");
    QTest::addColumn<QString>("socket");
    QTest::addColumn<int>("change"); // index into the trace, -1 for none
    QTest::addRow("socket(): no state yet") << 2 << true << QString() << -1;
    QTest::addRow("listen()") << 3 << true << QStringLiteral("listener") << 4;
    QTest::addRow("connect(): a repeated state is no change") << 4 << true << QStringLiteral("client") << 7;
    QTest::addRow("a UDP socket has no TCP state to follow") << 5 << true << QString() << -1;
    QTest::addRow("close()") << 6 << true << QStringLiteral("listener") << 14;
    QTest::addRow("without the trace: each socket's last change")
        << 4 << false << QStringLiteral("listener") << 9;
    QTest::addRow("without the trace: listen()") << 3 << false << QStringLiteral("listener") << 4;
    QTest::addRow("without the trace: UDP") << 5 << false << QString() << -1;
}

void TestStateMachineView::findsTheFirstChangeInTheStep()
{
    QFETCH(int, step);
    QFETCH(bool, withTrace);
    QFETCH(QString, socket);
    QFETCH(int, change);
    const Lesson lesson;
    const auto found =
        StateMachineView::changedInStep(lesson.afterStep(step), withTrace ? &lesson.trace : nullptr);
    QCOMPARE(found.first, socket);
    QCOMPARE(found.second, qint64(change));
}

void TestStateMachineView::followsTheSocketThatChanged_data()
{
    QTest::addColumn<QList<int>>("steps"); // shown one after another
    QTest::addColumn<QString>("socket");
    QTest::addColumn<QString>("lit");
    QTest::addRow("no change yet: the first TCP socket")
        << QList<int>{2} << QStringLiteral("listener") << QString();
    QTest::addRow("listen()") << QList<int>{2, 3} << QStringLiteral("listener") << QStringLiteral("LISTEN");
    QTest::addRow("connect(): the client changed first")
        << QList<int>{3, 4} << QStringLiteral("client") << QStringLiteral("ESTABLISHED");
    QTest::addRow("opened on connect()")
        << QList<int>{4} << QStringLiteral("client") << QStringLiteral("ESTABLISHED");
    QTest::addRow("a step without a TCP change keeps the socket")
        << QList<int>{3, 4, 5} << QStringLiteral("client") << QStringLiteral("ESTABLISHED");
    QTest::addRow("close()") << QList<int>{4, 5, 6} << QStringLiteral("listener") << QStringLiteral("CLOSED");
    QTest::addRow("back to connect()")
        << QList<int>{6, 4} << QStringLiteral("client") << QStringLiteral("ESTABLISHED");
    QTest::addRow("back to a step without a change")
        << QList<int>{6, 5} << QStringLiteral("listener") << QStringLiteral("LISTEN");
    QTest::addRow("a jump past the client's change")
        << QList<int>{2, 5} << QStringLiteral("listener") << QStringLiteral("LISTEN");
}

void TestStateMachineView::followsTheSocketThatChanged()
{
    QFETCH(QList<int>, steps);
    QFETCH(QString, socket);
    QFETCH(QString, lit);
    const Lesson lesson;
    StateMachineView view;
    view.resize(600, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int step : std::as_const(steps))
        view.showSnapshot(lesson.afterStep(step), &lesson.trace);
    QCOMPARE(view.socket(), socket);
    QCOMPARE(view.litState(), lit);
    // The picker says the same.
    auto *picker = view.findChild<QComboBox *>();
    QVERIFY(picker);
    QCOMPARE(picker->currentData().toString(), socket);
}

void TestStateMachineView::aChoiceByHandStaysUntilAnotherSocketChanges()
{
    const Lesson lesson;
    StateMachineView view;
    view.resize(600, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showSnapshot(lesson.afterStep(4), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("client"));

    pickByHand(view, QStringLiteral("listener"));
    QCOMPARE(view.litState(), QStringLiteral("LISTEN"));
    // The same step again (the trace grew, the window repainted): the choice stays.
    view.showSnapshot(lesson.afterStep(4), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("listener"));
    // A step that changes no TCP socket: it stays.
    view.showSnapshot(lesson.afterStep(5), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("listener"));

    pickByHand(view, QStringLiteral("client"));
    view.showSnapshot(lesson.afterStep(5), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("client"));
    // close() changes the listener: another socket than the one picked, so the view follows it.
    view.showSnapshot(lesson.afterStep(6), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("listener"));
    QCOMPARE(view.litState(), QStringLiteral("CLOSED"));

    // setSocket() is the same choice as the picker's.
    view.setSocket(QStringLiteral("u"));
    view.showSnapshot(lesson.afterStep(6), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("u"));
    QVERIFY(view.noteText().contains(QStringLiteral("connectionless")));

    // Back before the picked socket was made: another stands in, and the choice comes back with it.
    view.setSocket(QStringLiteral("client"));
    view.showSnapshot(lesson.afterStep(1), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("listener"));
    view.showSnapshot(lesson.afterStep(2), &lesson.trace);
    QCOMPARE(view.socket(), QStringLiteral("client"));
}

void TestStateMachineView::theWindowFollowsTcpEcho()
{
    MainWindow window(QStringLiteral("tcp-echo"));
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    if (!window.isReady()) {
        QSignalSpy ready(&window, &MainWindow::readyToStep);
        QVERIFY(ready.wait(10000));
    }
    window.stage()->setAnimationMs(0);
    auto *view = window.findChild<StateMachineView *>();
    QVERIFY(view);
    ViewContext *context = window.viewContext();
    const int steps = int(context->scenario().steps.size());
    for (int i = 0; i < steps; ++i) {
        QTest::keyClick(&window, Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy() &&
                                     context->snapshot().stepsStarted == i + 1 &&
                                     context->cursor() == context->trace()->size(),
                                 10000);
    }
    // Replayed from the start: in the past the cursor stays put while the kernel's last reports
    // still arrive at the live end.
    for (int i = steps; i > 1; --i) {
        QTest::keyClick(&window, Qt::Key_Left);
        QTRY_COMPARE_WITH_TIMEOUT(context->snapshot().stepsStarted, i - 1, 5000);
    }
    int followed = 0;
    QString previous = view->socket();
    for (int i = 2; i < steps; ++i) {
        QTest::keyClick(&window, Qt::Key_Right);
        QTRY_COMPARE_WITH_TIMEOUT(context->snapshot().stepsStarted, i, 5000);
        const auto changed = StateMachineView::changedInStep(context->snapshot(), context->trace());
        if (changed.second >= 0) {
            QCOMPARE(view->socket(), changed.first);
            ++followed;
        } else {
            QCOMPARE(view->socket(), previous);
        }
        previous = view->socket();
    }
    if (followed == 0)
        QSKIP("The kernel reported no TCP state change in this session (no state probe here)");

    // Picked on the stage (or in the table): the view shows that socket, also when an event is
    // selected, and going back keeps it until a step changes another socket's state.
    context->selectSocket(QStringLiteral("client"));
    QCOMPARE(view->socket(), QStringLiteral("client"));
    context->selectEvent(0);
    QCOMPARE(view->socket(), QStringLiteral("client"));
    for (int i = steps - 1; i > 1; --i) {
        QTest::keyClick(&window, Qt::Key_Left);
        QTRY_COMPARE_WITH_TIMEOUT(context->snapshot().stepsStarted, i - 1, 5000);
        if (!context->snapshot().socket(QStringLiteral("client"))) {
            QVERIFY(view->socket() != QLatin1String("client"));
            return;
        }
        const auto changed = StateMachineView::changedInStep(context->snapshot(), context->trace());
        if (changed.second >= 0 && changed.first != QLatin1String("client")) {
            QCOMPARE(view->socket(), changed.first);
            return;
        }
        QCOMPARE(view->socket(), QStringLiteral("client"));
    }
    QFAIL("going back, the client's card never gave way");
}

QTEST_MAIN(TestStateMachineView)
#include "tst_statemachineview.moc"
