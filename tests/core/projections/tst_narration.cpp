#include "projections/narration.h"

#include "projections/errnoinfo.h"
#include "projections/sessionsnapshot.h"
#include "scenario/call.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

#include <QTest>

using Events = QList<TraceEvent>;

namespace {

const QString Server = QStringLiteral("127.0.0.1:8080");
const QString Client = QStringLiteral("127.0.0.1:40000");

// A server that listens and a client that connects: six steps in script order.
Scenario lesson()
{
    Scenario scenario;
    scenario.title = QStringLiteral("Lesson");
    scenario.summary = QStringLiteral("A server listens, a client connects.");
    scenario.actors = {{QStringLiteral("server"), QStringLiteral("Server")},
                       {QStringLiteral("client"), QStringLiteral("Client")}};
    const QStringList steps = {
        QStringLiteral("server socket listener"), QStringLiteral("server bind listener"),
        QStringLiteral("server listen listener"), QStringLiteral("server accept listener"),
        QStringLiteral("client socket client"),   QStringLiteral("client connect client")};
    for (const QString &line : steps) {
        const QStringList words = line.split(u' ');
        ScenarioStep step;
        step.actor = words.at(0);
        step.call = *callFromName(words.at(1));
        step.socket = words.at(2);
        step.narration = QStringLiteral("Narration of ") + line;
        scenario.steps << step;
    }
    return scenario;
}

TraceEvent call(int step, const QString &name, qint64 result = 0, const QString &errnoName = {},
                CallInfo::Phase phase = CallInfo::Phase::Returned)
{
    const Scenario scenario = lesson();
    const ScenarioStep &s = scenario.steps.at(step);
    CallInfo info;
    info.actor = s.actor;
    info.step = step;
    info.call = name;
    info.socket = s.socket;
    info.created = name == QLatin1String("socket") ? s.socket : QString();
    info.result = result;
    info.errnoName = errnoName;
    info.phase = phase;
    if (name == QLatin1String("bind")) {
        info.args = {{QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                     {QStringLiteral("port"), 8080}};
        info.local = Server;
    } else if (name == QLatin1String("connect")) {
        info.local = Client;
        info.peer = Server;
    }
    return TraceEvent{-1, 0, -1, info};
}

TraceEvent packet(const QStringList &flags, int len = 0)
{
    PacketInfo info;
    info.proto = QStringLiteral("TCP");
    info.flags = flags;
    info.len = len;
    return TraceEvent{-1, 0, -1, info};
}

TraceEvent state(const QString &from, const QString &to)
{
    return TraceEvent{-1, 0, -1, StateInfo{QStringLiteral("client"), from, to, {}, {}, {}}};
}

// Steps 0…n-1 as plain returned calls, then `last`.
Events after(int steps, const Events &last = {})
{
    Events events;
    for (int step = 0; step < steps; ++step)
        events << call(step, callName(lesson().steps.at(step).call), step == 0 || step == 4 ? 3 + step : 0);
    return events + last;
}

void fill(Trace &trace, const Events &events)
{
    for (const TraceEvent &event : events)
        trace.append(event);
}

} // namespace

class TestNarration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kernelText_data()
    {
        QTest::addColumn<Events>("events");
        QTest::addColumn<bool>("capture");
        QTest::addColumn<QString>("expected");
        QTest::addRow("socket")
            << after(0, {call(0, QStringLiteral("socket"), 3)}) << true
            << QStringLiteral("The kernel made a new socket and gave the program descriptor 3 for it.");
        QTest::addRow("bind") << after(1, {call(1, QStringLiteral("bind"))}) << true
                              << QStringLiteral("The kernel gave listener the local address 127.0.0.1:8080.");
        QTest::addRow("connect: ephemeral port, handshake, state")
            << after(5,
                     {call(5, QStringLiteral("connect")), packet({QStringLiteral("SYN")}),
                      packet({QStringLiteral("SYN"), QStringLiteral("ACK")}), packet({QStringLiteral("ACK")}),
                      state(QStringLiteral("SYN_SENT"), QStringLiteral("ESTABLISHED"))})
            << true
            << QStringLiteral("The kernel picked the ephemeral port 40000 for client and completed the "
                              "connection to 127.0.0.1:8080. 3 packets crossed the wire: SYN, SYN+ACK, ACK. "
                              "The kernel reports: client: SYN_SENT → ESTABLISHED.");
        QTest::addRow("refused")
            << after(5, {call(5, QStringLiteral("connect"), -1, QStringLiteral("ECONNREFUSED"))}) << true
            << QStringLiteral("connect() failed: ECONNREFUSED — ") +
                   errnoinfo::explain(QStringLiteral("ECONNREFUSED"), QStringLiteral("connect"));
        QTest::addRow("blocked accept")
            << after(3, {call(3, QStringLiteral("accept"), 0, {}, CallInfo::Phase::Blocked)}) << true
            << QStringLiteral("accept() blocks: the kernel has nothing to give yet, so server sleeps until "
                              "there is a finished connection in the accept queue of listener.");
        QTest::addRow("no packets without a capture")
            << after(1, {call(1, QStringLiteral("bind"))}) << false
            << QStringLiteral("The kernel gave listener the local address 127.0.0.1:8080. Packets are not "
                              "shown in this mode: no sandbox here");
        QTest::addRow("a Unix socket moves bytes without packets")
            << after(5, {call(5, QStringLiteral("connect")), TraceEvent{-1, 0, -1, TransferInfo{}}}) << false
            << QStringLiteral("The kernel picked the ephemeral port 40000 for client and completed the "
                              "connection to 127.0.0.1:8080. The bytes moved from buffer to buffer inside "
                              "the kernel: a Unix socket has no packets.");
    }

