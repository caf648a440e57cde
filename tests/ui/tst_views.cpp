#include "code/codeview.h"
#include "common/viewcontext.h"
#include "inspector/hexview.h"
#include "inspector/inspector.h"
#include "player/player.h"
#include "projections/errnoinfo.h"
#include "projections/packetfieldmodel.h"
#include "projections/sessionsnapshot.h"
#include "projections/tcpstatemachine.h"
#include "scenario/scenarioloader.h"
#include "sequence/diagramstyle.h"
#include "sequence/sequencediagram.h"
#include "setup/sessionsetup.h"
#include "states/statemachineview.h"
#include "testsupport.h"
#include "trace/trace.h"
#include "window/exporter.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QXmlStreamReader>

#include <set>

class TestViews : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequenceDiagramShowsEventsBeforeTheCursor();
    void clickingAnEventMovesTheCursor();
    void backAndForwardPaintTheSameImage();
    void zoomToFitShowsEveryRow();
    void packetsAreToldApartWithoutColour_data();
    void packetsAreToldApartWithoutColour();
    void codeViewFollowsARealRun();
    void stateMachineLightsTheKernelState_data();
    void stateMachineLightsTheKernelState();
    void stateMachineExplainsOtherSockets_data();
    void stateMachineExplainsOtherSockets();
    void inspectorShowsPacketFields();
    void inspectorExplainsAFailedCall();
    void exportsSvgAndPng();
    void exportsTraceAndCapture();
};

namespace {

TraceEvent callEvent(const QString &actor, int step, const QString &name, const QString &socket,
                     const QString &local = {}, const QString &peer = {}, qint64 result = 0,
                     const QString &errnoName = {}, CallInfo::Phase phase = CallInfo::Phase::Returned)
{
    CallInfo info;
    info.actor = actor;
    info.step = step;
    info.call = name;
    info.socket = socket;
    info.created = name == QLatin1String("socket") ? socket : QString();
    info.local = local;
    info.peer = peer;
    info.result = result;
    info.errnoName = errnoName;
    info.phase = phase;
    return TraceEvent{-1, 0, -1, info};
}

TraceEvent packetEvent(const QString &src, const QString &dst, const QStringList &flags, int len = 0)
{
    PacketInfo info;
    info.proto = QStringLiteral("TCP");
    info.src = src;
    info.dst = dst;
    info.flags = flags;
    info.len = len;
    return TraceEvent{-1, 0, -1, info};
}

TraceEvent stateEvent(const QString &socket, const QString &from, const QString &to)
{
    return TraceEvent{-1, 0, -1, StateInfo{socket, from, to, QStringLiteral("tcp_info"), {}, {}}};
}

// A handshake and a message, as a capture would record it.
void fillHandshake(Trace &trace)
{
    const QString server = QStringLiteral("127.0.0.1:8080");
    const QString client = QStringLiteral("127.0.0.1:40000");
    trace.append(callEvent(QStringLiteral("server"), 0, QStringLiteral("socket"), QStringLiteral("listener"),
                           {}, {}, 3));
    trace.append(
        callEvent(QStringLiteral("server"), 1, QStringLiteral("bind"), QStringLiteral("listener"), server));
    trace.append(callEvent(QStringLiteral("client"), 2, QStringLiteral("socket"), QStringLiteral("client"),
                           {}, {}, 4));
    trace.append(callEvent(QStringLiteral("client"), 3, QStringLiteral("connect"), QStringLiteral("client"),
                           client, server));
    trace.append(packetEvent(client, server, {QStringLiteral("SYN")}));
    trace.append(packetEvent(server, client, {QStringLiteral("SYN"), QStringLiteral("ACK")}));
    trace.append(packetEvent(client, server, {QStringLiteral("ACK")}));
    trace.append(
        stateEvent(QStringLiteral("client"), QStringLiteral("SYN_SENT"), QStringLiteral("ESTABLISHED")));
    trace.append(callEvent(QStringLiteral("client"), 4, QStringLiteral("send"), QStringLiteral("client"),
                           client, server, 5));
    trace.append(packetEvent(client, server, {QStringLiteral("PSH"), QStringLiteral("ACK")}, 5));
}

const QStringList Actors = {QStringLiteral("server"), QStringLiteral("client")};

// A minimal IPv4/TCP frame as captured on lo: zero Ethernet addresses, a SYN from 40000 to 8080.
QByteArray synFrame()
{
    return QByteArray::fromHex("000000000000000000000000"
                               "0800"
                               "45000028000140004006"
                               "0000"
                               "7f000001"
                               "7f000001"
                               "9c401f90"
                               "00000001"
                               "00000000"
                               "5002ffff"
                               "0000"
                               "0000");
}

} // namespace

