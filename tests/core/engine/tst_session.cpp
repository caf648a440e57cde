// The session: stepping, blocking and waking, message boundaries, departures, and starting anew.
#include "engine/session.h"
#include "engine/socketfactory.h"
#include "testsupport.h"

#include <QTest>

#include <thread>

using testsupport::makeScenario;

namespace {

SessionOptions quickOptions()
{
    SessionOptions options;
    options.settleQuiet = std::chrono::milliseconds(2);
    options.settleLimit = std::chrono::milliseconds(200);
    options.blockedWaitLimit = std::chrono::seconds(5);
    return options;
}

std::unique_ptr<Session> makeSession(const QStringList &actors, const QStringList &steps)
{
    const Scenario scenario = makeScenario(actors, steps);
    if (scenario.steps.size() != steps.size())
        return nullptr;
    return std::make_unique<Session>(scenario, std::make_shared<HostSocketFactory>(), quickOptions());
}

// Starts the scenario anew as the window's Reset does (SessionController::reset): the session is
// cancelled, a new one is made, and the old one is destroyed before the new one takes a step.
void startAnew(std::unique_ptr<Session> &session, SessionOptions options = quickOptions())
{
    session->cancel();
    auto fresh =
        std::make_unique<Session>(session->scenario(), std::make_shared<HostSocketFactory>(), options);
    session = std::move(fresh);
}

// A TCP listener on `address`:`port` for actor s, and a client c that will connect to it.
QStringList tcpPair(const QString &address, int port)
{
    const QString where = QStringLiteral("\"address\": \"%1\", \"port\": %2").arg(address).arg(port);
    return {
        QStringLiteral(
            R"({"actor": "s", "call": "socket", "creates": "l", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})"),
        QStringLiteral(
            R"({"actor": "s", "call": "setsockopt", "socket": "l", "args": {"option": "SO_REUSEADDR", "value": 1}})"),
        QStringLiteral(R"({"actor": "s", "call": "bind", "socket": "l", "args": {%1}})").arg(where),
        QStringLiteral(R"({"actor": "s", "call": "listen", "socket": "l", "args": {"backlog": 4}})"),
        QStringLiteral(R"({"actor": "s", "call": "accept", "socket": "l", "creates": "conn"})"),
        QStringLiteral(
            R"({"actor": "c", "call": "socket", "creates": "c", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})"),
        QStringLiteral(R"({"actor": "c", "call": "connect", "socket": "c", "args": {%1}})").arg(where),
    };
}

QList<QByteArray> receivedData(const Trace &trace, const QString &call)
{
    QList<QByteArray> received;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const CallInfo *info = trace.at(i).call();
        if (info && info->call == call && info->phase == CallInfo::Phase::Returned && info->result > 0)
            received << info->data;
    }
    return received;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void blockedAcceptReturnsWhenClientConnects();
    void stepActorReleasesBlockedActor();
    void actorBusyIsReported();
    void resetWakesBlockedRecvfrom();
    void resetWakesBlockedConnect();
    void messageBoundaries_data();
    void messageBoundaries();
    void eventsOfAStepNameTheirCause();
    void departureIsReported();
    void ephemeralPortIsAssigned();
    void listenOffLoopbackIsRefused();
    void thousandSessionsLeaveNothingBehind();
};

void TestSession::blockedAcceptReturnsWhenClientConnects()
{
    auto session =
        makeSession({QStringLiteral("s"), QStringLiteral("c")}, tcpPair(QStringLiteral("127.0.2.1"), 42001));
    QVERIFY(session);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(session->step().status, StepOutcome::Status::Returned);
    const StepOutcome accept = session->step();
    QCOMPARE(accept.status, StepOutcome::Status::Blocked);
    QCOMPARE(session->blockedStepOf(QStringLiteral("s")), 4);
    QCOMPARE(session->trace().at(accept.callSeq).call()->phase, CallInfo::Phase::Blocked);

    QCOMPARE(session->step().status, StepOutcome::Status::Returned); // client socket
    const StepOutcome connect = session->step();
    QCOMPARE(connect.status, StepOutcome::Status::Returned);
    QCOMPARE(session->blockedStepOf(QStringLiteral("s")), -1);
    // The accept returned during the connect step, and says so.
    const auto outcomes = testsupport::outcomesByStep(session->trace(), 7);
    QVERIFY(outcomes.at(4).blocked);
    QVERIFY(outcomes.at(4).result >= 0);
    QVERIFY(outcomes.at(4).detail.startsWith(QStringLiteral("from 127.0.0.1:")));
    QCOMPARE(outcomes.at(4).local, QStringLiteral("127.0.2.1:42001"));
    bool found = false;
    for (qint64 i = 0; i < session->trace().size(); ++i) {
        const TraceEvent &event = session->trace().at(i);
        if (event.call() && event.call()->step == 4 && event.call()->phase == CallInfo::Phase::Returned) {
            QCOMPARE(event.cause, connect.callSeq);
            QVERIFY(event.seq > connect.callSeq);
            found = true;
        }
    }
    QVERIFY(found);
}

