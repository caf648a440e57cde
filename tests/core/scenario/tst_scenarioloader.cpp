#include "scenario/scenarioloader.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

class TestScenarioLoader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void brokenFileIsRefused_data();
    void brokenFileIsRefused();
    void everyBrokenFileHasARow();
    void parseErrorCountsCharactersNotBytes();
    void builtinScenarioLoads_data();
    void builtinScenarioLoads();
    void oddButValidFileLoads_data();
    void oddButValidFileLoads();
    void errnoAliasMatchesTheKernelsName();
    void socketUsedAfterCloseIsAllowed();
    void unknownBuiltinIsRefused();
    void commandLineRefusesBrokenFile_data();
    void commandLineRefusesBrokenFile();
};

namespace {
QStringList brokenRowsSeen;
} // namespace

void TestScenarioLoader::brokenFileIsRefused_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("line"); // only for text that does not parse

    const auto row = [](const char *file, const char *path, const char *reason, int line = 0) {
        QTest::newRow(file) << QString::fromLatin1(file) << QString::fromLatin1(path)
                            << QString::fromLatin1(reason) << line;
    };
    // Text that is not JSON: the line and column, no path.
    row("malformed-json", "", "not valid JSON: a ',' or '}' is missing", 7);
    row("unterminated-string", "", "a string is not closed before the end of the line", 8);
    row("trailing-comma", "", "no comma before '}' or ']'", 8);
    row("not-an-object", "$", "must be a JSON object");
    // The header and the actors.
    row("missing-id", "$", "\"id\" is missing");
    row("bad-id", "$.id", "not a valid id");
    row("unknown-top-level-key", "$.author", "unknown key \"author\"");
    row("unknown-level", "$.level", "unknown level \"easy\"");
    row("no-actors", "$.actors", "non-empty array");
    row("duplicate-actor-id", "$.actors[2].id", "duplicate actor id \"server\"");
    row("no-steps", "$.steps", "non-empty array");
    row("duplicate-step-id", "$.steps[3].id", "duplicate step id \"make\"");
    row("unknown-actor", "$.steps[3].actor", "unknown actor \"browser\"");
    // Calls and their arguments.
    row("unknown-call", "$.steps[6].call", "unknown call \"sendfile\"");
    row("missing-argument", "$.steps[1].args", "argument \"address\" is missing");
    row("missing-port", "$.steps[1].args", "\"port\" is missing");
    row("unknown-argument", "$.steps[2].args.queue", "listen() has no argument \"queue\"");
    row("args-not-object", "$.steps[2].args", "must be an object, not an array");
    row("port-as-string", "$.steps[1].args.port", "not a string: write 8080 without quotes");
    row("port-float", "$.steps[4].args.port", "must be a whole number");
    row("port-out-of-range", "$.steps[1].args.port", "port 70000 is out of range (0 to 65535)");
    row("port-negative", "$.steps[1].args.port", "port -1 is out of range");
    row("backlog-as-string", "$.steps[2].args.backlog", "not a string");
    row("unknown-family", "$.steps[0].args.domain", "unknown domain \"AF_IPX\"");
    row("unknown-type", "$.steps[3].args.type", "unknown type \"SOCK_RDM\"");
    row("raw-without-icmp", "$.steps[0].args.protocol", "a raw socket needs protocol IPPROTO_ICMP");
    row("tcp-option-on-udp", "$.steps[2].args.option", "TCP_NODELAY applies to TCP sockets only");
    row("filter-share-too-large", "$.steps[2].args.value", "share of arriving packets to drop, 0 to 100");
    row("send-two-payloads", "$.steps[6].args", "exactly one of \"data\", \"data_hex\", \"echo\"");
    row("send-bad-hex", "$.steps[6].args.data_hex", "pairs of hex digits");
    // Socket names.
    row("unknown-socket", "$.steps[6].socket", "unknown socket \"sock\": no step creates it");
    row("socket-used-before-created", "$.steps[0].socket",
        "\"client\" is used before it is created (at $.steps[4])");
    row("socket-of-another-actor", "$.steps[7].socket", "belongs to actor \"server\"");
    row("socket-name-still-open", "$.steps[4].creates", "\"client\" already exists and is still open");
    row("socket-with-socket-key", "$.steps[0].socket", "socket() does not use an existing socket");
    // Addresses: loopback only, whatever the spelling.
    row("listen-without-bind", "$.steps[1].socket", "would listen on every interface");
    row("address-public", "$.steps[4].args.address", "8.8.8.8 is not a loopback address");
    row("address-any", "$.steps[1].args.address", "0.0.0.0 means every interface");
    row("address-with-space", "$.steps[1].args.address", "spaces or invisible characters");
    row("address-with-nul", "$.steps[4].args.address", "\\u0000");
    row("address-localhost", "$.steps[4].args.address", "\"localhost\" is a name, not an address");
    row("address-hostname", "$.steps[4].args.address", "\"www.example.com\" is a name");
    row("address-short-form", "$.steps[4].args.address", "\"127.1\" is not an IPv4 address");
    row("address-ipv6-on-ipv4", "$.steps[4].args.address", "is an IPv6 address, but the socket is AF_INET");
    row("address-ipv6-any", "$.steps[1].args.address", ":: means every interface");
    row("address-ipv4-mapped", "$.steps[4].args.address",
        "::ffff:8.8.8.8 is an IPv4 address written as IPv6");
    row("address-ipv6-public", "$.steps[4].args.address", "2001:db8::1 is not the loopback address");
    row("address-ipv4-on-ipv6", "$.steps[4].args.address", "is an IPv4 address, but the socket is AF_INET6");
    row("unix-absolute-path", "$.steps[1].args.address", "\"/tmp/echo.sock\" is absolute");
    row("unix-parent-directory", "$.steps[1].args.address", "leaves the session's own directory");
    row("unix-sneaky-parent", "$.steps[4].args.address", "leaves the session's own directory");
    row("unix-port", "$.steps[4].args.port", "a Unix socket has no ports");
    row("unix-empty-abstract", "$.steps[1].args.address", "abstract Unix name needs 1 to");
    // Expectations.
    row("expect-not-object", "$.steps[1].expect", "must be an object such as");
    row("expect-unknown-errno", "$.steps[4].expect.errno", "unknown errno name \"ECONNFAILED\"");
    row("expect-errno-and-success", "$.steps[4].expect", "cannot both fail with an errno and succeed");
    row("expect-result-float", "$.steps[6].expect.result", "must be a whole number");
    row("expect-blocks-never-waits", "$.steps[1].expect.blocks", "bind() never waits");
    row("expect-ok-false", "$.steps[1].expect.ok", "\"ok\": false checks nothing");
}