void TestViews::sequenceDiagramShowsEventsBeforeTheCursor()
{
    Trace trace;
    fillHandshake(trace);
    SequenceDiagram diagram;
    diagram.resize(900, 500);
    Player player; // from the live end, as a session's trace is shown
    player.setTrace(&trace, {});
    diagram.setPlayer(&player, Actors);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    // Lanes: listener (server), client; every event but none of a queue takes a row.
    QCOMPARE(diagram.layout().laneCount(), 2);
    QCOMPARE(diagram.layout().rowCount(), trace.size());
    QCOMPARE(diagram.eventAt(diagram.rowRect(4).center()), 4);

    const QImage atEnd = diagram.viewport()->grab().toImage();
    player.seek(4);
    // Rows at and after the cursor are not drawn, and hit nothing.
    QCOMPARE(diagram.eventAt(diagram.rowRect(4).center()), -1);
    QCOMPARE(diagram.eventAt(diagram.rowRect(3).center()), 3);
    const QImage atFour = diagram.viewport()->grab().toImage();
    QVERIFY(atEnd != atFour);
    // The packet rows are empty now: the area of row 5 is plain background (inside the frame that
    // shows the keyboard focus).
    const QRect row5 = diagram.rowRect(5).adjusted(4, 2, -40, -2);
    const QColor background = atFour.pixelColor(row5.topLeft() + QPoint(2, 2));
    int painted = 0;
    for (int x = row5.left(); x < row5.right(); x += 3)
        painted += atFour.pixelColor(x, row5.center().y()) != background ? 1 : 0;
    QCOMPARE(painted, 0);
}

void TestViews::clickingAnEventMovesTheCursor()
{
    Trace trace;
    fillHandshake(trace);
    SequenceDiagram diagram;
    diagram.resize(900, 500);
    Player player; // from the live end, as a session's trace is shown
    player.setTrace(&trace, {});
    diagram.setPlayer(&player, Actors);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    QSignalSpy clicked(&diagram, &SequenceDiagram::eventClicked);
    QTest::mouseClick(diagram.viewport(), Qt::LeftButton, {}, diagram.rowRect(5).center());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().first().toLongLong(), 5);
    QCOMPARE(diagram.selectedEvent(), 5);
    QCOMPARE(player.cursor(), 6);
}

void TestViews::backAndForwardPaintTheSameImage()
{
    Trace trace;
    fillHandshake(trace);
    SequenceDiagram diagram;
    diagram.resize(800, 400);
    Player player; // from the live end, as a session's trace is shown
    player.setTrace(&trace, {});
    diagram.setPlayer(&player, Actors);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    player.seek(6);
    const QImage first = diagram.viewport()->grab().toImage();
    player.seek(trace.size());
    player.seek(2);
    player.seek(6);
    QCOMPARE(diagram.viewport()->grab().toImage(), first);
}

