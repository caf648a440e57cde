#include "codegen/run/codegenrunner.h"

#include <QProcess>

CodegenRunner::CodegenRunner(Scenario scenario, const QList<Program> &programs, Options options,
                             QObject *parent)
    : QObject(parent)
    , m_scenario(std::move(scenario))
    , m_options(std::move(options))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CodegenRunner::timedOut);
    for (const Program &program : programs) {
        auto running = std::make_unique<Running>();
        running->actor = program.actor;
        running->process = std::make_unique<QProcess>();
        QProcess &process = *running->process;
        if (!m_options.workingDirectory.isEmpty())
            process.setWorkingDirectory(m_options.workingDirectory);
        if (m_options.launcher.isEmpty()) {
            process.setProgram(program.executable);
            process.setArguments(program.arguments);
        } else {
            process.setProgram(m_options.launcher.first());
            process.setArguments(m_options.launcher.mid(1) + QStringList{program.executable} +
                                 program.arguments);
        }
        Running *raw = running.get();
        connect(&process, &QProcess::readyReadStandardOutput, this, [this, raw] { readOutput(*raw); });
        connect(&process, &QProcess::readyReadStandardError, this,
                [raw] { raw->errors += raw->process->readAllStandardError(); });
        connect(&process, &QProcess::finished, this, [this, raw] { programEnded(*raw); });
        connect(&process, &QProcess::errorOccurred, this, [this, raw](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart)
                fail(QStringLiteral("the %1's program did not start: %2")
                         .arg(raw->actor, raw->process->errorString()));
        });
        m_programs.push_back(std::move(running));
    }
}

CodegenRunner::~CodegenRunner()
{
    for (const auto &running : m_programs) {
        running->process->disconnect(this);
        if (running->process->state() != QProcess::NotRunning) {
            running->process->kill();
            running->process->waitForFinished(2000);
        }
    }
}

void CodegenRunner::start()
{
    m_phase = Phase::Starting;
    for (const auto &running : m_programs) {
        running->process->start();
        if (m_phase == Phase::Done)
            return;
    }
    m_phase = Phase::Running;
    next();
}

QByteArray CodegenRunner::output(const QString &actor) const
{
    for (const auto &running : m_programs) {
        if (running->actor == actor)
            return running->output + running->pending;
    }
    return {};
}

QByteArray CodegenRunner::errorOutput(const QString &actor) const
{
    for (const auto &running : m_programs) {
        if (running->actor == actor)
            return running->errors;
    }
    return {};
}

CodegenRunner::Running *CodegenRunner::runningOf(const QString &actor)
{
    for (const auto &running : m_programs) {
        if (running->actor == actor)
            return running.get();
    }
    return nullptr;
}

void CodegenRunner::readOutput(Running &running)
{
    running.pending += running.process->readAllStandardOutput();
    qsizetype end = 0;
    while ((end = running.pending.indexOf('\n')) >= 0) {
        const QByteArray line = running.pending.left(end);
        running.pending.remove(0, end + 1);
        running.output += line + '\n';
        // "step 4 accept = 4": the number is the step's, counted from 1.
        if (!line.startsWith("step "))
            continue;
        bool ok = false;
        const int number = line.mid(5, line.indexOf(' ', 5) - 5).toInt(&ok);
        if (ok && number >= 1 && number <= m_scenario.steps.size())
            reported(running, number - 1, QString::fromUtf8(line));
    }
}

void CodegenRunner::reported(Running &running, int step, const QString &line)
{
    m_reports.insert(step, line);
    if (running.waitingIn == step)
        running.waitingIn = -1;
    switch (m_phase) {
    case Phase::Running:
        if (step == m_current)
            settleOrWait();
        break;
    case Phase::Settling:
        settleOrWait();
        break;
    case Phase::WaitingForActor:
        if (m_current + 1 >= m_scenario.steps.size()
                ? !anyBlocked()
                : runningOf(m_scenario.steps.at(m_current + 1).actor)->waitingIn < 0) {
            m_timer.stop();
            next();
        }
        break;
    default:
        break;
    }
}

