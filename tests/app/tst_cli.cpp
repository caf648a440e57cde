// The command line contract of DESIGN.md: list, run (exit codes 0/1/2), the trace file.
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using testsupport::runSocketscope;

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listShowsIdsAndTitles();
    void everyBuiltinRunsAndItsTraceHasTheRequiredFields_data();
    void everyBuiltinRunsAndItsTraceHasTheRequiredFields();
    void tcpEchoPrintsTheLifeCycle();
    void badInputExitsTwo_data();
    void badInputExitsTwo();
    void departureExitsOne();
};

void TestCli::listShowsIdsAndTitles()
{
    const auto result = runSocketscope({QStringLiteral("list")});
    QCOMPARE(result.exitCode, 0);
    const QList<QByteArray> lines = result.out.trimmed().split('\n');
    QVERIFY(lines.size() >= 3);
    for (const QByteArray &line : lines) {
        const QList<QByteArray> parts = line.split('\t');
        QCOMPARE(parts.size(), 2);
        QVERIFY(!parts.at(0).isEmpty());
        QVERIFY(!parts.at(1).isEmpty());
        QVERIFY2(!parts.at(1).startsWith("(broken"), line.constData());
    }
    QVERIFY(result.out.contains("tcp-echo\t"));
    QVERIFY(result.out.contains("udp-echo\t"));
    QVERIFY(result.out.contains("unix-stream\t"));
}

void TestCli::everyBuiltinRunsAndItsTraceHasTheRequiredFields_data()
{
    QTest::addColumn<QString>("id");
    const auto result = runSocketscope({QStringLiteral("list")});
    for (const QByteArray &line : result.out.trimmed().split('\n')) {
        const QString id = QString::fromUtf8(line.split('\t').first());
        QTest::addRow("%s", qPrintable(id)) << id;
    }
}

void TestCli::everyBuiltinRunsAndItsTraceHasTheRequiredFields()
{
    QFETCH(QString, id);
    QTemporaryDir dir;
    const QString traceFile = dir.filePath(QStringLiteral("t.json"));
    const auto result = runSocketscope({QStringLiteral("run"), id, QStringLiteral("--trace"), traceFile});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QFile file(traceFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(root.value(QLatin1String("format")).toString(), QStringLiteral("socketscope-trace"));
    QCOMPARE(root.value(QLatin1String("version")).toInt(), 1);
    QCOMPARE(root.value(QLatin1String("scenario")).toString(), id);
    QVERIFY(QStringList({QStringLiteral("sandbox"), QStringLiteral("host")})
                .contains(root.value(QLatin1String("mode")).toString()));
    QVERIFY(root.value(QLatin1String("capture")).isBool());
    const QJsonArray events = root.value(QLatin1String("events")).toArray();
    QVERIFY(!events.isEmpty());
    qint64 previous = -1;
    int returned = 0;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        QCOMPARE(event.value(QLatin1String("seq")).toInteger(), previous + 1);
        previous = event.value(QLatin1String("seq")).toInteger();
        QVERIFY(event.value(QLatin1String("t_ns")).isDouble());
        const QString kind = event.value(QLatin1String("kind")).toString();
        QVERIFY(!kind.isEmpty());
        if (kind != QLatin1String("call"))
            continue;
        for (const char *key : {"actor", "step", "call", "args", "phase", "socket", "local", "peer"})
            QVERIFY2(event.contains(QLatin1String(key)), key);
        QVERIFY(event.value(QLatin1String("args")).isObject());
        if (event.value(QLatin1String("phase")).toString() == QLatin1String("returned")) {
            ++returned;
            QVERIFY(event.value(QLatin1String("result")).isDouble());
            QVERIFY(event.contains(QLatin1String("errno")));
            QVERIFY(event.value(QLatin1String("errno")).isNull() ||
                    event.value(QLatin1String("errno")).toString().startsWith(u'E'));
        } else {
            QCOMPARE(event.value(QLatin1String("phase")).toString(), QStringLiteral("blocked"));
        }
    }
    QVERIFY(returned > 0);
}

void TestCli::tcpEchoPrintsTheLifeCycle()
{
    const auto result = runSocketscope(
        {QStringLiteral("run"), QStringLiteral("tcp-echo"), QStringLiteral("--host-loopback")});
    QCOMPARE(result.exitCode, 0);
    const QString out = QString::fromUtf8(result.out);
    // The calls of both sides, in the order they happened.
    const QStringList expected = {
        QStringLiteral("[server] socket(AF_INET, SOCK_STREAM, 0) = "),
        QStringLiteral("[server] bind(listener, 127.0.0.1:8080) = 0"),
        QStringLiteral("[server] listen(listener, 5) = 0"),
        QStringLiteral("[server] accept(listener) … blocked"),
        QStringLiteral("[client] connect(client, 127.0.0.1:8080) = 0"),
        QStringLiteral("[server] accept(listener) = "),
        QStringLiteral("[server] recv(conn, 1024) = 14 \"hello, server\\n\""),
        QStringLiteral("[client] recv(client, 1024) = 14 \"hello, server\\n\""),
        QStringLiteral("[client] close(client) = 0"),
        QStringLiteral("[server] recv(conn, 1024) = 0"),
        QStringLiteral("[server] close(listener) = 0"),
    };
    qsizetype from = 0;
    for (const QString &line : expected) {
        const qsizetype at = out.indexOf(line, from);
        QVERIFY2(at >= 0, qPrintable(QStringLiteral("missing or out of order: ") + line + u'\n' + out));
        from = at + line.size();
    }
    QVERIFY(out.contains(QStringLiteral(" (conn) from 127.0.0.1:")));
}

void TestCli::badInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown scenario") << QStringList{QStringLiteral("run"), QStringLiteral("no-such-lesson")}
                                      << QStringLiteral("no-such-lesson: no built-in scenario");
    QTest::addRow("missing file") << QStringList{QStringLiteral("run"), QStringLiteral("/nonexistent/x.json")}
                                  << QStringLiteral("/nonexistent/x.json: no such file");
    QTest::addRow("invalid file") << QStringList{QStringLiteral("run"),
                                                 testsupport::testData(QStringLiteral("cli/broken.json"))}
                                  << QStringLiteral(
                                         "broken.json: at $.steps[1].args.port: port 70000 is out of range");
    QTest::addRow("unwritable trace")
        << QStringList{QStringLiteral("run"), QStringLiteral("tcp-echo"), QStringLiteral("--trace"),
                       QStringLiteral("/nonexistent/t.json")}
        << QStringLiteral("cannot write /nonexistent/t.json");
    QTest::addRow("unknown option") << QStringList{QStringLiteral("run"), QStringLiteral("tcp-echo"),
                                                   QStringLiteral("--frobnicate")}
                                    << QStringLiteral("unknown option --frobnicate");
    QTest::addRow("no scenario") << QStringList{QStringLiteral("run")}
                                 << QStringLiteral("run needs a scenario");
}

void TestCli::badInputExitsTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto result = runSocketscope(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
    QVERIFY(result.out.isEmpty()); // nothing ran
}

void TestCli::departureExitsOne()
{
    const auto result =
        runSocketscope({QStringLiteral("run"), testsupport::testData(QStringLiteral("cli/departs.json"))});
    QCOMPARE(result.exitCode, 1);
    const QString err = QString::fromUtf8(result.err);
    QVERIFY2(
        err.contains(QStringLiteral("step 2 (client connect): expected 0, but it returned -1 ECONNREFUSED")),
        qPrintable(err));
    QVERIFY(QString::fromUtf8(result.out).contains(QStringLiteral("ECONNREFUSED — ")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
