#include "export/pcapng.h"
#include "trace/trace.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

class TestPcapng : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void blocksFollowTheFormat();
    void originalLengthIsTheLengthOnTheWire_data();
    void originalLengthIsTheLengthOnTheWire();
    void commentNamesStepAndCall_data();
    void commentNamesStepAndCall();
    void writeIsAtomic();
    void tsharkReadsIt();
};

namespace {

// A SYN frame on lo: Ethernet, IPv4 127.0.0.1 → 127.0.0.1, TCP 40000 → 8080.
QByteArray synFrame(quint8 last = 0)
{
    QByteArray frame = QByteArray::fromHex("000000000000000000000000"
                                           "0800"
                                           "45000028"
                                           "00004000"
                                           "4006"
                                           "0000"
                                           "7f000001"
                                           "7f000001"
                                           "9c401f90"
                                           "00000001"
                                           "00000000"
                                           "5002ffff"
                                           "0000"
                                           "0000");
    frame[frame.size() - 1] = char(last);
    return frame;
}

TraceEvent connectCall()
{
    CallInfo call;
    call.actor = QStringLiteral("client");
    call.step = 5;
    call.call = QStringLiteral("connect");
    call.socket = QStringLiteral("client");
    call.args = {{QStringLiteral("address"), QStringLiteral("127.0.0.1")}, {QStringLiteral("port"), 8080}};
    call.phase = CallInfo::Phase::Returned;
    TraceEvent event;
    event.info = call;
    return event;
}

TraceEvent packetEvent(const QByteArray &frame, qint64 cause, qint64 kernelTimeNs)
{
    PacketInfo packet;
    packet.proto = QStringLiteral("TCP");
    packet.frame = frame;
    packet.kernelTimeNs = kernelTimeNs;
    TraceEvent event;
    event.cause = cause;
    event.info = packet;
    return event;
}

struct Block
{
    quint32 type = 0;
    QByteArray body; // between the leading length and the trailing one
};

QList<Block> blocksOf(const QByteArray &file, bool *whole)
{
    QList<Block> blocks;
    *whole = true;
    qsizetype at = 0;
    while (at < file.size()) {
        quint32 type = 0;
        quint32 length = 0;
        quint32 trailing = 0;
        if (at + 12 > file.size())
            return *whole = false, blocks;
        std::memcpy(&type, file.constData() + at, 4);
        std::memcpy(&length, file.constData() + at + 4, 4);
        if (length % 4 != 0 || length < 12 || at + length > file.size())
            return *whole = false, blocks;
        std::memcpy(&trailing, file.constData() + at + length - 4, 4);
        if (trailing != length)
            return *whole = false, blocks;
        blocks << Block{type, file.mid(at + 8, length - 12)};
        at += length;
    }
    return blocks;
}

quint32 u32(const QByteArray &bytes, int at)
{
    quint32 value = 0;
    std::memcpy(&value, bytes.constData() + at, 4);
    return value;
}

quint16 u16(const QByteArray &bytes, int at)
{
    quint16 value = 0;
    std::memcpy(&value, bytes.constData() + at, 2);
    return value;
}

// The options of a block from `at`: code → value.
QMultiMap<quint16, QByteArray> optionsOf(const QByteArray &body, int at)
{
    QMultiMap<quint16, QByteArray> options;
    while (at + 4 <= body.size()) {
        const quint16 code = u16(body, at);
        const quint16 length = u16(body, at + 2);
        if (code == 0)
            break;
        options.insert(code, body.mid(at + 4, length));
        at += 4 + (length + 3) / 4 * 4;
    }
    return options;
}

} // namespace

void TestPcapng::blocksFollowTheFormat()
{
    Trace trace;
    trace.append(connectCall());
    trace.append(packetEvent(synFrame(1), 0, 1'700'000'000'123'456'789));
    trace.append(packetEvent(synFrame(2).left(57), 0, 1'700'000'000'223'456'789)); // an odd length pads
    const QByteArray file = pcapng::encode(trace);
    bool whole = false;
    const QList<Block> blocks = blocksOf(file, &whole);
    QVERIFY(whole);
    QCOMPARE(blocks.size(), 4);

    QCOMPARE(blocks.at(0).type, 0x0A0D0D0Au);
    QCOMPARE(u32(blocks.at(0).body, 0), 0x1A2B3C4Du);
    QCOMPARE(u16(blocks.at(0).body, 4), quint16(1));

    QCOMPARE(blocks.at(1).type, 1u);
    QCOMPARE(u16(blocks.at(1).body, 0), quint16(1)); // Ethernet
    const auto interfaceOptions = optionsOf(blocks.at(1).body, 8);
    QCOMPARE(interfaceOptions.value(9), QByteArray(1, char(9))); // nanoseconds
    QCOMPARE(interfaceOptions.value(2), QByteArray("lo"));

    for (int i = 2; i < 4; ++i) {
        const QByteArray &body = blocks.at(i).body;
        QCOMPARE(blocks.at(i).type, 6u);
        QCOMPARE(u32(body, 0), 0u); // interface 0
        const quint64 time = quint64(u32(body, 4)) << 32 | u32(body, 8);
        QCOMPARE(time, i == 2 ? 1'700'000'000'123'456'789ull : 1'700'000'000'223'456'789ull);
        const quint32 captured = u32(body, 12);
        QCOMPARE(u32(body, 16), captured);
        const QByteArray frame = trace.at(i - 1).packet()->frame;
        QCOMPARE(captured, quint32(frame.size()));
        QCOMPARE(body.mid(20, captured), frame);
        const auto options = optionsOf(body, 20 + int((captured + 3) / 4 * 4));
        QCOMPARE(options.value(1), QByteArray("step 6: client connect(client, 127.0.0.1:8080)"));
    }
}