    void kernelText()
    {
        QFETCH(Events, events);
        QFETCH(bool, capture);
        QFETCH(QString, expected);
        Trace trace;
        fill(trace, events);
        const SessionSnapshot snapshot = SessionSnapshot::compute(lesson(), trace, trace.size());
        QCOMPARE(narration::kernelText(trace, snapshot, capture, QStringLiteral("no sandbox here")),
                 expected);
    }

    void kernelTextIsEmptyBeforeTheFirstStep()
    {
        Trace trace;
        QCOMPARE(narration::kernelText(trace, SessionSnapshot::compute(lesson(), trace, 0), false, {}),
                 QString());
    }

    void headlineAndStepText_data()
    {
        QTest::addColumn<bool>("haveTrace");
        QTest::addColumn<Events>("events");
        QTest::addColumn<QString>("headline");
        QTest::addColumn<QString>("text");
        QTest::addRow("no session yet") << false << Events{} << QStringLiteral("Starting the sandbox…")
                                        << QStringLiteral("A server listens, a client connects.");
        QTest::addRow("before the first step")
            << true << Events{} << QStringLiteral("Lesson — press Space to take the first step")
            << QStringLiteral("A server listens, a client connects.");
        QTest::addRow("after two steps")
            << true << after(2) << QStringLiteral("Step 2 of 6 · Server: bind(listener, 127.0.0.1:8080)")
            << QStringLiteral("Narration of server bind listener");
    }

    void headlineAndStepText()
    {
        QFETCH(bool, haveTrace);
        QFETCH(Events, events);
        QFETCH(QString, headline);
        QFETCH(QString, text);
        Trace trace;
        fill(trace, events);
        const SessionSnapshot snapshot = SessionSnapshot::compute(lesson(), trace, trace.size());
        QCOMPARE(narration::headline(lesson(), haveTrace ? &trace : nullptr, snapshot), headline);
        QCOMPARE(narration::stepText(lesson(), snapshot), text);
    }

    void waitingText_data()
    {
        QTest::addColumn<bool>("haveTrace");
        QTest::addColumn<Events>("events");
        QTest::addColumn<qint64>("cursor");  // -1: the live end
        QTest::addColumn<bool>("atLiveEnd"); // as the player says
        QTest::addColumn<QString>("expected");
        QTest::addRow("no session") << false << Events{} << qint64(-1) << true << QString();
        QTest::addRow("mid-way, nobody waits") << true << after(2) << qint64(-1) << true << QString();
        QTest::addRow("the server waits, the client releases it")
            << true << after(3, {call(3, QStringLiteral("accept"), 0, {}, CallInfo::Phase::Blocked)})
            << qint64(-1) << true
            << QStringLiteral("Server waits in accept() for a finished connection in the accept queue of "
                              "listener. Only another program can release it: Step Client.");
        QTest::addRow("the past") << true << after(2) << qint64(1) << false
                                  << QStringLiteral("Showing the past: Step or Forward replays what was "
                                                    "recorded; the live end is step 2.");
        // The player is at the live end while the kernel's last reports are still on their way to
        // it: that is no past.
        QTest::addRow("reports on their way") << true << after(2) << qint64(1) << true << QString();
        QTest::addRow("finished") << true << after(6) << qint64(-1) << true
                                  << QStringLiteral(
                                         "The scenario is finished. Back or the timeline shows any "
                                         "step again; Reset starts anew.");
    }

    void waitingText()
    {
        QFETCH(bool, haveTrace);
        QFETCH(Events, events);
        QFETCH(qint64, cursor);
        QFETCH(bool, atLiveEnd);
        QFETCH(QString, expected);
        Trace trace;
        fill(trace, events);
        const SessionSnapshot snapshot =
            SessionSnapshot::compute(lesson(), trace, cursor < 0 ? trace.size() : cursor);
        QCOMPARE(narration::waitingText(haveTrace ? &trace : nullptr, snapshot, atLiveEnd), expected);
    }
};

QTEST_GUILESS_MAIN(TestNarration)
#include "tst_narration.moc"
