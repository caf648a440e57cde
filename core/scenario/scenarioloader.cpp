#include "scenario/scenarioloader.h"

#include "scenario/jsoncheck.h"
#include "scenario/stepvalidator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

QString ScenarioError::toString() const
{
    QString where = file;
    if (line > 0)
        where += u':' + QString::number(line) + u':' + QString::number(column);
    if (!path.isEmpty())
        where += QStringLiteral(": at ") + path;
    return where + QStringLiteral(": ") + reason;
}

namespace ScenarioLoader {
namespace {

using jsoncheck::fail;

const QStringList Levels = {QStringLiteral("first steps"), QStringLiteral("intermediate"),
                            QStringLiteral("advanced")};

void readHeader(const QJsonObject &root, Scenario &scenario)
{
    jsoncheck::rejectUnknownKeys(root,
                                 {QStringLiteral("$schema"), QStringLiteral("id"), QStringLiteral("title"),
                                  QStringLiteral("summary"), QStringLiteral("level"), QStringLiteral("tags"),
                                  QStringLiteral("actors"), QStringLiteral("steps")},
                                 QStringLiteral("$"));
    jsoncheck::string(root, QStringLiteral("$schema"), QStringLiteral("$"), false);
    scenario.id = jsoncheck::string(root, QStringLiteral("id"), QStringLiteral("$"), true);
    if (!jsoncheck::isIdentifier(scenario.id))
        fail(QStringLiteral("$.id"),
             QStringLiteral("\"%1\" is not a valid id (lowercase letters, digits, '-' and '_')")
                 .arg(scenario.id));
    scenario.title = jsoncheck::string(root, QStringLiteral("title"), QStringLiteral("$"), true);
    scenario.summary = jsoncheck::string(root, QStringLiteral("summary"), QStringLiteral("$"), false);
    scenario.level = jsoncheck::string(root, QStringLiteral("level"), QStringLiteral("$"), false);
    if (root.contains(QLatin1String("level")) && !Levels.contains(scenario.level))
        fail(QStringLiteral("$.level"), QStringLiteral("unknown level \"%1\" (expected one of: %2)")
                                            .arg(scenario.level, Levels.join(u", ")));
    if (root.contains(QLatin1String("tags"))) {
        if (!root.value(QLatin1String("tags")).isArray())
            fail(QStringLiteral("$.tags"), QStringLiteral("must be an array of strings"));
        const QJsonArray tags = root.value(QLatin1String("tags")).toArray();
        for (qsizetype i = 0; i < tags.size(); ++i) {
            if (!tags.at(i).isString())
                fail(QStringLiteral("$.tags[%1]").arg(i), QStringLiteral("must be a string"));
            scenario.tags << tags.at(i).toString();
        }
    }
}

void readActors(const QJsonObject &root, Scenario &scenario)
{
    const QJsonValue actorsValue = root.value(QLatin1String("actors"));
    if (!actorsValue.isArray() || actorsValue.toArray().isEmpty())
        fail(QStringLiteral("$.actors"), QStringLiteral("must be a non-empty array of actors"));
    const QJsonArray actors = actorsValue.toArray();
    for (qsizetype i = 0; i < actors.size(); ++i) {
        const QString path = QStringLiteral("$.actors[%1]").arg(i);
        if (!actors.at(i).isObject())
            fail(path, QStringLiteral("must be an object such as {\"id\": \"server\"}"));
        const QJsonObject object = actors.at(i).toObject();
        jsoncheck::rejectUnknownKeys(object, {QStringLiteral("id"), QStringLiteral("title")}, path);
        ScenarioActor actor;
        actor.id = jsoncheck::string(object, QStringLiteral("id"), path, true);
        if (!jsoncheck::isIdentifier(actor.id))
            fail(path + QStringLiteral(".id"),
                 QStringLiteral("\"%1\" is not a valid actor id").arg(actor.id));
        if (scenario.actor(actor.id))
            fail(path + QStringLiteral(".id"), QStringLiteral("duplicate actor id \"%1\"").arg(actor.id));
        actor.title = jsoncheck::string(object, QStringLiteral("title"), path, false);
        if (actor.title.isEmpty())
            actor.title = actor.id.at(0).toUpper() + actor.id.mid(1);
        scenario.actors << actor;
    }
}

Scenario validate(const QJsonObject &root)
{
    Scenario scenario;
    readHeader(root, scenario);
    readActors(root, scenario);
    const QJsonValue stepsValue = root.value(QLatin1String("steps"));
    if (!stepsValue.isArray() || stepsValue.toArray().isEmpty())
        fail(QStringLiteral("$.steps"), QStringLiteral("must be a non-empty array of steps"));
    const QJsonArray steps = stepsValue.toArray();
    StepValidator validator(scenario, steps);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        if (!steps.at(i).isObject())
            fail(QStringLiteral("$.steps[%1]").arg(i),
                 QStringLiteral("must be an object, not %1").arg(jsoncheck::typeName(steps.at(i))));
        scenario.steps << validator.validate(steps.at(i).toObject(), i);
    }
    return scenario;
}

} // namespace

ScenarioLoadResult parse(const QByteArray &json, const QString &source)
{
    ScenarioLoadResult result;
    result.error.file = source;
    QJsonDocument document;
    if (const auto problem = jsoncheck::parseDocument(json, document, QStringLiteral("scenario"))) {
        result.error.line = problem->line;
        result.error.column = problem->column;
        result.error.reason = problem->reason;
        return result;
    }
    if (!document.isObject()) {
        result.error.path = QStringLiteral("$");
        result.error.reason = QStringLiteral("a scenario must be a JSON object");
        return result;
    }
    try {
        result.scenario = validate(document.object());
        result.scenario.source = source;
    } catch (const jsoncheck::Failure &failure) {
        result.error.path = failure.path;
        result.error.reason = failure.reason;
    }
    return result;
}

ScenarioLoadResult loadFile(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        ScenarioLoadResult result;
        result.error.file = fileName;
        result.error.reason = QStringLiteral("cannot read the file: ") + file.errorString();
        return result;
    }
    return parse(file.readAll(), fileName);
}

QStringList builtinIds()
{
    return jsoncheck::readIndex(QStringLiteral(":/scenarios/index.txt"));
}

ScenarioLoadResult builtin(const QString &id)
{
    const QString resource = QStringLiteral(":/scenarios/%1.json").arg(id);
    if (!jsoncheck::isIdentifier(id) || !QFile::exists(resource)) {
        ScenarioLoadResult result;
        result.error.file = id;
        result.error.reason = QStringLiteral("no built-in scenario has this id (see 'socketscope list')");
        return result;
    }
    return loadFile(resource);
}

ScenarioLoadResult load(const QString &idOrFile)
{
    if (QFileInfo(idOrFile).isFile())
        return loadFile(idOrFile);
    if (idOrFile.endsWith(QLatin1String(".json")) || idOrFile.contains(u'/')) {
        ScenarioLoadResult result;
        result.error.file = idOrFile;
        result.error.reason = QStringLiteral("no such file");
        return result;
    }
    return builtin(idOrFile);
}

} // namespace ScenarioLoader
