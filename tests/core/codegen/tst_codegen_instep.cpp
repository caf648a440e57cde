// The generated programs, run as separate processes in step with each other, make the same calls
// with the same outcomes as the engine, step by step, for every built-in scenario.

#include "codegen/codegen.h"
#include "codegen/run/codegeninsteprun.h"
#include "codegen/run/codegenrunner.h"
#include "engine/sandboxclient.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

class TestCodegenInStep : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inStepAddsOnlyTheWaits_data();
    void inStepAddsOnlyTheWaits();
    void programsPerformTheSameCalls_data();
    void programsPerformTheSameCalls();
    void runnerSaysWhenAProgramEndsEarly();
    void runnerSaysWhichCallNeverReturned();
    void cleanupTestCase();

private:
    QMap<int, QString> engineOutcomes(const Scenario &scenario);

    QString m_cc;
    QString m_python;
    QString m_nsenter;
    QHash<QString, QMap<int, QString>> m_engine; // by scenario id: step → report line
    QElapsedTimer m_clock;
};

namespace {

bool usesIcmp(const Scenario &scenario)
{
    for (const ScenarioStep &step : scenario.steps) {
        if (step.call == Call::Socket &&
            (step.args.value(QStringLiteral("type")).toString() == QLatin1String("SOCK_RAW") ||
             step.args.value(QStringLiteral("protocol")).toString() == QLatin1String("IPPROTO_ICMP")))
            return true;
    }
    return false;
}

void addRowsForEveryScenario()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("languageName");
    for (const QString &id : ScenarioLoader::builtinIds()) {
        QTest::addRow("%s in C", qPrintable(id)) << id << QStringLiteral("c");
        QTest::addRow("%s in Python", qPrintable(id)) << id << QStringLiteral("python");
    }
}

} // namespace

void TestCodegenInStep::initTestCase()
{
    m_clock.start();
    m_cc = QStandardPaths::findExecutable(QStringLiteral("cc"));
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    m_nsenter = QStandardPaths::findExecutable(QStringLiteral("nsenter"));
    if (qEnvironmentVariableIsEmpty("SOCKETSCOPE_SANDBOX"))
        qputenv("SOCKETSCOPE_SANDBOX", QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY))
                                           .dir()
                                           .filePath(QStringLiteral("socketscope-sandbox"))
                                           .toLocal8Bit());
}

void TestCodegenInStep::cleanupTestCase()
{
    qInfo("tst_codegen_instep ran in %.1f s", double(m_clock.elapsed()) / 1000.0);
}

void TestCodegenInStep::inStepAddsOnlyTheWaits_data()
{
    addRowsForEveryScenario();
}

// What runs in step is what a student reads: the default program, with only the turn waits (and
// what they need) added.
void TestCodegenInStep::inStepAddsOnlyTheWaits()
{
    QFETCH(QString, scenario);
    QFETCH(QString, languageName);
    const codegen::Language language = *codegen::languageFromName(languageName);
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(scenario);
    QVERIFY(loaded.ok());
    for (const ScenarioActor &actor : loaded.scenario.actors) {
        const GeneratedProgram plain = codegen::generate(loaded.scenario, actor.id, language);
        const GeneratedProgram inStep = codegen::generate(loaded.scenario, actor.id, language, {true});
        QVERIFY(!plain.text.contains(QStringLiteral("wait_for_turn")));
        const QStringList plainLines = plain.text.split(u'\n');
        const QStringList stepLines = inStep.text.split(u'\n');
        qsizetype at = 0;
        QStringList added;
        for (const QString &line : stepLines) {
            if (at < plainLines.size() && line == plainLines.at(at))
                ++at;
            else
                added << line;
        }
        QVERIFY2(
            at == plainLines.size(),
            qPrintable(
                QStringLiteral("%1: line %2 of the plain program is missing").arg(actor.id).arg(at + 1)));
        int turns = 0;
        for (const QString &line : added) {
            if (line.trimmed().startsWith(QStringLiteral("wait_for_turn(")))
                ++turns;
        }
        int steps = 0;
        for (const ScenarioStep &step : loaded.scenario.steps)
            steps += step.actor == actor.id ? 1 : 0;
        QCOMPARE(turns, steps + 1); // one per step, and the end
        // Nothing else: the helper, its import, blank lines and comments.
        for (const QString &line : added) {
            const QString text = line.trimmed();
            QVERIFY2(!text.contains(QStringLiteral("socket(")) && !text.contains(QStringLiteral("report(")),
                     qPrintable(line));
        }
    }
}

