#include "testsupport.h"

#include "scenario/scenarioloader.h"
#include "trace/trace.h"

#include <QDir>
#include <QProcess>
#include <QTest>

namespace testsupport {

ProcessResult runSocketscope(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(SOCKETSCOPE_BINARY), arguments);
    ProcessResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Scenario scenarioFromJson(const QByteArray &json)
{
    const ScenarioLoadResult loaded = ScenarioLoader::parse(json, QStringLiteral("inline.json"));
    if (!loaded.ok())
        qWarning("%s", qPrintable(loaded.error.toString()));
    return loaded.scenario;
}

Scenario makeScenario(const QStringList &actors, const QStringList &stepsJson)
{
    QStringList actorJson;
    for (const QString &actor : actors)
        actorJson << QStringLiteral("{\"id\": \"%1\"}").arg(actor);
    const QString json =
        QStringLiteral("{\"id\": \"test\", \"title\": \"test\", \"actors\": [%1], \"steps\": [%2]}")
            .arg(actorJson.join(u", "), stepsJson.join(u", "));
    return scenarioFromJson(json.toUtf8());
}

QList<CallOutcome> outcomesByStep(const Trace &trace, int steps)
{
    QList<CallOutcome> outcomes(steps);
    for (qint64 i = 0; i < trace.size(); ++i) {
        const CallInfo *call = trace.at(i).call();
        if (!call || call->step < 0 || call->step >= steps)
            continue;
        CallOutcome &outcome = outcomes[call->step];
        outcome.ran = true;
        outcome.phase = phaseName(call->phase);
        if (call->phase == CallInfo::Phase::Blocked) {
            outcome.blocked = true;
            continue;
        }
        outcome.result = call->result;
        outcome.errnoName = call->errnoName;
        outcome.data = call->data;
        outcome.detail = call->detail;
        outcome.local = call->local;
        outcome.peer = call->peer;
    }
    return outcomes;
}

int openDescriptorCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)
                   .size());
}

int threadCount()
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::NoDotAndDotDot | QDir::Dirs).size());
}

QString testData(const QString &name)
{
    return QStringLiteral(SOCKETSCOPE_TEST_DATA "/") + name;
}

} // namespace testsupport