void TestViews::zoomToFitShowsEveryRow()
{
    Trace trace;
    for (int i = 0; i < 500; ++i)
        fillHandshake(trace);
    SequenceDiagram diagram;
    diagram.resize(800, 400);
    Player player; // from the live end, as a session's trace is shown
    player.setTrace(&trace, {});
    diagram.setPlayer(&player, Actors);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    QVERIFY(diagram.verticalScrollBar()->maximum() > 0);
    diagram.zoomToFit();
    QVERIFY(diagram.zoom() < 0.1);
    QCOMPARE(diagram.verticalScrollBar()->maximum(), 0);
    QVERIFY(diagram.rowRect(diagram.layout().rowCount() - 1).bottom() <= diagram.viewport()->height());
    QCOMPARE(diagram.eventAt(diagram.rowRect(0).center()), 0);
    const QImage overview = diagram.viewport()->grab().toImage();
    // Zoomed out, marks fill the height: the bottom quarter is drawn on too.
    int marks = 0;
    const QColor background = overview.pixelColor(2, overview.height() - 2);
    for (int y = overview.height() * 3 / 4; y < overview.height() - 10; ++y)
        for (int x = 0; x < overview.width() - 30; x += 4)
            marks += overview.pixelColor(x, y) != background ? 1 : 0;
    QVERIFY(marks > 20);
}

void TestViews::packetsAreToldApartWithoutColour_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<int>("length");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("label");
    QTest::addRow("SYN") << QStringList{QStringLiteral("SYN")} << 0 << QStringLiteral("syn")
                         << QStringLiteral("[SYN] seq=0 len=0");
    QTest::addRow("SYN+ACK") << QStringList{QStringLiteral("SYN"), QStringLiteral("ACK")} << 0
                             << QStringLiteral("syn") << QStringLiteral("[SYN, ACK] seq=0 ack=0 len=0");
    QTest::addRow("FIN") << QStringList{QStringLiteral("FIN"), QStringLiteral("ACK")} << 0
                         << QStringLiteral("fin") << QStringLiteral("[FIN, ACK]");
    QTest::addRow("RST") << QStringList{QStringLiteral("RST")} << 0 << QStringLiteral("reset")
                         << QStringLiteral("[RST]");
    QTest::addRow("data") << QStringList{QStringLiteral("PSH"), QStringLiteral("ACK")} << 14
                          << QStringLiteral("data") << QStringLiteral("len=14");
    QTest::addRow("pure ACK") << QStringList{QStringLiteral("ACK")} << 0 << QStringLiteral("ack")
                              << QStringLiteral("[ACK]");
}

void TestViews::packetsAreToldApartWithoutColour()
{
    QFETCH(QStringList, flags);
    QFETCH(int, length);
    QFETCH(QString, shape);
    QFETCH(QString, label);
    PacketInfo packet;
    packet.proto = QStringLiteral("TCP");
    packet.flags = flags;
    packet.len = length;
    const DiagramStyle::PacketShape kind = DiagramStyle::shapeOf(packet);
    QCOMPARE(DiagramStyle::shapeName(kind), shape);
    QVERIFY2(DiagramStyle::packetLabel(packet).contains(label),
             qPrintable(DiagramStyle::packetLabel(packet)));
    // Each shape has its own line: width or dash pattern, not only its colour.
    const DiagramStyle style{QPalette()};
    std::set<std::pair<double, int>> lines;
    for (const auto s : {DiagramStyle::PacketShape::Syn, DiagramStyle::PacketShape::Fin,
                         DiagramStyle::PacketShape::Reset, DiagramStyle::PacketShape::Data,
                         DiagramStyle::PacketShape::Ack, DiagramStyle::PacketShape::Datagram})
        lines.insert({style.packetPen(s).widthF(), int(style.packetPen(s).style())});
    QCOMPARE(int(lines.size()), 6);
}