QMap<int, QString> TestCodegenInStep::engineOutcomes(const Scenario &scenario)
{
    if (m_engine.contains(scenario.id))
        return m_engine.value(scenario.id);
    SessionSetup setup = setUpSession(scenario);
    if (!setup.session->runToEnd())
        qWarning("the engine departed from %s", qPrintable(scenario.id));
    const QMap<int, QString> outcomes = CodegenInStepRun::engineReports(setup.session->trace());
    m_engine.insert(scenario.id, outcomes);
    return outcomes;
}

void TestCodegenInStep::programsPerformTheSameCalls_data()
{
    addRowsForEveryScenario();
}

void TestCodegenInStep::programsPerformTheSameCalls()
{
    QFETCH(QString, scenario);
    QFETCH(QString, languageName);
    const codegen::Language language = *codegen::languageFromName(languageName);
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(scenario);
    QVERIFY(loaded.ok());
    const bool isC = language == codegen::Language::C;
    if (isC && m_cc.isEmpty())
        QSKIP("no C compiler (cc) on this machine");
    if (!isC && m_python.isEmpty())
        QSKIP("no python3 on this machine");

    // The programs run in a sandbox of their own, so that nothing the engine left behind (a
    // TIME_WAIT on the scenario's port) and nothing else on the machine meets them.
    std::shared_ptr<SandboxClient> sandbox;
    if (!m_nsenter.isEmpty()) {
        sandbox = SandboxClient::start();
        if (sandbox && !sandbox->isReady())
            sandbox.reset();
    }
    QStringList launcher;
    if (sandbox) {
        launcher = {m_nsenter,
                    QStringLiteral("--preserve-credentials"),
                    QStringLiteral("-U"),
                    QStringLiteral("-n"),
                    QStringLiteral("-t"),
                    QString::number(sandbox->helperPid()),
                    QStringLiteral("--")};
        // Joining a namespace may be refused where making one was not (a security module).
        QProcess probe;
        probe.start(launcher.first(), launcher.mid(1) + QStringList{QStringLiteral("true")});
        if (!probe.waitForFinished(10000) || probe.exitCode() != 0) {
            qWarning("nsenter cannot join the sandbox (%s): the programs run on the host's loopback",
                     probe.readAllStandardError().trimmed().constData());
            sandbox.reset();
        }
    }
    if (!sandbox && usesIcmp(loaded.scenario))
        QSKIP("ICMP sockets need the sandbox (ping_group_range, CAP_NET_RAW), which cannot be entered here");
    if (!sandbox && loaded.scenario.id == QLatin1String("well-known-port") && geteuid() != 0)
        QSKIP(
            "ports 23 and 80 need privilege on the host's loopback, and the sandbox cannot be entered here");

    const QMap<int, QString> expected = engineOutcomes(loaded.scenario);
    QVERIFY(!expected.isEmpty());

    QTemporaryDir work;
    QVERIFY(work.isValid());
    QList<CodegenRunner::Program> programs;
    for (const ScenarioActor &actor : loaded.scenario.actors) {
        const GeneratedProgram program = codegen::generate(loaded.scenario, actor.id, language, {true});
        QFile file(work.filePath(program.fileName));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(program.text.toUtf8());
        file.close();
        if (!isC) {
            programs << CodegenRunner::Program{actor.id, m_python, {work.filePath(program.fileName)}};
            continue;
        }
        QProcess cc;
        cc.start(m_cc, {QStringLiteral("-Wall"), QStringLiteral("-Wextra"), QStringLiteral("-Werror"),
                        QStringLiteral("-o"), work.filePath(actor.id), work.filePath(program.fileName)});
        QVERIFY(cc.waitForFinished(60000));
        QVERIFY2(cc.exitCode() == 0, cc.readAllStandardError().constData());
        programs << CodegenRunner::Program{actor.id, work.filePath(actor.id), {}};
    }

    CodegenRunner::Options options;
    options.workingDirectory = work.path();
    if (sandbox)
        options.launcher = launcher;
    CodegenRunner runner(loaded.scenario, programs, options);
    QSignalSpy finished(&runner, &CodegenRunner::finished);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isFinished(), 60000);
    QCOMPARE(finished.count(), 1);
    QString outputs;
    for (const ScenarioActor &actor : loaded.scenario.actors) {
        outputs += QStringLiteral("--- %1 ---\n%2%3")
                       .arg(actor.id, QString::fromUtf8(runner.output(actor.id)),
                            QString::fromUtf8(runner.errorOutput(actor.id)));
    }
    if (!sandbox && outputs.contains(QStringLiteral(" = -1 EADDRINUSE")) &&
        !expected.values().join(u'\n').contains(QStringLiteral("EADDRINUSE")))
        QSKIP("the scenario's port is taken on this machine's loopback");
    QVERIFY2(runner.error().isEmpty(), qPrintable(runner.error() + u'\n' + outputs));

    // Outcome by outcome: every step the engine ran, with its result or errno, and its bytes.
    const QMap<int, QString> actual = runner.reports();
    QStringList differences;
    for (int step = 0; step < loaded.scenario.steps.size(); ++step) {
        const QString engine = expected.contains(step)
                                   ? CodegenInStepRun::comparable(loaded.scenario, step, expected.value(step))
                                   : QStringLiteral("(no outcome)");
        const QString program = actual.contains(step)
                                    ? CodegenInStepRun::comparable(loaded.scenario, step, actual.value(step))
                                    : QStringLiteral("(no outcome)");
        if (engine != program)
            differences << QStringLiteral("engine:  %1\nprogram: %2").arg(engine, program);
    }
    QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u'\n') + u'\n' + outputs));
    QCOMPARE(actual.size(), expected.size());
    // A call the scenario says must wait did wait: the next step went ahead while it was in the
    // kernel, as in the engine, rather than after it.
    for (int step = 0; step < loaded.scenario.steps.size(); ++step) {
        if (loaded.scenario.steps.at(step).expect.blocks)
            QVERIFY2(runner.blockedSteps().contains(step),
                     qPrintable(QStringLiteral("step %1").arg(step + 1)));
    }
}

