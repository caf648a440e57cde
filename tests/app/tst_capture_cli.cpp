#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <algorithm>

// `socketscope run` with capture, as a student without privileges runs it. CI runs as root, so
// the command is run as nobody there.
class TestCaptureCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sandboxCapturesTheWholeConnection();
    void lastAckIsSeenWhenItsAckIsLost();
    void hostLoopbackIsHonest();
    void unwritablePcapIsBadInput();

private:
    testsupport::ProcessResult runAsPlainUser(const QStringList &arguments);
    QTemporaryDir m_directory;
    QString m_setpriv;
};

namespace {

QJsonObject readJson(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QList<QJsonObject> packetEvents(const QJsonObject &trace)
{
    QList<QJsonObject> packets;
    for (const QJsonValue &value : trace.value(QStringLiteral("events")).toArray()) {
        if (value.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("packet"))
            packets << value.toObject();
    }
    return packets;
}

/// Every state a socket was seen in, as "socket:STATE" (a set: the order is checked elsewhere).
QSet<QString> statesOf(const QJsonObject &trace)
{
    QSet<QString> states;
    for (const QJsonValue &value : trace.value(QStringLiteral("events")).toArray()) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("kind")).toString() == QLatin1String("state"))
            states.insert(event.value(QStringLiteral("socket")).toString() + u':' +
                          event.value(QStringLiteral("to")).toString());
    }
    return states;
}

// Each expected entry may give alternatives: "client:FIN_WAIT1|client:FIN_WAIT2".
void verifyStates(const QSet<QString> &seen, const QStringList &expected)
{
    for (const QString &state : expected) {
        const QStringList alternatives = state.split(u'|');
        const bool found = std::any_of(alternatives.cbegin(), alternatives.cend(),
                                       [&seen](const QString &one) { return seen.contains(one); });
        QVERIFY2(found, qPrintable(state + QStringLiteral(" not in ") +
                                   QStringList(seen.begin(), seen.end()).join(u' ')));
    }
}

QString flagsOf(const QJsonObject &packet)
{
    QStringList flags;
    for (const QJsonValue &flag : packet.value(QStringLiteral("flags")).toArray())
        flags << flag.toString();
    return flags.join(u'+');
}

} // namespace

void TestCaptureCli::initTestCase()
{
    QVERIFY(m_directory.isValid());
    if (::getuid() == 0) {
        m_setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
        if (m_setpriv.isEmpty())
            QSKIP("running as root, and setpriv (util-linux) is missing to drop to a plain user");
        // nobody must be able to write its outputs here.
        QVERIFY(QFile::setPermissions(m_directory.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                              QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                              QFileDevice::WriteOther |
                                                              QFileDevice::ExeOther));
        QVERIFY(::chown(QFile::encodeName(m_directory.path()).constData(), 65534, 65534) == 0);
    }
}

