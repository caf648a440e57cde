#pragma once

#include "scenario/scenario.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

class Trace;

namespace testsupport {

struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs the socketscope binary with `arguments` (timeout in ms).
ProcessResult runSocketscope(const QStringList &arguments, int timeoutMs = 60000);

/// Parses an inline scenario; fails the calling test (QVERIFY) when it does not load.
Scenario scenarioFromJson(const QByteArray &json);
/// A scenario built from a compact list of steps, for tests: each step is a JSON object text.
Scenario makeScenario(const QStringList &actors, const QStringList &stepsJson);

/// The last returned (or cancelled) call event of each step after a run, by step index.
struct CallOutcome
{
    bool ran = false;
    bool blocked = false; // a Blocked event came first
    qint64 result = 0;
    QString errnoName;
    QByteArray data;
    QString detail;
    QString local;
    QString peer;
    QString phase;
};
QList<CallOutcome> outcomesByStep(const Trace &trace, int steps);

int openDescriptorCount();
int threadCount();
QString testData(const QString &name);

} // namespace testsupport