// A runner that waits for a report that never comes says so, rather than passing.
void TestCodegenInStep::runnerSaysWhenAProgramEndsEarly()
{
    const QString truePath = QStandardPaths::findExecutable(QStringLiteral("true"));
    if (truePath.isEmpty())
        QSKIP("no true(1) on this machine");
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("udp-unreachable"));
    QVERIFY(loaded.ok());
    CodegenRunner runner(loaded.scenario, {{QStringLiteral("client"), truePath, {}}}, {});
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isFinished(), 10000);
    QVERIFY2(runner.error().contains(QStringLiteral("the client's program ended")),
             qPrintable(runner.error()));
    QVERIFY(runner.reports().isEmpty());
}

// A program that never reports its call: counted as blocked, and its next step waits for it
// until the limit, then the run fails naming the step.
void TestCodegenInStep::runnerSaysWhichCallNeverReturned()
{
    const QString catPath = QStandardPaths::findExecutable(QStringLiteral("cat"));
    if (catPath.isEmpty())
        QSKIP("no cat(1) on this machine");
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("udp-unreachable"));
    QVERIFY(loaded.ok());
    CodegenRunner::Options options;
    options.unexpectedBlock = std::chrono::milliseconds(100);
    options.blockedWaitLimit = std::chrono::milliseconds(300);
    CodegenRunner runner(loaded.scenario, {{QStringLiteral("client"), catPath, {}}}, options);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isFinished(), 10000);
    QCOMPARE(runner.error(), QStringLiteral("after step 1, still waiting: the client in step 1"));
    QCOMPARE(runner.blockedSteps(), QSet<int>{0});
    QCOMPARE(runner.output(QStringLiteral("client")), QByteArray("1\n")); // cat gave its turn back
}

QTEST_GUILESS_MAIN(TestCodegenInStep)
#include "tst_codegen_instep.moc"
