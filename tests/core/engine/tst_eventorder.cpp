// The events of a step are listed after its call in the order they happened, even though the
// packet tap delivers a frame milliseconds after the kernel stamped it.
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"

#include <QTest>

class TestEventOrder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handshakeComesBeforeTheAcceptItReleases();
};

void TestEventOrder::handshakeComesBeforeTheAcceptItReleases()
{
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    for (int run = 0; run < 5; ++run) {
        SessionSetup setup = setUpSession(loaded.scenario);
        if (!setup.capture)
            QSKIP("packets cannot be captured here (no sandbox, no CAP_NET_RAW), so their order is not "
                  "checked");
        QVERIFY(setup.session->runToEnd());
        const Trace &trace = setup.session->trace();
        qint64 connect = -1;
        qint64 lastHandshakePacket = -1;
        qint64 acceptReturned = -1;
        qint64 previousTime = 0;
        for (qint64 i = 0; i < trace.size(); ++i) {
            const TraceEvent &event = trace.at(i);
            if (const CallInfo *call = event.call()) {
                if (call->call == QLatin1String("connect"))
                    connect = i;
                if (call->call == QLatin1String("accept") && call->phase == CallInfo::Phase::Returned)
                    acceptReturned = i;
            }
            if (const PacketInfo *packet = event.packet()) {
                if (connect >= 0 && acceptReturned < 0 && event.cause == connect)
                    lastHandshakePacket = i;
                // Packets of one step are in the order the kernel stamped them.
                if (event.cause == trace.at(i - 1).cause && trace.at(i - 1).packet())
                    QVERIFY(event.tNs >= previousTime);
                previousTime = event.tNs;
                Q_UNUSED(packet);
            }
        }
        QVERIFY(connect >= 0);
        QVERIFY(acceptReturned > connect);
        QVERIFY2(lastHandshakePacket > connect, "the handshake belongs to connect()");
        QVERIFY2(lastHandshakePacket < acceptReturned,
                 "accept() returns after the handshake that released it");
        QCOMPARE(trace.at(acceptReturned).cause, connect);
    }
}

QTEST_GUILESS_MAIN(TestEventOrder)
#include "tst_eventorder.moc"
