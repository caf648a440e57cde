#include "capture/acktracker.h"

#include <QTest>

namespace {

// One TCP segment between 127.0.0.1:40000 (the client, "c") and 127.0.0.1:8080 (the server, "s"),
// written "c SYN 100 0 0": direction, flags joined by '+', absolute seq, ack, payload length.
PacketInfo segment(const QString &text)
{
    const QStringList parts = text.split(u' ');
    PacketInfo packet;
    packet.proto = QStringLiteral("TCP");
    const QString client = QStringLiteral("127.0.0.1:40000");
    const QString server = QStringLiteral("127.0.0.1:8080");
    packet.src = parts[0] == u'c' ? client : server;
    packet.dst = parts[0] == u'c' ? server : client;
    if (parts[1] != u'-')
        packet.flags = parts[1].split(u'+');
    packet.seq = parts[2].toUInt();
    packet.ack = parts[3].toUInt();
    packet.len = parts[4].toInt();
    return packet;
}

} // namespace

class TestAckTracker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acknowledged_data();
    void acknowledged();
};

void TestAckTracker::acknowledged_data()
{
    QTest::addColumn<QStringList>("segments");
    QTest::addColumn<bool>("all");
    QTest::addRow("nothing seen") << QStringList{} << true;
    QTest::addRow("a SYN waits for its SYN+ACK") << QStringList{QStringLiteral("c SYN 100 0 0")} << false;
    QTest::addRow("the handshake's last ACK is awaited")
        << QStringList{QStringLiteral("c SYN 100 0 0"), QStringLiteral("s SYN+ACK 500 101 0")} << false;
    QTest::addRow("a whole handshake")
        << QStringList{QStringLiteral("c SYN 100 0 0"), QStringLiteral("s SYN+ACK 500 101 0"),
                       QStringLiteral("c ACK 101 501 0")}
        << true;
    QTest::addRow("data acknowledged in part")
        << QStringList{QStringLiteral("c ACK 101 501 10"), QStringLiteral("s ACK 501 106 0")} << false;
    QTest::addRow("data acknowledged whole")
        << QStringList{QStringLiteral("c ACK 101 501 10"), QStringLiteral("s ACK 501 111 0")} << true;
    QTest::addRow("an old ACK after a newer one does not count")
        << QStringList{QStringLiteral("c ACK 101 501 10"), QStringLiteral("s ACK 501 111 0"),
                       QStringLiteral("c ACK 111 501 5"), QStringLiteral("s ACK 501 111 0")}
        << false;
    QTest::addRow("a FIN counts one")
        << QStringList{QStringLiteral("c FIN+ACK 101 501 0"), QStringLiteral("s ACK 501 101 0")} << false;
    QTest::addRow("a FIN acknowledged")
        << QStringList{QStringLiteral("c FIN+ACK 101 501 0"), QStringLiteral("s ACK 501 102 0")} << true;
    QTest::addRow("a reset ends what was awaited")
        << QStringList{QStringLiteral("c ACK 101 501 10"), QStringLiteral("s RST 501 0 0")} << true;
    QTest::addRow("across the wrap of 2^32")
        << QStringList{QStringLiteral("c ACK 4294967290 501 10"), QStringLiteral("s ACK 501 4 0")} << true;
    QTest::addRow("short of the wrap")
        << QStringList{QStringLiteral("c ACK 4294967290 501 10"), QStringLiteral("s ACK 501 4294967295 0")}
        << false;
    QTest::addRow("a new SYN on the same 4-tuple starts over")
        << QStringList{QStringLiteral("c ACK 101 501 10"), QStringLiteral("c SYN 9000 0 0"),
                       QStringLiteral("s SYN+ACK 700 9001 0"), QStringLiteral("c ACK 9001 701 0")}
        << true;
}

void TestAckTracker::acknowledged()
{
    QFETCH(QStringList, segments);
    QFETCH(bool, all);
    AckTracker tracker;
    for (const QString &text : segments)
        tracker.add(segment(text));
    QCOMPARE(tracker.allAcknowledged(), all);
    tracker.clear();
    QVERIFY(tracker.allAcknowledged());
}

QTEST_GUILESS_MAIN(TestAckTracker)
#include "tst_acktracker.moc"
