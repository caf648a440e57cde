#include "projections/tcpstatemachine.h"

#include <QTest>

class TestTcpStateMachine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyTransitionJoinsTwoStates();
    void everyStateIsReachedAndLeft();
    void kernelNames_data();
    void kernelNames();
    void otherSocketsAreExplained_data();
    void otherSocketsAreExplained();
};

void TestTcpStateMachine::everyTransitionJoinsTwoStates()
{
    QCOMPARE(tcpstatemachine::states().size(), 11);
    for (const tcpstatemachine::Transition &edge : tcpstatemachine::transitions()) {
        QVERIFY2(tcpstatemachine::states().contains(edge.from), qPrintable(edge.from));
        QVERIFY2(tcpstatemachine::states().contains(edge.to), qPrintable(edge.to));
        QVERIFY(!edge.label.isEmpty());
        QCOMPARE(tcpstatemachine::find(edge.from, edge.to), &edge);
    }
    QCOMPARE(tcpstatemachine::find(QStringLiteral("ESTABLISHED"), QStringLiteral("TIME_WAIT")), nullptr);
}

void TestTcpStateMachine::everyStateIsReachedAndLeft()
{
    for (const QString &state : tcpstatemachine::states()) {
        bool in = false;
        bool out = false;
        for (const tcpstatemachine::Transition &edge : tcpstatemachine::transitions()) {
            in = in || edge.to == state;
            out = out || edge.from == state;
        }
        QVERIFY2(in && out, qPrintable(state));
    }
}

void TestTcpStateMachine::kernelNames_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QString>("diagram");
    QTest::addRow("SYN_RECV") << QStringLiteral("SYN_RECV") << QStringLiteral("SYN_RECEIVED");
    QTest::addRow("FIN_WAIT1") << QStringLiteral("FIN_WAIT1") << QStringLiteral("FIN_WAIT_1");
    QTest::addRow("FIN_WAIT2") << QStringLiteral("FIN_WAIT2") << QStringLiteral("FIN_WAIT_2");
    QTest::addRow("CLOSE") << QStringLiteral("CLOSE") << QStringLiteral("CLOSED");
    QTest::addRow("same name") << QStringLiteral("TIME_WAIT") << QStringLiteral("TIME_WAIT");
    QTest::addRow("LISTEN") << QStringLiteral("LISTEN") << QStringLiteral("LISTEN");
    QTest::addRow("unknown") << QStringLiteral("BOUND") << QString();
}

void TestTcpStateMachine::kernelNames()
{
    QFETCH(QString, kernel);
    QFETCH(QString, diagram);
    QCOMPARE(tcpstatemachine::fromKernel(kernel), diagram);
}

void TestTcpStateMachine::otherSocketsAreExplained_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("hasNote");
    QTest::addRow("tcp") << QStringLiteral("AF_INET") << QStringLiteral("SOCK_STREAM") << false;
    QTest::addRow("tcp6") << QStringLiteral("AF_INET6") << QStringLiteral("SOCK_STREAM") << false;
    QTest::addRow("udp") << QStringLiteral("AF_INET") << QStringLiteral("SOCK_DGRAM") << true;
    QTest::addRow("raw") << QStringLiteral("AF_INET") << QStringLiteral("SOCK_RAW") << true;
    QTest::addRow("unix") << QStringLiteral("AF_UNIX") << QStringLiteral("SOCK_STREAM") << true;
}

void TestTcpStateMachine::otherSocketsAreExplained()
{
    QFETCH(QString, domain);
    QFETCH(QString, type);
    QFETCH(bool, hasNote);
    QCOMPARE(!tcpstatemachine::whyNoStates(domain, type).isEmpty(), hasNote);
}

QTEST_GUILESS_MAIN(TestTcpStateMachine)
#include "tst_tcpstatemachine.moc"