void TestSession::stepActorReleasesBlockedActor()
{
    QStringList steps = tcpPair(QStringLiteral("127.0.2.2"), 42002);
    steps << QStringLiteral(R"({"actor": "s", "call": "recv", "socket": "conn"})")
          << QStringLiteral(R"({"actor": "c", "call": "send", "socket": "c", "args": {"data": "hi"}})");
    auto session = makeSession({QStringLiteral("s"), QStringLiteral("c")}, steps);
    QVERIFY(session);
    // The server runs ahead to accept and blocks; only the client can release it.
    for (int i = 0; i < 5; ++i)
        session->stepActor(QStringLiteral("s"));
    QCOMPARE(session->blockedStepOf(QStringLiteral("s")), 4);
    QCOMPARE(session->stepActor(QStringLiteral("c")).status, StepOutcome::Status::Returned);
    QCOMPARE(session->stepActor(QStringLiteral("c")).status, StepOutcome::Status::Returned);
    QCOMPARE(session->blockedStepOf(QStringLiteral("s")), -1);
    QCOMPARE(session->stepActor(QStringLiteral("s")).status, StepOutcome::Status::Blocked);  // recv waits
    QCOMPARE(session->stepActor(QStringLiteral("c")).status, StepOutcome::Status::Returned); // send
    QTRY_COMPARE(session->blockedStepOf(QStringLiteral("s")), -1);
    QCOMPARE(receivedData(session->trace(), QStringLiteral("recv")), QList<QByteArray>{"hi"});
}

void TestSession::actorBusyIsReported()
{
    auto session = makeSession(
        {QStringLiteral("s"), QStringLiteral("c")},
        {QStringLiteral(
             R"({"actor": "s", "call": "socket", "creates": "u", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})"),
         QStringLiteral(
             R"({"actor": "s", "call": "bind", "socket": "u", "args": {"address": "127.0.2.3", "port": 42003}})"),
         QStringLiteral(R"({"actor": "s", "call": "recvfrom", "socket": "u"})"),
         QStringLiteral(R"({"actor": "s", "call": "close", "socket": "u"})")});
    QVERIFY(session);
    session->step();
    session->step();
    QCOMPARE(session->step().status, StepOutcome::Status::Blocked);
    const StepOutcome busy = session->step();
    QCOMPARE(busy.status, StepOutcome::Status::ActorBusy);
    QVERIFY(busy.message.contains(QStringLiteral("recvfrom")));
    QCOMPARE(session->nextStep(), 3); // nothing was done
}

void TestSession::resetWakesBlockedRecvfrom()
{
    auto session = makeSession(
        {QStringLiteral("s")},
        {QStringLiteral(
             R"({"actor": "s", "call": "socket", "creates": "u", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})"),
         QStringLiteral(
             R"({"actor": "s", "call": "bind", "socket": "u", "args": {"address": "127.0.2.4", "port": 42004}})"),
         QStringLiteral(R"({"actor": "s", "call": "recvfrom", "socket": "u"})")});
    QVERIFY(session);
    session->step();
    session->step();
    QCOMPARE(session->step().status, StepOutcome::Status::Blocked);
    QElapsedTimer timer;
    timer.start();
    startAnew(session);
    QVERIFY2(timer.elapsed() < 1000, "reset must wake the blocked actor at once");
    QCOMPARE(session->trace().size(), 0);
    QCOMPARE(session->nextStep(), 0);
    // The port is free again: the session starts anew and binds it.
    session->step();
    session->step();
    QCOMPARE(testsupport::outcomesByStep(session->trace(), 3).at(1).result, 0);
    QCOMPARE(testsupport::outcomesByStep(session->trace(), 3).at(1).errnoName, QString());
}