void TestViews::codeViewFollowsARealRun()
{
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = setUpSession(loaded.scenario);
    QVERIFY(setup.session->runToEnd());
    const Trace &trace = setup.session->trace();
    CodeView view;
    view.resize(800, 600);
    view.setScenario(loaded.scenario);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.programs().size(), 4); // server.c, client.c, server.py, client.py

    const QList<qint64> boundaries = stepBoundaries(trace);
    QVERIFY(boundaries.size() > 10);
    bool sawBlocked = false;
    QHash<qint64, QImage> images;
    for (const qint64 cursor : boundaries) {
        const SessionSnapshot snapshot = SessionSnapshot::compute(loaded.scenario, trace, cursor);
        view.showSnapshot(snapshot);
        if (snapshot.currentStep < 0) {
            QVERIFY(view.highlighted(QStringLiteral("server"), QStringLiteral("c")).first == 0);
            continue;
        }
        const ScenarioStep &step = loaded.scenario.steps.at(snapshot.currentStep);
        const int tab = view.tabOf(step.actor, QStringLiteral("c"));
        QCOMPARE(view.currentTab(), tab);
        const GeneratedProgram &program = view.programs().at(tab);
        const SnapshotActor *actor = snapshot.actor(step.actor);
        const int shownStep = actor->blockedStep >= 0 ? actor->blockedStep : actor->lastStep;
        QCOMPARE(view.highlighted(step.actor, QStringLiteral("c")), program.steps.value(shownStep));
        QVERIFY(view.statusText().contains(QStringLiteral("Step %1 ").arg(snapshot.currentStep + 1)));
        for (const SnapshotActor &a : snapshot.actors) {
            const int cTab = view.tabOf(a.id, QStringLiteral("c"));
            if (a.blockedStep >= 0) {
                sawBlocked = true;
                QCOMPARE(view.blocked(a.id, QStringLiteral("c")),
                         view.programs().at(cTab).steps.value(a.blockedStep));
                QVERIFY(
                    view.statusText().contains(QStringLiteral("waits in step %1").arg(a.blockedStep + 1)));
            } else {
                QCOMPARE(view.blocked(a.id, QStringLiteral("c")).first, 0);
            }
        }
        images.insert(cursor, view.grab().toImage());
    }
    QVERIFY2(sawBlocked, "accept() waits in tcp-echo");
    // Back to an earlier step: the same picture as when it was first reached.
    const qint64 again = boundaries.at(4);
    view.showSnapshot(SessionSnapshot::compute(loaded.scenario, trace, again));
    QCOMPARE(view.grab().toImage(), images.value(again));
}

void TestViews::stateMachineLightsTheKernelState_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("lit");
    QTest::addColumn<QString>("litFrom");
    QTest::addRow("handshake done") << QStringLiteral("SYN_SENT") << QStringLiteral("ESTABLISHED")
                                    << QStringLiteral("ESTABLISHED") << QStringLiteral("SYN_SENT");
    QTest::addRow("kernel SYN_RECV") << QStringLiteral("LISTEN") << QStringLiteral("SYN_RECV")
                                     << QStringLiteral("SYN_RECEIVED") << QStringLiteral("LISTEN");
    QTest::addRow("kernel FIN_WAIT2") << QStringLiteral("FIN_WAIT1") << QStringLiteral("FIN_WAIT2")
                                      << QStringLiteral("FIN_WAIT_2") << QStringLiteral("FIN_WAIT_1");
    QTest::addRow("kernel CLOSE") << QStringLiteral("LAST_ACK") << QStringLiteral("CLOSE")
                                  << QStringLiteral("CLOSED") << QStringLiteral("LAST_ACK");
    QTest::addRow("a jump the diagram has no edge for")
        << QStringLiteral("ESTABLISHED") << QStringLiteral("TIME_WAIT") << QStringLiteral("TIME_WAIT")
        << QStringLiteral("ESTABLISHED");
}

