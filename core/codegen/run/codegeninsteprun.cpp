#include "codegen/run/codegeninsteprun.h"

#include "engine/sandboxclient.h"
#include "setup/sessionsetup.h"
#include "trace/trace.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace {

bool isIcmp(const ScenarioStep &step)
{
    return step.call == Call::Socket &&
           (step.args.value(QStringLiteral("type")).toString() == QLatin1String("SOCK_RAW") ||
            step.args.value(QStringLiteral("protocol")).toString() == QLatin1String("IPPROTO_ICMP"));
}

// The step that made the socket `step` uses is an ICMP one.
bool bytesVary(const Scenario &scenario, const ScenarioStep &step)
{
    if (step.socket.isEmpty())
        return false;
    for (const ScenarioStep &other : scenario.steps) {
        if (other.creates == step.socket && other.call == Call::Socket)
            return isIcmp(other);
    }
    return false;
}

} // namespace

CodegenInStepRun::CodegenInStepRun(Scenario scenario, codegen::Language language, QObject *parent)
    : QObject(parent)
    , m_scenario(std::move(scenario))
    , m_language(language)
{
}

// The runner goes first: it ends the programs before their folder and sandbox go away.
CodegenInStepRun::~CodegenInStepRun()
{
    m_runner.reset();
}

QMap<int, QString> CodegenInStepRun::engineReports(const Trace &trace)
{
    QMap<int, QString> reports;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const CallInfo *call = trace.at(i).call();
        if (!call || call->phase != CallInfo::Phase::Returned || call->step < 0)
            continue;
        // The programs print the bytes of the calls that receive them, as report_data() does.
        const std::optional<Call> made = callFromName(call->call);
        const bool receives = made && givesProgramBytes(*made);
        reports.insert(call->step,
                       codegen::reportLine(call->step + 1, call->call, call->result, call->errnoName,
                                           receives ? std::optional(call->data) : std::nullopt));
    }
    return reports;
}

QString CodegenInStepRun::comparable(const Scenario &scenario, int step, const QString &line)
{
    static const QRegularExpression descriptor(QStringLiteral("^(step \\d+ (?:socket|accept)) = \\d+"));
    QString result = line;
    result.replace(descriptor, QStringLiteral("\\1 = fd"));
    if (step >= 0 && step < scenario.steps.size() && bytesVary(scenario, scenario.steps.at(step))) {
        const qsizetype data = result.indexOf(QStringLiteral(" data \""));
        if (data >= 0)
            result.truncate(data);
    }
    return result;
}

QString CodegenInStepRun::prepare()
{
    const bool isC = m_language == codegen::Language::C;
    const QString tool =
        QStandardPaths::findExecutable(isC ? QStringLiteral("cc") : QStringLiteral("python3"));
    if (tool.isEmpty()) {
        m_toolMissing = true;
        return isC ? QStringLiteral(
                         "running the C programs needs a C compiler, and no cc was found on the PATH")
                   : QStringLiteral(
                         "running the Python programs needs python3, and none was found on the PATH");
    }
    if (!m_folder.isValid())
        return QStringLiteral("cannot make a folder for the programs: %1").arg(m_folder.errorString());

    // The engine first, in a sandbox of its own that is gone before the programs start: nothing
    // it leaves behind (a TIME_WAIT on the scenario's port) meets them.
    {
        SessionSetup setup = setUpSession(m_scenario);
        if (!setup.session->runToEnd()) {
            QStringList reasons;
            for (const auto &[step, reason] : setup.session->departures())
                reasons << QStringLiteral("step %1: %2").arg(step + 1).arg(reason);
            m_engineDeparture = reasons.join(QStringLiteral("; "));
        }
        m_engine = engineReports(setup.session->trace());
    }

    for (const ScenarioActor &actor : m_scenario.actors) {
        const GeneratedProgram program = codegen::generate(m_scenario, actor.id, m_language, {true});
        const QString source = m_folder.filePath(program.fileName);
        QFile file(source);
        if (!file.open(QIODevice::WriteOnly) || file.write(program.text.toUtf8()) < 0)
            return QStringLiteral("cannot write %1: %2").arg(source, file.errorString());
        file.close();
        if (!isC) {
            m_programs << CodegenRunner::Program{actor.id, tool, {source}};
            continue;
        }
        const QString executable = m_folder.filePath(actor.id);
        QProcess cc;
        cc.start(tool, {QStringLiteral("-Wall"), QStringLiteral("-Wextra"), QStringLiteral("-o"), executable,
                        source});
        if (!cc.waitForFinished(60000) || cc.exitStatus() != QProcess::NormalExit || cc.exitCode() != 0)
            return QStringLiteral("%1 does not compile:\n%2")
                .arg(program.fileName, QString::fromLocal8Bit(cc.readAllStandardError()).trimmed());
        m_programs << CodegenRunner::Program{actor.id, executable, {}};
    }
    m_options.workingDirectory = m_folder.path();
    prepareSandbox();
    return {};
}