void TestSession::resetWakesBlockedConnect()
{
    // listen(fd, 0) with one connection queued and never accepted: the next SYN is dropped and the
    // connect waits inside the kernel, where only shutdown() can wake it.
    QStringList steps = tcpPair(QStringLiteral("127.0.2.5"), 42005);
    steps.removeAt(4); // no accept
    steps[3] = QStringLiteral(R"({"actor": "s", "call": "listen", "socket": "l", "args": {"backlog": 0}})");
    steps
        << QStringLiteral(
               R"({"actor": "s", "call": "socket", "creates": "c2", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})")
        << QStringLiteral(
               R"({"actor": "s", "call": "connect", "socket": "c2", "args": {"address": "127.0.2.5", "port": 42005}})");
    auto session = makeSession({QStringLiteral("s"), QStringLiteral("c")}, steps);
    QVERIFY(session);
    StepOutcome last;
    for (int i = 0; i < steps.size(); ++i)
        last = session->step();
    QCOMPARE(last.status, StepOutcome::Status::Blocked);
    QElapsedTimer timer;
    timer.start();
    startAnew(session);
    QVERIFY2(timer.elapsed() < 1000, "reset must wake a connect waiting in the kernel");
}

void TestSession::messageBoundaries_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("address");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::addRow("tcp joins the writes")
        << QStringLiteral("AF_INET") << QStringLiteral("SOCK_STREAM")
        << QStringLiteral("\"address\": \"127.0.2.6\", \"port\": 42006") << QList<QByteArray>{"ABC"};
    QTest::addRow("udp keeps datagrams")
        << QStringLiteral("AF_INET") << QStringLiteral("SOCK_DGRAM")
        << QStringLiteral("\"address\": \"127.0.2.6\", \"port\": 42007") << QList<QByteArray>{"A", "B", "C"};
    QTest::addRow("seqpacket keeps records")
        << QStringLiteral("AF_UNIX") << QStringLiteral("SOCK_SEQPACKET")
        << QStringLiteral("\"address\": \"records.sock\"") << QList<QByteArray>{"A", "B", "C"};
}

void TestSession::messageBoundaries()
{
    QFETCH(QString, domain);
    QFETCH(QString, type);
    QFETCH(QString, address);
    QFETCH(QList<QByteArray>, expected);
    const bool connected = type != QLatin1String("SOCK_DGRAM");
    const QString socket = QStringLiteral(
        R"({"actor": "%1", "call": "socket", "creates": "%2", "args": {"domain": "%3", "type": "%4"}})");
    QStringList steps{
        socket.arg(QStringLiteral("s"), QStringLiteral("l"), domain, type),
        QStringLiteral(R"({"actor": "s", "call": "bind", "socket": "l", "args": {%1}})").arg(address)};
    if (connected)
        steps << QStringLiteral(R"({"actor": "s", "call": "listen", "socket": "l", "args": {"backlog": 1}})");
    steps << socket.arg(QStringLiteral("c"), QStringLiteral("c"), domain, type)
          << QStringLiteral(R"({"actor": "c", "call": "connect", "socket": "c", "args": {%1}})").arg(address);
    const QString reader = connected ? QStringLiteral("conn") : QStringLiteral("l");
    if (connected)
        steps << QStringLiteral(R"({"actor": "s", "call": "accept", "socket": "l", "creates": "conn"})");
    for (const char *letter : {"A", "B", "C"})
        steps << QStringLiteral(R"({"actor": "c", "call": "send", "socket": "c", "args": {"data": "%1"}})")
                     .arg(QLatin1String(letter));
    const QString call = connected ? QStringLiteral("recv") : QStringLiteral("recvfrom");
    for (qsizetype i = 0; i < expected.size(); ++i)
        steps << QStringLiteral(R"({"actor": "s", "call": "%1", "socket": "%2", "args": {"length": 100}})")
                     .arg(call, reader);
    auto session = makeSession({QStringLiteral("s"), QStringLiteral("c")}, steps);
    QVERIFY(session);
    QVERIFY(session->runToEnd());
    QCOMPARE(receivedData(session->trace(), call), expected);
}

void TestSession::eventsOfAStepNameTheirCause()
{
    auto session =
        makeSession({QStringLiteral("s"), QStringLiteral("c")}, tcpPair(QStringLiteral("127.0.2.7"), 42008));
    QVERIFY(session);
    QVERIFY(session->runToEnd());
    const Trace &trace = session->trace();
    for (qint64 i = 0; i < trace.size(); ++i) {
        const TraceEvent &event = trace.at(i);
        QCOMPARE(event.seq, i);
        if (event.cause >= 0) {
            QVERIFY(event.cause < event.seq);
            QVERIFY(trace.at(event.cause).call());
        }
    }
}

