#pragma once

#include "scenario/scenario.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <memory>
#include <vector>

class QProcess;

/// Runs the programs generated for a scenario's actors (with codegen::Options::inStep) as separate
/// processes, one step at a time in the scenario's script order, as the engine does with threads:
/// it writes a step's number to its actor's standard input and waits for the program's report line
/// ("step 4 accept = 4"). A call that has not returned after a while is counted as blocked, and the
/// next step goes ahead, as in the engine; that program's next step waits until the call returned.
/// After a step returned, a call it released has a moment to return too before the next step.
class CodegenRunner : public QObject
{
    Q_OBJECT
public:
    /// One actor's program: what to start, in which folder.
    struct Program
    {
        QString actor;
        QString executable;
        QStringList arguments;
    };
    struct Options
    {
        /// Put in front of every program, e.g. {"nsenter", "-U", "-n", "-t", "PID", "--"} to run
        /// them in a private network namespace.
        QStringList launcher;
        QString workingDirectory;
        /// A step the scenario expects to block is counted as blocked after this long …
        std::chrono::milliseconds expectedBlock{std::chrono::milliseconds(100)};
        /// … any other step only after this long, so that a busy machine does not change the order.
        std::chrono::milliseconds unexpectedBlock{std::chrono::milliseconds(3000)};
        /// After a step returned: the pause before the next, for the kernel's own work on loopback …
        std::chrono::milliseconds settle{std::chrono::milliseconds(10)};
        /// … or, while some calls are blocked, how long they may take to return first.
        std::chrono::milliseconds releasedWait{std::chrono::milliseconds(50)};
        /// How long a step waits for its actor's blocked call before the run fails.
        std::chrono::milliseconds blockedWaitLimit{std::chrono::milliseconds(8000)};
    };

    CodegenRunner(Scenario scenario, const QList<Program> &programs, Options options,
                  QObject *parent = nullptr);
    ~CodegenRunner() override;

    void start();
    bool isFinished() const { return m_finished; }
    /// Empty when every program ran every step and ended; otherwise what went wrong.
    QString error() const { return m_error; }
    /// The report line each step printed, by step index.
    QMap<int, QString> reports() const { return m_reports; }
    /// The steps counted as blocked: the next step went ahead before they returned.
    QSet<int> blockedSteps() const { return m_blocked; }
    /// Everything a program wrote, for a reader when a run failed.
    QByteArray output(const QString &actor) const;
    QByteArray errorOutput(const QString &actor) const;

Q_SIGNALS:
    void finished();

private:
    enum class Phase { Idle, Starting, Running, Settling, WaitingForActor, Ending, Done };
    struct Running
    {
        QString actor;
        std::unique_ptr<QProcess> process;
        QByteArray output;
        QByteArray pending; // a line not yet ended
        QByteArray errors;
        int waitingIn = -1; // the step whose call has not returned
        bool ended = false;
    };

    Running *runningOf(const QString &actor);
    void readOutput(Running &running);
    void reported(Running &running, int step, const QString &line);
    void programEnded(Running &running);
    void next();
    void release(int step);
    void timedOut();
    void settleOrWait();
    bool anyBlocked() const;
    void endPrograms();
    void fail(const QString &reason);
    void finish();
    void wait(std::chrono::milliseconds how);

    Scenario m_scenario;
    Options m_options;
    std::vector<std::unique_ptr<Running>> m_programs;
    QTimer m_timer;
    Phase m_phase = Phase::Idle;
    int m_current = -1; // the step released last
    QMap<int, QString> m_reports;
    QSet<int> m_blocked;
    QString m_error;
    bool m_finished = false;
};
