#include "codegen/codegen.h"
#include "posix/dropfilter.h"
#include "scenario/callspec.h"
#include "scenario/scenarioloader.h"
#include "testsupport.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestCodegen : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void builtinProgramsCompile_data();
    void builtinProgramsCompile();
    void everyCallIsGenerated_data();
    void everyCallIsGenerated();
    void lineMapCoversEachStep();
    void reportLineFormat();
    void commandLine_data();
    void commandLine();

private:
    bool writeFile(const QString &name, const QString &text);
    QString compileC(const GeneratedProgram &program);
    QString checkPython(const GeneratedProgram &program);

    QTemporaryDir m_dir;
    QString m_cc;
    QString m_python;
};

namespace {

// Every call of core/callspec.cpp, with the arguments that reach each branch of the generator.
Scenario everyCallScenario()
{
    return testsupport::makeScenario(
        {QStringLiteral("server"), QStringLiteral("client"), QStringLiteral("pinger")},
        {QStringLiteral(
             R"({"actor": "server", "call": "socket", "creates": "listener", "args": {"domain": "AF_INET", "type": "SOCK_STREAM", "protocol": "IPPROTO_TCP"}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "setsockopt", "socket": "listener", "args": {"option": "SO_REUSEADDR", "value": 1}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "setsockopt", "socket": "listener", "args": {"option": "SO_LINGER", "value": 0}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "setsockopt", "socket": "listener", "args": {"option": "SO_ATTACH_FILTER", "value": 30}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "setsockopt", "socket": "listener", "args": {"option": "SO_DETACH_FILTER", "value": 0}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "setsockopt", "socket": "listener", "args": {"option": "TCP_NODELAY", "value": 1}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "bind", "socket": "listener", "args": {"address": "127.0.0.1", "port": 8080}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "listen", "socket": "listener", "args": {"backlog": 1}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "fcntl", "socket": "listener", "args": {"O_NONBLOCK": true}})"),
         QStringLiteral(R"({"actor": "server", "call": "accept", "socket": "listener", "creates": "conn"})"),
         QStringLiteral(R"({"actor": "server", "call": "getsockname", "socket": "conn"})"),
         QStringLiteral(R"({"actor": "server", "call": "getpeername", "socket": "conn"})"),
         QStringLiteral(
             R"({"actor": "server", "call": "recv", "socket": "conn", "args": {"length": 100000, "flags": ["MSG_PEEK"]}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "recv", "socket": "conn", "args": {"length": 64, "flags": ["MSG_WAITALL"]}})"),
         QStringLiteral(R"({"actor": "server", "call": "process", "args": {"transform": "http-response"}})"),
         QStringLiteral(R"({"actor": "server", "call": "process", "args": {"transform": "reverse"}})"),
         QStringLiteral(R"({"actor": "server", "call": "process", "args": {"transform": "uppercase"}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "send", "socket": "conn", "args": {"echo": true, "repeat": 3}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "shutdown", "socket": "conn", "args": {"how": "SHUT_WR"}})"),
         QStringLiteral(R"({"actor": "server", "call": "close", "socket": "conn"})"),
         QStringLiteral(
             R"({"actor": "client", "call": "socket", "creates": "socket", "args": {"domain": "AF_INET6", "type": "SOCK_DGRAM"}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "sendto", "socket": "socket", "args": {"data_hex": "00ff3f3f3d0a", "address": "::1", "port": 9000, "flags": ["MSG_DONTWAIT"]}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "recvfrom", "socket": "socket", "args": {"length": 16}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "sendto", "socket": "socket", "args": {"reply": true, "data": "a \"quoted\" \\ line?"}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "socket", "creates": "local", "args": {"domain": "AF_UNIX", "type": "SOCK_SEQPACKET"}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "bind", "socket": "local", "args": {"address": "here.sock"}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "connect", "socket": "local", "args": {"address": "@abstract-name"}})"),
         QStringLiteral(
             R"({"actor": "client", "call": "send", "socket": "local", "args": {"data": "x", "repeat": 4, "flags": ["MSG_NOSIGNAL"]}})"),
         QStringLiteral(
             R"({"actor": "pinger", "call": "socket", "creates": "ping", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM", "protocol": "IPPROTO_ICMP"}})"),
         QStringLiteral(
             R"({"actor": "pinger", "call": "sendto", "socket": "ping", "args": {"icmp": "echo-request", "sequence": 7, "data": "ping", "address": "127.0.0.1"}})"),
         QStringLiteral(
             R"({"actor": "pinger", "call": "recvfrom", "socket": "ping", "args": {"length": 64, "flags": ["MSG_TRUNC"]}})")});
}

} // namespace

bool TestCodegen::writeFile(const QString &name, const QString &text)
{
    QFile file(m_dir.filePath(name));
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) == text.toUtf8().size();
}

