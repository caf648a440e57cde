#include "testsupport.h"

#include "scenarioloader.h"

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
    const QString json = QStringLiteral("{\"id\": \"test\", \"title\": \"test\", \"actors\": [%1], \"steps\": [%2]}")
                             .arg(actorJson.join(u", "), stepsJson.join(u", "));
    return scenarioFromJson(json.toUtf8());
}

int openDescriptorCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System).size());
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