void TestViews::stateMachineLightsTheKernelState()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, lit);
    QFETCH(QString, litFrom);
    const Scenario scenario = testsupport::makeScenario(
        {QStringLiteral("client")},
        {QStringLiteral(
            R"({"actor": "client", "call": "socket", "creates": "client", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})")});
    Trace trace;
    trace.append(callEvent(QStringLiteral("client"), 0, QStringLiteral("socket"), QStringLiteral("client"),
                           {}, {}, 3));
    trace.append(stateEvent(QStringLiteral("client"), from, to));
    StateMachineView view;
    view.resize(700, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showSnapshot(SessionSnapshot::compute(scenario, trace, 1));
    QCOMPARE(view.sockets(), QStringList{QStringLiteral("client")});
    QCOMPARE(view.litState(), QString());
    QVERIFY(view.noteText().contains(QStringLiteral("not reported")));
    const QImage before = view.grab().toImage();
    view.showSnapshot(SessionSnapshot::compute(scenario, trace, 2));
    QCOMPARE(view.litState(), lit);
    QCOMPARE(view.litTransition(), qMakePair(litFrom, lit));
    QVERIFY(view.noteText().contains(lit));
    QVERIFY(view.grab().toImage() != before);
    QCOMPARE(tcpstatemachine::fromKernel(to), lit);
}

void TestViews::stateMachineExplainsOtherSockets_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("words");
    QTest::addRow("udp") << QStringLiteral("AF_INET") << QStringLiteral("SOCK_DGRAM")
                         << QStringLiteral("connectionless");
    QTest::addRow("unix stream") << QStringLiteral("AF_UNIX") << QStringLiteral("SOCK_STREAM")
                                 << QStringLiteral("Unix-domain");
    QTest::addRow("unix seqpacket") << QStringLiteral("AF_UNIX") << QStringLiteral("SOCK_SEQPACKET")
                                    << QStringLiteral("Unix-domain");
}

void TestViews::stateMachineExplainsOtherSockets()
{
    QFETCH(QString, domain);
    QFETCH(QString, type);
    QFETCH(QString, words);
    const Scenario scenario = testsupport::makeScenario(
        {QStringLiteral("server")},
        {QStringLiteral(
             R"({"actor": "server", "call": "socket", "creates": "s", "args": {"domain": "%1", "type": "%2"}})")
             .arg(domain, type)});
    QVERIFY(!scenario.steps.isEmpty());
    Trace trace;
    trace.append(
        callEvent(QStringLiteral("server"), 0, QStringLiteral("socket"), QStringLiteral("s"), {}, {}, 3));
    StateMachineView view;
    view.showSnapshot(SessionSnapshot::compute(scenario, trace, 1));
    QVERIFY2(view.noteText().contains(words), qPrintable(view.noteText()));
    QCOMPARE(view.litState(), QString());
}

