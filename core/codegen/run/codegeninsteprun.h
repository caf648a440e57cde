#pragma once

#include "codegen/codegen.h"
#include "codegen/run/codegenrunner.h"
#include "scenario/scenario.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class SandboxClient;
class Trace;

/// Runs the in-step programs of a scenario (codegen::Options::inStep) as real processes, one per
/// actor, in a sandbox of their own, and compares what each step returned there with what it
/// returned in the engine's own run of the same scenario: the check behind `socketscope code --run`.
class CodegenInStepRun : public QObject
{
    Q_OBJECT
public:
    /// One step as the program saw it, beside the engine's outcome.
    struct Step
    {
        int step = -1;
        QString actor;
        QString program;     // the program's report line ("step 4 accept = 4"), empty if none came
        QString engine;      // the report line the engine's call gives, empty if it did not return
        bool waited = false; // the next step went ahead while this call was in the kernel
        bool matched = false;
        QString difference; // why not, for the reader
    };

    CodegenInStepRun(Scenario scenario, codegen::Language language, QObject *parent = nullptr);
    ~CodegenInStepRun() override;

    /// The programs run on the host's loopback rather than in a sandbox of their own, where the
    /// host's tcpdump or Wireshark can watch them (the engine still runs in its sandbox). Before
    /// prepare().
    void useHostLoopback() { m_hostLoopback = true; }
    /// Runs the engine, finds the compiler or interpreter, writes (and compiles) the programs and
    /// prepares their sandbox. Empty when start() may be called; otherwise why not.
    QString prepare();
    /// prepare() failed because cc or python3 is not on this machine.
    bool toolMissing() const { return m_toolMissing; }
    /// Where the programs run, for the reader: the sandbox, or the host's loopback and why.
    QString where() const { return m_where; }
    /// Why the engine's own run departed from the scenario, if it did.
    QString engineDeparture() const { return m_engineDeparture; }

    void start();
    bool isFinished() const { return m_runner && m_runner->isFinished(); }
    /// Empty when every program ran every step and ended (CodegenRunner::error()).
    QString error() const { return m_runner ? m_runner->error() : QString(); }
    /// Every step of the scenario, in script order, once finished.
    QList<Step> steps() const;
    bool allMatched() const;
    QByteArray output(const QString &actor) const;
    QByteArray errorOutput(const QString &actor) const;

    /// The report line of every step whose call returned in `trace`, by step index.
    static QMap<int, QString> engineReports(const Trace &trace);
    /// `line` as it is compared: a descriptor's number is each process's own, and an ICMP
    /// socket's bytes differ from run to run (the kernel's identifier and checksum).
    static QString comparable(const Scenario &scenario, int step, const QString &line);

Q_SIGNALS:
    void finished();

private:
    QString writePrograms();
    void prepareSandbox();

    Scenario m_scenario;
    codegen::Language m_language;
    bool m_hostLoopback = false;
    QTemporaryDir m_folder;
    QList<CodegenRunner::Program> m_programs;
    CodegenRunner::Options m_options;
    std::shared_ptr<SandboxClient> m_sandbox;
    std::unique_ptr<CodegenRunner> m_runner;
    QMap<int, QString> m_engine;
    QString m_engineDeparture;
    QString m_where;
    bool m_toolMissing = false;
};
