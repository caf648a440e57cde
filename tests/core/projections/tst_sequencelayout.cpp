#include "projections/sequencelayout.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"

#include <QTest>

#include <numeric>

class TestSequenceLayout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lanesFollowActorsAndSockets();
    void packetsGoFromSocketToSocket_data();
    void packetsGoFromSocketToSocket();
    void packetBeforeItsAddressIsKnown();
    void queuedConnectionTakenByAccept();
    void blockedCallIsJoinedToItsReturn();
    void rowsAndCursor();
    void densityCountsEveryRow();
    void realRun();
};

namespace {

struct Builder
{
    SequenceLayout layout{{QStringLiteral("server"), QStringLiteral("client")}};
    qint64 seq = 0;

    void add(TraceEvent event)
    {
        event.seq = seq++;
        layout.ingest(event);
    }
    void call(const QString &actor, int step, const QString &name, const QString &socket,
              const QString &created = {}, const QString &local = {}, const QString &peer = {},
              CallInfo::Phase phase = CallInfo::Phase::Returned)
    {
        CallInfo info;
        info.actor = actor;
        info.step = step;
        info.call = name;
        info.socket = socket;
        info.created = created;
        info.local = local;
        info.peer = peer;
        info.phase = phase;
        add(TraceEvent{-1, 0, -1, info});
    }
    void packet(const QString &src, const QString &dst, const QStringList &flags)
    {
        PacketInfo info;
        info.proto = QStringLiteral("TCP");
        info.src = src;
        info.dst = dst;
        info.flags = flags;
        add(TraceEvent{-1, 0, -1, info});
    }
    // The calls of tcp-echo up to accept, as the engine records them.
    void handshake()
    {
        call(QStringLiteral("server"), 0, QStringLiteral("socket"), QStringLiteral("listener"),
             QStringLiteral("listener"));
        call(QStringLiteral("server"), 1, QStringLiteral("bind"), QStringLiteral("listener"), {},
             QStringLiteral("127.0.0.1:8080"));
        call(QStringLiteral("server"), 3, QStringLiteral("accept"), QStringLiteral("listener"), {}, {}, {},
             CallInfo::Phase::Blocked);
        call(QStringLiteral("client"), 4, QStringLiteral("socket"), QStringLiteral("client"),
             QStringLiteral("client"));
        call(QStringLiteral("client"), 5, QStringLiteral("connect"), QStringLiteral("client"), {},
             QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"));
        packet(QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"), {QStringLiteral("SYN")});
        call(QStringLiteral("server"), 3, QStringLiteral("accept"), QStringLiteral("listener"),
             QStringLiteral("conn"), QStringLiteral("127.0.0.1:8080"), QStringLiteral("127.0.0.1:40000"));
        packet(QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"),
               {QStringLiteral("PSH"), QStringLiteral("ACK")});
        packet(QStringLiteral("127.0.0.1:8080"), QStringLiteral("127.0.0.1:40000"), {QStringLiteral("ACK")});
        // As a capture delivers it: after accept() returned, the handshake is still the listener's.
        packet(QStringLiteral("127.0.0.1:8080"), QStringLiteral("127.0.0.1:40000"),
               {QStringLiteral("SYN"), QStringLiteral("ACK")});
    }
};

} // namespace

void TestSequenceLayout::lanesFollowActorsAndSockets()
{
    Builder b;
    b.call(QStringLiteral("client"), 0, QStringLiteral("socket"), QStringLiteral("client"),
           QStringLiteral("client"));
    b.call(QStringLiteral("server"), 1, QStringLiteral("socket"), QStringLiteral("listener"),
           QStringLiteral("listener"));
    b.call(QStringLiteral("server"), 2, QStringLiteral("process"), {});
    QCOMPARE(b.layout.laneCount(), 3);
    QCOMPARE(b.layout.lane(0).socket, QStringLiteral("client"));
    QCOMPARE(b.layout.lane(2).socket, QString());
    QCOMPARE(b.layout.lane(2).actor, QStringLiteral("server"));
    // The server's lanes come first whatever order they appeared in.
    QCOMPARE(b.layout.column(1), 0);
    QCOMPARE(b.layout.column(2), 1);
    QCOMPARE(b.layout.column(0), 2);
    QCOMPARE(b.layout.laneOfSocket(QStringLiteral("listener")), 1);
    QCOMPARE(b.layout.laneOfSocket(QStringLiteral("nothing")), -1);
    // A connection the kernel queued for the listener belongs with the server.
    StateInfo queued{QStringLiteral("listener:queued 127.0.0.1:40000"),
                     {},
                     QStringLiteral("ESTABLISHED"),
                     QStringLiteral("sock_diag"),
                     {},
                     {}};
    b.add(TraceEvent{-1, 0, -1, queued});
    const int lane = b.layout.laneOfSocket(queued.socket);
    QCOMPARE(b.layout.lane(lane).actor, QStringLiteral("server"));
    QVERIFY(b.layout.column(lane) < b.layout.column(0));
}

void TestSequenceLayout::packetsGoFromSocketToSocket_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addRow("SYN reaches the listener") << 5 << QStringLiteral("client") << QStringLiteral("listener");
    QTest::addRow("SYN+ACK comes from the listener")
        << 9 << QStringLiteral("listener") << QStringLiteral("client");
    QTest::addRow("data after accept reaches conn")
        << 7 << QStringLiteral("client") << QStringLiteral("conn");
    QTest::addRow("ACK leaves from conn") << 8 << QStringLiteral("conn") << QStringLiteral("client");
}

void TestSequenceLayout::packetsGoFromSocketToSocket()
{
    QFETCH(int, row);
    QFETCH(QString, from);
    QFETCH(QString, to);
    Builder b;
    b.handshake();
    const SequenceLayout::Item &item = b.layout.items().at(row);
    QCOMPARE(item.kind, SequenceLayout::ItemKind::Packet);
    QCOMPARE(b.layout.lane(item.lane).socket, from);
    QCOMPARE(b.layout.lane(item.toLane).socket, to);
}

void TestSequenceLayout::packetBeforeItsAddressIsKnown()
{
    Builder b;
    b.call(QStringLiteral("server"), 0, QStringLiteral("bind"), QStringLiteral("listener"), {},
           QStringLiteral("127.0.0.1:8080"));
    b.call(QStringLiteral("client"), 1, QStringLiteral("socket"), QStringLiteral("client"),
           QStringLiteral("client"));
    b.packet(QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"), {QStringLiteral("SYN")});
    QCOMPARE(b.layout.items().at(2).lane, -1);
    QCOMPARE(b.layout.lane(b.layout.items().at(2).toLane).socket, QStringLiteral("listener"));
    b.call(QStringLiteral("client"), 1, QStringLiteral("connect"), QStringLiteral("client"), {},
           QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(b.layout.lane(b.layout.items().at(2).lane).socket, QStringLiteral("client"));
}

// The handshake finished before accept(): the probe names the connection after the listener while
// it waits in the queue. Once accept() took it, its packets are the accepted socket's.
void TestSequenceLayout::queuedConnectionTakenByAccept()
{
    Builder b;
    const QString client = QStringLiteral("127.0.0.1:40000");
    const QString server = QStringLiteral("127.0.0.1:8080");
    b.call(QStringLiteral("server"), 0, QStringLiteral("bind"), QStringLiteral("listener"), {}, server);
    b.call(QStringLiteral("client"), 1, QStringLiteral("connect"), QStringLiteral("client"), {}, client,
           server);
    StateInfo queued;
    queued.socket = QStringLiteral("listener:queued ") + client;
    queued.to = QStringLiteral("ESTABLISHED");
    queued.source = QStringLiteral("sock_diag");
    queued.local = server;
    queued.peer = client;
    b.add(TraceEvent{-1, 0, -1, queued});
    b.packet(client, server, {QStringLiteral("PSH"), QStringLiteral("ACK")}); // row 3: still queued
    b.call(QStringLiteral("server"), 2, QStringLiteral("accept"), QStringLiteral("listener"),
           QStringLiteral("conn"), server, client);
    QueueInfo taken;
    taken.socket = QStringLiteral("listener");
    taken.taken = queued.socket;
    taken.takenAs = QStringLiteral("conn");
    b.add(TraceEvent{-1, 0, -1, taken});
    b.packet(client, server, {QStringLiteral("PSH"), QStringLiteral("ACK")}); // row 5
    b.packet(server, client, {QStringLiteral("ACK")});                        // row 6
    QCOMPARE(b.layout.lane(b.layout.items().at(3).toLane).socket, queued.socket);
    QCOMPARE(b.layout.lane(b.layout.items().at(5).toLane).socket, QStringLiteral("conn"));
    QCOMPARE(b.layout.lane(b.layout.items().at(6).lane).socket, QStringLiteral("conn"));
}

void TestSequenceLayout::blockedCallIsJoinedToItsReturn()
{
    Builder b;
    b.handshake();
    const auto &items = b.layout.items();
    QCOMPARE(items.at(2).kind, SequenceLayout::ItemKind::Blocked);
    QCOMPARE(items.at(6).kind, SequenceLayout::ItemKind::Call);
    QCOMPARE(items.at(6).waitFrom, 2);
    QCOMPARE(items.at(4).waitFrom, -1);
    // accept() is drawn on the listener, and the socket it made gets a lane of its own.
    QCOMPARE(b.layout.lane(items.at(6).lane).socket, QStringLiteral("listener"));
    QVERIFY(b.layout.laneOfSocket(QStringLiteral("conn")) >= 0);
}

void TestSequenceLayout::rowsAndCursor()
{
    Builder b;
    b.call(QStringLiteral("server"), 0, QStringLiteral("socket"), QStringLiteral("listener"),
           QStringLiteral("listener"));
    QueueInfo queue;
    queue.socket = QStringLiteral("listener");
    b.add(TraceEvent{-1, 0, -1, queue});
    b.add(TraceEvent{-1, 0, -1, NoteInfo{NoteInfo::Level::Info, QStringLiteral("hello")}});
    QCOMPARE(b.layout.rowCount(), 2);
    QCOMPARE(b.layout.rowOf(1), -1);
    QCOMPARE(b.layout.rowOf(2), 1);
    QCOMPARE(b.layout.rowsBefore(0), 0);
    QCOMPARE(b.layout.rowsBefore(1), 1);
    QCOMPARE(b.layout.rowsBefore(2), 1);
    QCOMPARE(b.layout.rowsBefore(3), 2);
    b.layout.clear();
    QCOMPARE(b.layout.rowCount(), 0);
    QCOMPARE(b.layout.laneCount(), 0);
}

void TestSequenceLayout::densityCountsEveryRow()
{
    Builder b;
    for (int i = 0; i < 1000; ++i)
        b.handshake();
    const auto bins = b.layout.density(37, b.layout.rowCount());
    QCOMPARE(int(bins.size()), 37);
    int total = 0;
    int packets = 0;
    for (const auto &bin : bins) {
        total += std::accumulate(bin.begin(), bin.end(), 0);
        packets += bin[int(SequenceLayout::ItemKind::Packet)];
    }
    QCOMPARE(total, 10000);
    QCOMPARE(packets, 4000);
    QCOMPARE(int(b.layout.density(10, 9).size()), 10);
}

void TestSequenceLayout::realRun()
{
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = setUpSession(loaded.scenario);
    QVERIFY(setup.session->runToEnd());
    const Trace &trace = setup.session->trace();
    SequenceLayout layout({QStringLiteral("server"), QStringLiteral("client")});
    int calls = 0;
    int packets = 0;
    for (qint64 i = 0; i < trace.size(); ++i) {
        layout.ingest(trace.at(i));
        calls += trace.at(i).call() ? 1 : 0;
        packets += trace.at(i).packet() ? 1 : 0;
    }
    for (const QString &socket :
         {QStringLiteral("listener"), QStringLiteral("conn"), QStringLiteral("client")})
        QVERIFY2(layout.laneOfSocket(socket) >= 0, qPrintable(socket));
    int placedCalls = 0;
    for (const SequenceLayout::Item &item : layout.items()) {
        if (item.kind == SequenceLayout::ItemKind::Call || item.kind == SequenceLayout::ItemKind::Blocked) {
            ++placedCalls;
            QVERIFY(item.lane >= 0);
        }
        if (item.kind == SequenceLayout::ItemKind::Packet) {
            QVERIFY2(item.lane >= 0 && item.toLane >= 0, "every captured packet joins two sockets");
            QVERIFY(item.lane != item.toLane);
        }
    }
    QCOMPARE(placedCalls, calls);
    if (packets == 0)
        qInfo("no packets were captured here (%s); packet placement checked with built traces only",
              qPrintable(setup.description));
}

QTEST_GUILESS_MAIN(TestSequenceLayout)
#include "tst_sequencelayout.moc"