void TestViews::inspectorShowsPacketFields()
{
    Trace trace;
    TraceEvent event = packetEvent(QStringLiteral("127.0.0.1:40000"), QStringLiteral("127.0.0.1:8080"),
                                   {QStringLiteral("SYN")});
    std::get<PacketInfo>(event.info).frame = synFrame();
    trace.append(event);
    Inspector inspector;
    inspector.resize(600, 600);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QAbstractItemModelTester tester(inspector.fieldModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    inspector.showEvent(&trace, 0);
    QVERIFY(inspector.showsPacket());
    PacketFieldModel *model = inspector.fieldModel();
    QVERIFY(model->rowCount() >= 3); // Ethernet, IPv4, TCP
    QCOMPARE(inspector.hexView()->bytes(), synFrame());
    QVERIFY(inspector.hexView()->text().startsWith(QStringLiteral("0000  00 00")));
    // Find a field with bytes of its own inside the TCP layer and choose it: its bytes light up.
    QModelIndex chosen;
    for (int layer = 0; layer < model->rowCount() && !chosen.isValid(); ++layer) {
        const QModelIndex parent = model->index(layer, 0);
        for (int row = 0; row < model->rowCount(parent); ++row) {
            const QModelIndex field = model->index(row, 0, parent);
            if (field.data(PacketFieldModel::OffsetRole).toInt() >= 34 &&
                field.data(PacketFieldModel::LengthRole).toInt() >= 2) {
                chosen = field;
                break;
            }
        }
    }
    QVERIFY(chosen.isValid());
    inspector.fieldTree()->setCurrentIndex(chosen);
    QCOMPARE(inspector.hexView()->highlightOffset(), chosen.data(PacketFieldModel::OffsetRole).toInt());
    QCOMPARE(inspector.hexView()->highlightLength(), chosen.data(PacketFieldModel::LengthRole).toInt());
    inspector.showEvent(nullptr, -1);
    QCOMPARE(model->rowCount(), 0);
}

void TestViews::inspectorExplainsAFailedCall()
{
    Trace trace;
    trace.append(callEvent(QStringLiteral("client"), 3, QStringLiteral("connect"), QStringLiteral("client"),
                           {}, {}, -1, QStringLiteral("ECONNREFUSED")));
    Inspector inspector;
    inspector.showEvent(&trace, 0);
    QVERIFY(!inspector.showsPacket());
    const QString text = inspector.callText();
    QVERIFY2(text.contains(QStringLiteral("ECONNREFUSED")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("-1")), qPrintable(text));
    const QString explanation = errnoinfo::explain(QStringLiteral("ECONNREFUSED"), QStringLiteral("connect"));
    QVERIFY(!explanation.isEmpty());
    QVERIFY2(text.simplified().contains(explanation.simplified().left(30)), qPrintable(text));
}

void TestViews::exportsSvgAndPng()
{
    Trace trace;
    fillHandshake(trace);
    SequenceDiagram diagram;
    diagram.resize(800, 300);
    Player player; // from the live end, as a session's trace is shown
    player.setTrace(&trace, {});
    diagram.setPlayer(&player, Actors);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString svg = dir.filePath(QStringLiteral("diagram.svg"));
    QCOMPARE(Exporter::writeSvg(diagram, svg, QStringLiteral("handshake")), QString());
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int elements = 0;
    bool root = false;
    bool sawLabel = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            root = root || (elements == 0 && xml.name() == QLatin1String("svg"));
            ++elements;
        }
        if (xml.isCharacters() && xml.text().contains(QLatin1String("[SYN, ACK]")))
            sawLabel = true;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(root);
    QVERIFY(elements > 20);
    QVERIFY(sawLabel);

    const QString png = dir.filePath(QStringLiteral("diagram.png"));
    QCOMPARE(Exporter::writePng(diagram, png), QString());
    const QImage image(png);
    QCOMPARE(image.size(), diagram.fullSize());
    QVERIFY(Exporter::writeSvg(diagram, dir.filePath(QStringLiteral("missing/diagram.svg")), {})
                .contains(QStringLiteral("cannot write")));
}

void TestViews::exportsTraceAndCapture()
{
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("udp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = setUpSession(loaded.scenario);
    QVERIFY(setup.session->runToEnd());
    ViewContext context;
    context.setSession(&setup.session->trace(), setup.session->scenario(), setup.mode, setup.capture,
                       setup.description);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString traceFile = dir.filePath(QStringLiteral("trace.json"));
    QCOMPARE(Exporter::writeTrace(context, traceFile), QString());
    QFile file(traceFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(json.value(QStringLiteral("format")).toString(), QStringLiteral("socketscope-trace"));
    QCOMPARE(json.value(QStringLiteral("scenario")).toString(), QStringLiteral("udp-echo"));
    QCOMPARE(json.value(QStringLiteral("events")).toArray().size(), setup.session->trace().size());

    const QString pcap = dir.filePath(QStringLiteral("capture.pcapng"));
    const QString problem = Exporter::writePcapng(context, pcap);
    if (setup.capture) {
        QCOMPARE(problem, QString());
        QFile capture(pcap);
        QVERIFY(capture.open(QIODevice::ReadOnly));
        // A pcapng file starts with a section header block.
        QCOMPARE(capture.read(4), QByteArray::fromHex("0a0d0d0a"));
    } else {
        QVERIFY2(problem.contains(QStringLiteral("No packets")), qPrintable(problem));
        QVERIFY(!QFile::exists(pcap));
    }
    context.setSession(nullptr, {}, {}, false, {});
}

QTEST_MAIN(TestViews)
#include "tst_views.moc"