// A frame the tap cut to its headers (during a flood) keeps the length the kernel gave for it on
// the wire, so that Wireshark says the packet was cut.
void TestPcapng::originalLengthIsTheLengthOnTheWire_data()
{
    QTest::addColumn<int>("wireLength");
    QTest::addColumn<quint32>("original");
    QTest::addRow("whole frame") << 0 << 54u;
    QTest::addRow("cut after its headers") << int(14 + 0x244) << 14u + 0x244u;
}

void TestPcapng::originalLengthIsTheLengthOnTheWire()
{
    QFETCH(int, wireLength);
    QFETCH(quint32, original);
    const QByteArray frame = synFrame();
    Trace trace;
    trace.append(connectCall());
    TraceEvent packet = packetEvent(frame, 0, 1'700'000'000'000'000'000);
    std::get<PacketInfo>(packet.info).wireLength = wireLength;
    trace.append(packet);
    bool whole = false;
    const QList<Block> blocks = blocksOf(pcapng::encode(trace), &whole);
    QVERIFY(whole);
    QCOMPARE(blocks.size(), 3);
    QCOMPARE(u32(blocks.at(2).body, 12), quint32(frame.size()));
    QCOMPARE(u32(blocks.at(2).body, 16), original);
}

void TestPcapng::commentNamesStepAndCall_data()
{
    QTest::addColumn<qint64>("cause");
    QTest::addColumn<QString>("comment");
    QTest::addRow("caused by connect")
        << qint64(0) << QStringLiteral("step 6: client connect(client, 127.0.0.1:8080)");
    QTest::addRow("before any step") << qint64(-1) << QStringLiteral("before the first step");
}

void TestPcapng::commentNamesStepAndCall()
{
    QFETCH(qint64, cause);
    QFETCH(QString, comment);
    Trace trace;
    trace.append(connectCall());
    trace.append(packetEvent(synFrame(), cause, 1));
    QCOMPARE(pcapng::causeComment(trace, trace.at(1)), comment);
}

void TestPcapng::writeIsAtomic()
{
    QTemporaryDir directory;
    Trace trace;
    trace.append(connectCall());
    trace.append(packetEvent(synFrame(), 0, 1));
    const QString file = directory.filePath(QStringLiteral("t.pcapng"));
    QCOMPARE(pcapng::write(trace, file), QString());
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), pcapng::encode(trace));

    const QString missing = directory.filePath(QStringLiteral("no/such/folder/t.pcapng"));
    QVERIFY(pcapng::write(trace, missing).startsWith(QLatin1String("cannot write")));
    QVERIFY(!QFile::exists(missing));
    // Nothing but the finished file is left behind.
    QCOMPARE(QDir(directory.path()).entryList(QDir::Files), QStringList{QStringLiteral("t.pcapng")});
}

void TestPcapng::tsharkReadsIt()
{
    const QString tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
    if (tshark.isEmpty())
        QSKIP("needs tshark");
    QTemporaryDir directory;
    Trace trace;
    trace.append(connectCall());
    for (int i = 0; i < 3; ++i)
        trace.append(packetEvent(synFrame(quint8(i)), i == 2 ? -1 : 0, 1'700'000'000'000'000'000 + i * 1000));
    const QString file = directory.filePath(QStringLiteral("t.pcapng"));
    QCOMPARE(pcapng::write(trace, file), QString());
    QProcess process;
    process.start(tshark, {QStringLiteral("-r"), file, QStringLiteral("-T"), QStringLiteral("fields"),
                           QStringLiteral("-e"), QStringLiteral("tcp.dstport"), QStringLiteral("-e"),
                           QStringLiteral("frame.time_epoch"), QStringLiteral("-e"),
                           QStringLiteral("frame.comment")});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 0);
    const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(
        lines.at(0).startsWith("8080\t1700000000.000000000\tstep 6: client connect(client, 127.0.0.1:8080)"),
        lines.at(0).constData());
    QVERIFY2(lines.at(1).contains("1700000000.000001000"), lines.at(1).constData());
    QVERIFY2(lines.at(2).endsWith("before the first step"), lines.at(2).constData());
}

QTEST_GUILESS_MAIN(TestPcapng)
#include "tst_pcapng.moc"