void TestScenarioLoader::brokenFileIsRefused()
{
    QFETCH(QString, file);
    QFETCH(QString, path);
    QFETCH(QString, reason);
    QFETCH(int, line);
    brokenRowsSeen << file;

    const QString fileName = testsupport::testData(QStringLiteral("broken/%1.json").arg(file));
    QVERIFY2(QFileInfo::exists(fileName), qPrintable(fileName));
    const ScenarioLoadResult loaded = ScenarioLoader::loadFile(fileName);
    QVERIFY2(!loaded.ok(), "a broken file loaded");
    QCOMPARE(loaded.error.file, fileName);
    QCOMPARE(loaded.error.path, path);
    QVERIFY2(loaded.error.reason.contains(reason), qPrintable(loaded.error.reason));
    QCOMPARE(loaded.error.line, line);
    if (line > 0)
        QVERIFY(loaded.error.column > 0);
    // The one line a teacher reads names the file, the place and the reason.
    const QString text = loaded.error.toString();
    QVERIFY(text.startsWith(fileName));
    QVERIFY(text.contains(reason));
    if (!path.isEmpty())
        QVERIFY(text.contains(QStringLiteral("at ") + path));
}

void TestScenarioLoader::everyBrokenFileHasARow()
{
    const QStringList files = QDir(testsupport::testData(QStringLiteral("broken")))
                                  .entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 20);
    for (const QString &file : files)
        QVERIFY2(brokenRowsSeen.contains(QFileInfo(file).completeBaseName()),
                 qPrintable(file + QStringLiteral(" has no row")));
}

void TestScenarioLoader::parseErrorCountsCharactersNotBytes()
{
    // "é" is two bytes in UTF-8 but one column in the teacher's editor.
    const ScenarioLoadResult loaded =
        ScenarioLoader::parse("{\"title\": \"caf\xc3\xa9\" \"id\": 1}", QStringLiteral("x.json"));
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error.line, 1);
    const ScenarioLoadResult ascii =
        ScenarioLoader::parse("{\"title\": \"cafe\" \"id\": 1}", QStringLiteral("x.json"));
    QCOMPARE(loaded.error.column, ascii.error.column);
}