QString TestCodegen::compileC(const GeneratedProgram &program)
{
    const QString source =
        QStringLiteral("%1-%2").arg(QString::number(qHash(program.text)), program.fileName);
    if (!writeFile(source, program.text))
        return QStringLiteral("cannot write ") + source;
    QProcess cc;
    cc.setWorkingDirectory(m_dir.path());
    cc.start(m_cc,
             {QStringLiteral("-std=gnu17"), QStringLiteral("-Wall"), QStringLiteral("-Wextra"),
              QStringLiteral("-Werror"), QStringLiteral("-o"), source + QStringLiteral(".bin"), source});
    if (!cc.waitForFinished(60000) || cc.exitCode() != 0)
        return QString::fromUtf8(cc.readAllStandardError()) + QStringLiteral("\n--- in ---\n") + program.text;
    return {};
}

QString TestCodegen::checkPython(const GeneratedProgram &program)
{
    const QString source =
        QStringLiteral("%1-%2").arg(QString::number(qHash(program.text)), program.fileName);
    if (!writeFile(source, program.text))
        return QStringLiteral("cannot write ") + source;
    QProcess python;
    python.setWorkingDirectory(m_dir.path());
    python.start(m_python, {QStringLiteral("-m"), QStringLiteral("py_compile"), source});
    if (!python.waitForFinished(60000) || python.exitCode() != 0)
        return QString::fromUtf8(python.readAllStandardError());
    return {};
}

void TestCodegen::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cc = QStandardPaths::findExecutable(QStringLiteral("cc"));
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
}

void TestCodegen::builtinProgramsCompile_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("actor");
    for (const QString &id : ScenarioLoader::builtinIds()) {
        const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
        for (const ScenarioActor &actor : loaded.scenario.actors)
            QTest::addRow("%s %s", qPrintable(id), qPrintable(actor.id)) << id << actor.id;
    }
}

void TestCodegen::builtinProgramsCompile()
{
    QFETCH(QString, scenario);
    QFETCH(QString, actor);
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(scenario);
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    if (m_cc.isEmpty())
        QSKIP("no C compiler (cc) on this machine");
    const GeneratedProgram c = codegen::generate(loaded.scenario, actor, codegen::Language::C);
    QVERIFY2(compileC(c).isEmpty(), qPrintable(compileC(c)));
    if (m_python.isEmpty())
        QSKIP("no python3 on this machine");
    const GeneratedProgram python = codegen::generate(loaded.scenario, actor, codegen::Language::Python);
    const QString problem = checkPython(python);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestCodegen::everyCallIsGenerated_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addRow("server: stream calls, options, process") << QStringLiteral("server");
    QTest::addRow("client: IPv6 datagrams, Unix paths, odd bytes") << QStringLiteral("client");
    QTest::addRow("pinger: ICMP echo request") << QStringLiteral("pinger");
}

void TestCodegen::everyCallIsGenerated()
{
    QFETCH(QString, actor);
    const Scenario scenario = everyCallScenario();
    QVERIFY(!scenario.steps.isEmpty());
    QStringList calls;
    for (const ScenarioStep &step : scenario.steps)
        calls << callName(step.call);
    for (const QString &name : callspecs::names())
        QVERIFY2(calls.contains(name), qPrintable(name + QStringLiteral(" is missing from the scenario")));

    const GeneratedProgram c = codegen::generate(scenario, actor, codegen::Language::C);
    for (const int index : c.steps.keys()) {
        const QString call = callName(scenario.steps.at(index).call);
        const QStringList lines = c.text.split(u'\n');
        const LineRange range = c.steps.value(index);
        const QString code = lines.mid(range.first - 1, range.last - range.first + 1).join(u'\n');
        if (call != QLatin1String("process"))
            QVERIFY2(code.contains(call + u'('), qPrintable(code));
        if (call == QLatin1String("send") || call == QLatin1String("sendto"))
            QVERIFY2(code.contains(QStringLiteral("MSG_NOSIGNAL")), qPrintable(code));
        const QVariantMap &args = scenario.steps.at(index).args;
        if (args.value(QStringLiteral("option")) == QLatin1String("SO_ATTACH_FILTER")) {
            // The engine's own filter program, instruction by instruction.
            for (const QString &instruction :
                 dropfilter::cSource(args.value(QStringLiteral("value")).toInt()))
                QVERIFY2(code.contains(instruction), qPrintable(instruction + u'\n' + code));
            QVERIFY2(code.contains(QStringLiteral("struct sock_fprog")), qPrintable(code));
        }
    }
    const GeneratedProgram python = codegen::generate(scenario, actor, codegen::Language::Python);
    if (python.text.contains(QStringLiteral("SO_ATTACH_FILTER, program"))) {
        // The same instructions as numbers: (code, jump if true, jump if false, constant).
        for (const sock_filter &instruction : dropfilter::program(30)) {
            const QString tuple = QStringLiteral("(0x%1, %2, %3, 0x%4)")
                                      .arg(instruction.code, 2, 16, QLatin1Char('0'))
                                      .arg(instruction.jt)
                                      .arg(instruction.jf)
                                      .arg(instruction.k, 0, 16);
            QVERIFY2(python.text.contains(tuple), qPrintable(tuple));
        }
    }
    if (m_cc.isEmpty())
        QSKIP("no C compiler (cc) on this machine");
    const QString problem = compileC(c);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (m_python.isEmpty())
        QSKIP("no python3 on this machine");
    const QString pyProblem = checkPython(python);
    QVERIFY2(pyProblem.isEmpty(), qPrintable(pyProblem));
}