void TestSession::departureIsReported()
{
    auto session = makeSession(
        {QStringLiteral("c")},
        {QStringLiteral(
             R"({"actor": "c", "call": "socket", "creates": "c", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})"),
         QStringLiteral(
             R"({"actor": "c", "call": "connect", "socket": "c", "args": {"address": "127.0.2.8", "port": 42009}, "expect": {"result": 0}})")});
    QVERIFY(session);
    QVERIFY(!session->runToEnd());
    const auto departures = session->departures();
    QCOMPARE(departures.size(), 1);
    QCOMPARE(departures.first().first, 1);
    QVERIFY(departures.first().second.contains(QStringLiteral("ECONNREFUSED")));
}

void TestSession::ephemeralPortIsAssigned()
{
    auto session =
        makeSession({QStringLiteral("s"), QStringLiteral("c")}, tcpPair(QStringLiteral("127.0.2.9"), 42010));
    QVERIFY(session);
    QVERIFY(session->runToEnd());
    const QString local = testsupport::outcomesByStep(session->trace(), 7).at(6).local;
    const int port = local.section(u':', -1).toInt();
    QVERIFY2(port >= 1024, qPrintable(local));
}

void TestSession::listenOffLoopbackIsRefused()
{
    // The second bind fails at run time; listen() would then bind the socket to every interface.
    const QString socket = QStringLiteral(
        R"({"actor": "s", "call": "socket", "creates": "%1", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})");
    const QString bind = QStringLiteral(
        R"({"actor": "s", "call": "bind", "socket": "%1", "args": {"address": "127.0.2.11", "port": 42011}})");
    const QString listen =
        QStringLiteral(R"({"actor": "s", "call": "listen", "socket": "%1", "args": {"backlog": 1}})");
    auto session =
        makeSession({QStringLiteral("s")}, {socket.arg(QStringLiteral("a")), bind.arg(QStringLiteral("a")),
                                            listen.arg(QStringLiteral("a")), socket.arg(QStringLiteral("b")),
                                            bind.arg(QStringLiteral("b")), listen.arg(QStringLiteral("b"))});
    QVERIFY(session);
    QVERIFY(!session->runToEnd());
    const auto outcomes = testsupport::outcomesByStep(session->trace(), 6);
    QCOMPARE(outcomes.at(4).errnoName, QStringLiteral("EADDRINUSE"));
    QVERIFY(!outcomes.at(5).ran); // no listen() call was made
    const auto departures = session->departures();
    QCOMPARE(departures.size(), 1);
    QCOMPARE(departures.first().first, 5);
    QVERIFY(departures.first().second.contains(QStringLiteral("listen() was not called")));
    const TraceEvent &last = session->trace().at(session->trace().size() - 1);
    QVERIFY(last.note());
    QCOMPARE(last.note()->level, NoteInfo::Level::Departure);
}

void TestSession::thousandSessionsLeaveNothingBehind()
{
    const QStringList steps = {
        QStringLiteral(
            R"({"actor": "s", "call": "socket", "creates": "u", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})"),
        QStringLiteral(
            R"({"actor": "s", "call": "bind", "socket": "u", "args": {"address": "127.0.2.10", "port": 0}})"),
        QStringLiteral(
            R"({"actor": "c", "call": "socket", "creates": "c", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})"),
        QStringLiteral(R"({"actor": "s", "call": "recvfrom", "socket": "u"})"),
    };
    const Scenario scenario = makeScenario({QStringLiteral("s"), QStringLiteral("c")}, steps);
    QCOMPARE(scenario.steps.size(), 4);
    SessionOptions options;
    options.settleQuiet = std::chrono::microseconds(0);
    const int descriptors = testsupport::openDescriptorCount();
    const int threads = testsupport::threadCount();
    auto session = std::make_unique<Session>(scenario, std::make_shared<HostSocketFactory>(), options);
    for (int i = 0; i < 1000; ++i) {
        for (int s = 0; s < 4; ++s)
            session->step();
        // Left waiting: starting anew must wake it.
        QCOMPARE(session->blockedStepOf(QStringLiteral("s")), 3);
        startAnew(session, options);
        QCOMPARE(session->trace().size(), 0);
    }
    session.reset();
    QCOMPARE(testsupport::openDescriptorCount(), descriptors);
    QCOMPARE(testsupport::threadCount(), threads);
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