void TestScenarioLoader::builtinScenarioLoads_data()
{
    QTest::addColumn<QString>("id");
    const QStringList ids = ScenarioLoader::builtinIds();
    QVERIFY(ids.contains(QStringLiteral("tcp-echo")));
    for (const QString &id : ids)
        QTest::newRow(qPrintable(id)) << id;
}

void TestScenarioLoader::builtinScenarioLoads()
{
    QFETCH(QString, id);
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    QCOMPARE(loaded.scenario.id, id);
    QVERIFY(!loaded.scenario.steps.isEmpty());
    QCOMPARE(ScenarioLoader::load(id).scenario.steps.size(), loaded.scenario.steps.size());
}

void TestScenarioLoader::oddButValidFileLoads_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = QDir(testsupport::testData(QStringLiteral("valid")))
                                  .entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 5);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << testsupport::testData(QStringLiteral("valid/") + file);
}

void TestScenarioLoader::oddButValidFileLoads()
{
    QFETCH(QString, file);
    const ScenarioLoadResult loaded = ScenarioLoader::load(file);
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    QCOMPARE(loaded.scenario.source, file);
}

void TestScenarioLoader::errnoAliasMatchesTheKernelsName()
{
    const ScenarioLoadResult loaded =
        ScenarioLoader::loadFile(testsupport::testData(QStringLiteral("valid/errno-alias.json")));
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    // Written EWOULDBLOCK; the kernel's EAGAIN has the same number and the run compares names.
    QCOMPARE(loaded.scenario.steps.at(4).expect.errnoName, QStringLiteral("EAGAIN"));
    QCOMPARE(loaded.scenario.steps.at(4).expect.result, std::optional<qint64>(-1));
}

void TestScenarioLoader::socketUsedAfterCloseIsAllowed()
{
    const ScenarioLoadResult loaded =
        ScenarioLoader::loadFile(testsupport::testData(QStringLiteral("valid/use-after-close.json")));
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    const ScenarioStep &recvAfterClose = loaded.scenario.steps.at(11);
    QCOMPARE(recvAfterClose.call, Call::Recv);
    QCOMPARE(recvAfterClose.socket, QStringLiteral("conn"));
    QCOMPARE(recvAfterClose.expect.errnoName, QStringLiteral("EBADF"));
    // The closed name may be given to a new socket; its protocol was written as the number 0.
    QCOMPARE(loaded.scenario.steps.at(12).creates, QStringLiteral("conn"));
    QCOMPARE(loaded.scenario.steps.at(12).args.value(QStringLiteral("protocol")).toString(),
             QStringLiteral("0"));
}

void TestScenarioLoader::unknownBuiltinIsRefused()
{
    const ScenarioLoadResult loaded = ScenarioLoader::load(QStringLiteral("no-such-lesson"));
    QVERIFY(!loaded.ok());
    QVERIFY(loaded.error.toString().contains(QStringLiteral("no-such-lesson")));
    QVERIFY(!ScenarioLoader::load(QStringLiteral("missing/file.json")).ok());
}

void TestScenarioLoader::commandLineRefusesBrokenFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("reason");
    QTest::newRow("parse error") << QStringLiteral("malformed-json") << QStringLiteral("not valid JSON");
    QTest::newRow("public address") << QStringLiteral("address-public")
                                    << QStringLiteral("not a loopback address");
    QTest::newRow("unknown call") << QStringLiteral("unknown-call")
                                  << QStringLiteral("unknown call \"sendfile\"");
    QTest::newRow("socket too early")
        << QStringLiteral("socket-used-before-created") << QStringLiteral("used before it is created");
}

void TestScenarioLoader::commandLineRefusesBrokenFile()
{
    QFETCH(QString, file);
    QFETCH(QString, reason);
    const QString fileName = testsupport::testData(QStringLiteral("broken/%1.json").arg(file));
    const testsupport::ProcessResult run = testsupport::runSocketscope({QStringLiteral("run"), fileName});
    QCOMPARE(run.exitCode, 2);
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(fileName), qPrintable(err));
    QVERIFY2(err.contains(reason), qPrintable(err));
    // Refused before anything ran: not one call was printed.
    QVERIFY2(run.out.trimmed().isEmpty(), run.out.constData());
}

QTEST_GUILESS_MAIN(TestScenarioLoader)
#include "tst_scenarioloader.moc"
