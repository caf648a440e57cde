// What the trace reports is what really happened: the calls and results in a trace match what
// strace sees for the same run.
#include "testsupport.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Syscall
{
    QString name;
    qint64 result = 0;
    QString errnoName;
};

QString straceName(const QString &call)
{
    if (call == QLatin1String("send"))
        return QStringLiteral("sendto");
    if (call == QLatin1String("recv"))
        return QStringLiteral("recvfrom");
    if (call == QLatin1String("accept"))
        return QStringLiteral("accept4");
    return call;
}

// strace -f output: "PID name(args) = result [ERRNO (text)]", with calls that block split into
// "<unfinished ...>" and "<... name resumed> …) = result".
QHash<int, QList<Syscall>> parseStrace(const QByteArray &text)
{
    static const QRegularExpression complete(
        QStringLiteral(R"(^(\d+)\s+(\w+)\(.*\)\s+=\s+(-?\d+)(?:\s+(E\w+))?)"));
    static const QRegularExpression resumed(
        QStringLiteral(R"(^(\d+)\s+<\.\.\. (\w+) resumed>.*\)\s+=\s+(-?\d+)(?:\s+(E\w+))?)"));
    QHash<int, QList<Syscall>> byThread;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        QRegularExpressionMatch match = complete.match(line);
        if (!match.hasMatch())
            match = resumed.match(line);
        if (!match.hasMatch())
            continue;
        byThread[match.captured(1).toInt()]
            << Syscall{match.captured(2), match.captured(3).toLongLong(), match.captured(4)};
    }
    return byThread;
}

bool isSubsequence(const QList<Syscall> &wanted, const QList<Syscall> &seen)
{
    qsizetype at = 0;
    for (const Syscall &call : seen) {
        if (at < wanted.size() && call.name == wanted.at(at).name && call.result == wanted.at(at).result &&
            call.errnoName == wanted.at(at).errnoName)
            ++at;
    }
    return at == wanted.size();
}

} // namespace

class TestStrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void traceMatchesStrace_data();
    void traceMatchesStrace();
};

void TestStrace::traceMatchesStrace_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addRow("tcp-echo") << QStringLiteral("tcp-echo");
    QTest::addRow("udp-echo") << QStringLiteral("udp-echo");
    QTest::addRow("unix-stream") << QStringLiteral("unix-stream");
    QTest::addRow("refused") << testsupport::testData(QStringLiteral("cli/departs.json"));
}

void TestStrace::traceMatchesStrace()
{
    QFETCH(QString, scenario);
    const QString strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
    if (strace.isEmpty())
        QSKIP("strace is not installed (tools/dev test installs it)");
    QTemporaryDir dir;
    const QString traceFile = dir.filePath(QStringLiteral("t.json"));
    const QString straceFile = dir.filePath(QStringLiteral("strace.txt"));
    QProcess process;
    // On the host loopback every call, socket() included, is made by the actor's own thread.
    process.start(strace,
                  {QStringLiteral("-f"), QStringLiteral("-qq"), QStringLiteral("-o"), straceFile,
                   QStringLiteral("-e"),
                   QStringLiteral("trace=socket,bind,listen,accept4,connect,sendto,recvfrom,shutdown,close,"
                                  "getsockname,getpeername,setsockopt,fcntl"),
                   QStringLiteral(SOCKETSCOPE_BINARY), QStringLiteral("run"), scenario,
                   QStringLiteral("--host-loopback"), QStringLiteral("--trace"), traceFile});
    QVERIFY(process.waitForFinished(60000));
    if (process.exitCode() != 0 && process.readAllStandardError().contains("PTRACE"))
        QSKIP("ptrace is not permitted here");
    QFile straceText(straceFile);
    QVERIFY(straceText.open(QIODevice::ReadOnly));
    const auto byThread = parseStrace(straceText.readAll());
    QVERIFY(!byThread.isEmpty());

    QFile file(traceFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray events =
        QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("events")).toArray();
    QHash<QString, QList<Syscall>> byActor;
    int calls = 0;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        if (event.value(QLatin1String("kind")).toString() != QLatin1String("call") ||
            event.value(QLatin1String("phase")).toString() != QLatin1String("returned"))
            continue;
        const QString call = event.value(QLatin1String("call")).toString();
        if (call == QLatin1String("process") || call == QLatin1String("fcntl"))
            continue; // process is no system call; fcntl is two (F_GETFL, F_SETFL)
        byActor[event.value(QLatin1String("actor")).toString()]
            << Syscall{straceName(call), event.value(QLatin1String("result")).toInteger(),
                       event.value(QLatin1String("errno")).toString()};
        ++calls;
    }
    QVERIFY(calls >= 2);
    // Each actor's calls, with their results and errno names, are what one thread of the process did.
    for (auto it = byActor.cbegin(); it != byActor.cend(); ++it) {
        bool matched = false;
        for (const QList<Syscall> &seen : byThread)
            matched = matched || isSubsequence(it.value(), seen);
        QVERIFY2(matched,
                 qPrintable(QStringLiteral("the calls of %1 are not what strace saw").arg(it.key())));
    }
}

QTEST_GUILESS_MAIN(TestStrace)
#include "tst_strace.moc"