testsupport::ProcessResult TestCaptureCli::runAsPlainUser(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_directory.path());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("SOCKETSCOPE_SANDBOX")); // the helper next to the binary
    process.setProcessEnvironment(environment);
    if (m_setpriv.isEmpty())
        process.start(QStringLiteral(SOCKETSCOPE_BINARY), arguments);
    else
        process.start(m_setpriv,
                      QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                  QStringLiteral("--clear-groups"), QStringLiteral(SOCKETSCOPE_BINARY)} +
                          arguments);
    testsupport::ProcessResult result;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void TestCaptureCli::sandboxCapturesTheWholeConnection()
{
    const QString trace = m_directory.filePath(QStringLiteral("sandbox.json"));
    const QString pcap = m_directory.filePath(QStringLiteral("sandbox.pcapng"));
    const auto result = runAsPlainUser({QStringLiteral("run"), QStringLiteral("tcp-echo"),
                                        QStringLiteral("--trace"), trace, QStringLiteral("--pcap"), pcap});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = readJson(trace);
    if (json.value(QStringLiteral("mode")).toString() == QLatin1String("host") &&
        json.value(QStringLiteral("mode_reason")).toString().contains(QLatin1String("unshare")))
        QSKIP("this kernel does not let a plain user make a network namespace");
    QCOMPARE(json.value(QStringLiteral("mode")).toString(), QStringLiteral("sandbox"));
    QCOMPARE(json.value(QStringLiteral("capture")).toBool(), true);
    if (!m_setpriv.isEmpty())
        QCOMPARE(QFileInfo(pcap).ownerId(), 65534u);

    const QList<QJsonObject> packets = packetEvents(json);
    QStringList flags;
    for (const QJsonObject &packet : packets) {
        flags << flagsOf(packet);
        QVERIFY(packet.value(QStringLiteral("cause")).toInteger(-1) >= 0);
    }
    QCOMPARE(flags, (QStringList{QStringLiteral("SYN"), QStringLiteral("SYN+ACK"), QStringLiteral("ACK"),
                                 QStringLiteral("PSH+ACK"), QStringLiteral("ACK"), QStringLiteral("PSH+ACK"),
                                 QStringLiteral("ACK"), QStringLiteral("FIN+ACK"), QStringLiteral("ACK"),
                                 QStringLiteral("FIN+ACK"), QStringLiteral("ACK")}));
    // The states, on the right sockets: the server's listener and connected socket, and the client
    // that closes first.
    verifyStates(statesOf(json),
                 {QStringLiteral("listener:LISTEN"), QStringLiteral("client:ESTABLISHED"),
                  QStringLiteral("conn:ESTABLISHED"), QStringLiteral("client:FIN_WAIT1|client:FIN_WAIT2"),
                  QStringLiteral("conn:CLOSE_WAIT"), QStringLiteral("client:TIME_WAIT")});
    if (QTest::currentTestFailed())
        return;
    const QString hello = QString::fromLatin1(QByteArray("hello, server\n").toHex());
    QCOMPARE(packets.at(3).value(QStringLiteral("payload_hex")).toString(), hello);
    QCOMPARE(packets.at(5).value(QStringLiteral("payload_hex")).toString(), hello);
    QCOMPARE(packets.at(0).value(QStringLiteral("dst")).toString(), QStringLiteral("127.0.0.1:8080"));

    const QString tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
    if (tshark.isEmpty())
        QSKIP("the trace is checked; reading the pcapng needs tshark");
    QProcess reader;
    reader.start(tshark, {QStringLiteral("-r"), pcap, QStringLiteral("-T"), QStringLiteral("fields"),
                          QStringLiteral("-e"), QStringLiteral("tcp.flags.str"), QStringLiteral("-e"),
                          QStringLiteral("frame.comment")});
    QVERIFY(reader.waitForFinished(30000));
    QCOMPARE(reader.exitCode(), 0);
    const QList<QByteArray> lines = reader.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), packets.size());
    QVERIFY2(lines.first().endsWith("step 6: client connect(client, 127.0.0.1:8080)"),
             lines.first().constData());
    QVERIFY2(lines.at(3).endsWith("step 7: client send(client, \"hello, server\\n\")"),
             lines.at(3).constData());
    QVERIFY2(lines.last().endsWith("step 13: server close(conn)"), lines.last().constData());
}

// On loopback the ACK of the last FIN comes back inside close(), too soon for any probe: the
// time-wait scenario drops it with a socket filter, so LAST_ACK is held and can be read.
void TestCaptureCli::lastAckIsSeenWhenItsAckIsLost()
{
    const QString trace = m_directory.filePath(QStringLiteral("time-wait.json"));
    const auto result = runAsPlainUser(
        {QStringLiteral("run"), QStringLiteral("time-wait"), QStringLiteral("--trace"), trace});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = readJson(trace);
    // conn's FIN_WAIT1 lasts until the client's kernel acknowledges the FIN, which it may do inside
    // the close() call: the probe sees it in most runs (the issue asks for FIN_WAIT1 or 2), but a
    // slow run (under a sanitizer) went from ESTABLISHED straight to FIN_WAIT2 in the trace.
    verifyStates(statesOf(json), {QStringLiteral("conn:FIN_WAIT2"), QStringLiteral("client:CLOSE_WAIT"),
                                  QStringLiteral("client:LAST_ACK"), QStringLiteral("conn:TIME_WAIT")});
}

void TestCaptureCli::hostLoopbackIsHonest()
{
    const QString trace = m_directory.filePath(QStringLiteral("host.json"));
    const auto result = runAsPlainUser({QStringLiteral("run"), QStringLiteral("tcp-echo"),
                                        QStringLiteral("--trace"), trace, QStringLiteral("--host-loopback")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = readJson(trace);
    QCOMPARE(json.value(QStringLiteral("mode")).toString(), QStringLiteral("host"));
    QCOMPARE(json.value(QStringLiteral("capture")).toBool(), false);
    QVERIFY(json.value(QStringLiteral("mode_reason")).toString().contains(QLatin1String("CAP_NET_RAW")));
    QVERIFY(packetEvents(json).isEmpty());
    QVERIFY(json.value(QStringLiteral("events")).toArray().size() >= 14);
    verifyStates(statesOf(json),
                 {QStringLiteral("listener:LISTEN"), QStringLiteral("client:ESTABLISHED"),
                  QStringLiteral("conn:ESTABLISHED"), QStringLiteral("client:FIN_WAIT1|client:FIN_WAIT2"),
                  QStringLiteral("conn:CLOSE_WAIT"), QStringLiteral("client:TIME_WAIT")});
    QVERIFY(result.out.contains("Host loopback"));
}

void TestCaptureCli::unwritablePcapIsBadInput()
{
    const auto result =
        testsupport::runSocketscope({QStringLiteral("run"), QStringLiteral("tcp-echo"),
                                     QStringLiteral("--pcap"), QStringLiteral("/nonexistent/t.pcapng")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("/nonexistent"), result.err.constData());
}

QTEST_GUILESS_MAIN(TestCaptureCli)
#include "tst_capture_cli.moc"