void CodegenRunner::programEnded(Running &running)
{
    readOutput(running);
    running.errors += running.process->readAllStandardError();
    running.ended = true;
    if (m_phase == Phase::Done)
        return;
    const bool clean =
        running.process->exitStatus() == QProcess::NormalExit && running.process->exitCode() == 0;
    if (m_phase != Phase::Ending || !clean) {
        fail(QStringLiteral("the %1's program ended (exit code %2) with step %3 released%4%5")
                 .arg(running.actor)
                 .arg(running.process->exitCode())
                 .arg(m_current + 1)
                 .arg(running.errors.isEmpty() ? QString() : QStringLiteral(": "),
                      QString::fromUtf8(running.errors).trimmed()));
        return;
    }
    for (const auto &other : m_programs) {
        if (!other->ended)
            return;
    }
    finish();
}

void CodegenRunner::next()
{
    const int step = m_current + 1;
    if (step >= m_scenario.steps.size()) {
        if (anyBlocked()) {
            m_phase = Phase::WaitingForActor;
            wait(m_options.blockedWaitLimit);
        } else {
            endPrograms();
        }
        return;
    }
    const QString &actor = m_scenario.steps.at(step).actor;
    Running *running = runningOf(actor);
    if (!running) {
        fail(QStringLiteral("step %1: no program for the actor %2").arg(step + 1).arg(actor));
        return;
    }
    if (running->waitingIn >= 0) {
        // As in the engine: the actor's next call waits until its blocked one has returned.
        m_phase = Phase::WaitingForActor;
        wait(m_options.blockedWaitLimit);
        return;
    }
    release(step);
}

void CodegenRunner::release(int step)
{
    Running *running = runningOf(m_scenario.steps.at(step).actor);
    m_current = step;
    running->waitingIn = step;
    m_phase = Phase::Running;
    wait(m_scenario.steps.at(step).expect.blocks ? m_options.expectedBlock : m_options.unexpectedBlock);
    running->process->write(QByteArray::number(step + 1) + '\n');
}

void CodegenRunner::timedOut()
{
    switch (m_phase) {
    case Phase::Running:
        m_blocked.insert(m_current);
        next();
        break;
    case Phase::Settling:
        next();
        break;
    case Phase::WaitingForActor: {
        QStringList waiting;
        for (const auto &running : m_programs) {
            if (running->waitingIn >= 0)
                waiting
                    << QStringLiteral("the %1 in step %2").arg(running->actor).arg(running->waitingIn + 1);
        }
        fail(QStringLiteral("after step %1, still waiting: %2").arg(m_current + 1).arg(waiting.join(u", ")));
        break;
    }
    case Phase::Ending:
        fail(QStringLiteral("a program did not end when its standard input closed"));
        break;
    default:
        break;
    }
}

void CodegenRunner::settleOrWait()
{
    m_phase = Phase::Settling;
    wait(anyBlocked() ? m_options.releasedWait : m_options.settle);
}

bool CodegenRunner::anyBlocked() const
{
    for (const auto &running : m_programs) {
        if (running->waitingIn >= 0)
            return true;
    }
    return false;
}

void CodegenRunner::endPrograms()
{
    m_phase = Phase::Ending;
    wait(m_options.blockedWaitLimit);
    for (const auto &running : m_programs)
        running->process->closeWriteChannel();
}

void CodegenRunner::fail(const QString &reason)
{
    if (m_phase == Phase::Done)
        return;
    m_error = reason;
    for (const auto &running : m_programs) {
        if (running->process->state() != QProcess::NotRunning)
            running->process->kill();
    }
    finish();
}

void CodegenRunner::finish()
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    m_timer.stop();
    m_finished = true;
    Q_EMIT finished();
}

void CodegenRunner::wait(std::chrono::milliseconds how)
{
    m_timer.start(how);
}