void TestCodegen::lineMapCoversEachStep()
{
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    for (const codegen::Language language : {codegen::Language::C, codegen::Language::Python}) {
        const GeneratedProgram program =
            codegen::generate(loaded.scenario, QStringLiteral("server"), language);
        const QStringList lines = program.text.split(u'\n');
        QList<int> expected;
        for (int i = 0; i < loaded.scenario.steps.size(); ++i) {
            if (loaded.scenario.steps.at(i).actor == QLatin1String("server"))
                expected << i;
        }
        QCOMPARE(program.steps.keys(), expected);
        int previousLast = 0;
        for (auto it = program.steps.cbegin(); it != program.steps.cend(); ++it) {
            const LineRange range = it.value();
            QVERIFY(range.first > previousLast);
            QVERIFY(range.last >= range.first);
            QVERIFY(range.last <= lines.size());
            previousLast = range.last;
            // The block starts with its heading and holds the call the step makes.
            QVERIFY2(lines.at(range.first - 1).contains(QStringLiteral("Step %1:").arg(it.key() + 1)),
                     qPrintable(lines.at(range.first - 1)));
            const QString code = lines.mid(range.first - 1, range.last - range.first + 1).join(u'\n');
            QVERIFY(code.contains(callName(loaded.scenario.steps.at(it.key()).call)));
            QVERIFY(code.contains(loaded.scenario.steps.at(it.key()).narration.section(u' ', 0, 3)));
            QCOMPARE(program.stepAtLine(range.first), it.key());
            QCOMPARE(program.stepAtLine(range.last), it.key());
        }
        QCOMPARE(program.stepAtLine(1), -1);
    }
}

void TestCodegen::reportLineFormat()
{
    QCOMPARE(codegen::reportLine(6, QStringLiteral("connect"), -1, QStringLiteral("ECONNREFUSED")),
             QStringLiteral("step 6 connect = -1 ECONNREFUSED"));
    QCOMPARE(codegen::reportLine(8, QStringLiteral("recv"), 3, {}, QByteArray("a\"\n", 3)),
             QStringLiteral("step 8 recv = 3 data \"a\\\"\\n\""));
    QCOMPARE(codegen::printedBytes(QByteArray("\x01\x7f", 2)), QStringLiteral("\\x01\\x7f"));
    QCOMPARE(codegen::printedBytes(QByteArray(300, 'a')), QString(256, u'a') + QStringLiteral("..."));
}

void TestCodegen::commandLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected"); // in stdout on success, in stderr otherwise
    QTest::addRow("one actor in C") << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"),
                                                   QStringLiteral("c"), QStringLiteral("--actor"),
                                                   QStringLiteral("client")}
                                    << 0
                                    << QStringLiteral("connect(client, (struct sockaddr *)&address, length)");
    QTest::addRow("all actors in Python")
        << QStringList{QStringLiteral("udp-echo"), QStringLiteral("--lang"), QStringLiteral("python")} << 0
        << QStringLiteral("# ==== client.py ====");
    QTest::addRow("unknown scenario")
        << QStringList{QStringLiteral("no-such-lesson"), QStringLiteral("--lang"), QStringLiteral("c")} << 2
        << QStringLiteral("no-such-lesson");
    QTest::addRow("unknown actor") << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"),
                                                  QStringLiteral("c"), QStringLiteral("--actor"),
                                                  QStringLiteral("nobody")}
                                   << 2 << QStringLiteral("no actor nobody");
    QTest::addRow("unknown language")
        << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"), QStringLiteral("rust")} << 2
        << QStringLiteral("unknown language rust");
    QTest::addRow("no language") << QStringList{QStringLiteral("tcp-echo")} << 2 << QStringLiteral("--lang");
}

void TestCodegen::commandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    const testsupport::ProcessResult result =
        testsupport::runSocketscope(QStringList{QStringLiteral("code")} + arguments);
    QCOMPARE(result.exitCode, exitCode);
    const QString text = QString::fromUtf8(exitCode == 0 ? result.out : result.err);
    QVERIFY2(text.contains(expected), qPrintable(text));
}

QTEST_GUILESS_MAIN(TestCodegen)
#include "tst_codegen.moc"