// As the tests do: nsenter joins the helper's namespaces, keeping the caller's credentials so
// that a plain user can run the programs there. Without it, the host's loopback.
void CodegenInStepRun::prepareSandbox()
{
    if (m_hostLoopback) {
        m_where = QStringLiteral("on the host's loopback (--host-loopback), where the host's tcpdump or "
                                 "Wireshark can watch them");
        return;
    }
    const QString nsenter = QStandardPaths::findExecutable(QStringLiteral("nsenter"));
    if (nsenter.isEmpty()) {
        m_where = QStringLiteral("on the host's loopback (no nsenter to join a sandbox)");
        return;
    }
    m_sandbox = SandboxClient::start();
    if (!m_sandbox->isReady()) {
        m_where = QStringLiteral("on the host's loopback (the sandbox cannot be entered: %1)")
                      .arg(m_sandbox->error());
        m_sandbox.reset();
        return;
    }
    const QStringList launcher{nsenter,
                               QStringLiteral("--preserve-credentials"),
                               QStringLiteral("-U"),
                               QStringLiteral("-n"),
                               QStringLiteral("-t"),
                               QString::number(m_sandbox->helperPid()),
                               QStringLiteral("--")};
    // Joining a namespace may be refused where making one was not (a security module).
    QProcess probe;
    probe.start(launcher.first(), launcher.mid(1) + QStringList{QStringLiteral("true")});
    if (!probe.waitForFinished(10000) || probe.exitStatus() != QProcess::NormalExit ||
        probe.exitCode() != 0) {
        m_where = QStringLiteral("on the host's loopback (nsenter cannot join the sandbox: %1)")
                      .arg(QString::fromLocal8Bit(probe.readAllStandardError()).trimmed());
        m_sandbox.reset();
        return;
    }
    m_options.launcher = launcher;
    m_where =
        QStringLiteral("in a private network namespace (nsenter -U -n -t %1)").arg(m_sandbox->helperPid());
}

void CodegenInStepRun::start()
{
    m_runner = std::make_unique<CodegenRunner>(m_scenario, m_programs, m_options);
    connect(m_runner.get(), &CodegenRunner::finished, this, &CodegenInStepRun::finished);
    m_runner->start();
}

QList<CodegenInStepRun::Step> CodegenInStepRun::steps() const
{
    const QMap<int, QString> reports = m_runner ? m_runner->reports() : QMap<int, QString>();
    const QSet<int> blocked = m_runner ? m_runner->blockedSteps() : QSet<int>();
    QList<Step> steps;
    for (int index = 0; index < m_scenario.steps.size(); ++index) {
        Step step;
        step.step = index;
        step.actor = m_scenario.steps.at(index).actor;
        step.program = reports.value(index);
        step.engine = m_engine.value(index);
        step.waited = blocked.contains(index);
        const QString program = step.program.isEmpty() ? QStringLiteral("(no outcome)")
                                                       : comparable(m_scenario, index, step.program);
        const QString engine = step.engine.isEmpty() ? QStringLiteral("(no outcome)")
                                                     : comparable(m_scenario, index, step.engine);
        if (program != engine)
            step.difference = QStringLiteral("the engine: ") + engine;
        else if (m_scenario.steps.at(index).expect.blocks && !step.waited)
            // The engine checks this too: a call the scenario says must wait did wait.
            step.difference = QStringLiteral("expected to wait, but it returned at once");
        step.matched = step.difference.isEmpty();
        steps << step;
    }
    return steps;
}

bool CodegenInStepRun::allMatched() const
{
    if (!isFinished() || !error().isEmpty())
        return false;
    for (const Step &step : steps()) {
        if (!step.matched)
            return false;
    }
    return true;
}

QByteArray CodegenInStepRun::output(const QString &actor) const
{
    return m_runner ? m_runner->output(actor) : QByteArray();
}

QByteArray CodegenInStepRun::errorOutput(const QString &actor) const
{
    return m_runner ? m_runner->errorOutput(actor) : QByteArray();
}
