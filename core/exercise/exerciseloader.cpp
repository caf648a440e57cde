#include "exercise/exerciseloader.h"

#include "exercise/questionreader.h"
#include "exercise/variant.h"
#include "scenario/jsoncheck.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace ExerciseLoader {
namespace {

using jsoncheck::fail;

const QStringList Levels = {QStringLiteral("first steps"), QStringLiteral("intermediate"),
                            QStringLiteral("advanced")};

// A variable may take at most this many values to choose from: each is tried against the scenario.
constexpr qsizetype MaxChoices = 64;
constexpr qint64 MaxMagnitude = qint64(1) << 40;
constexpr qsizetype MaxVariables = 8;

void readHeader(const QJsonObject &root, Exercise &exercise)
{
    jsoncheck::rejectUnknownKeys(root,
                                 {QStringLiteral("$schema"), QStringLiteral("id"), QStringLiteral("title"),
                                  QStringLiteral("summary"), QStringLiteral("level"),
                                  QStringLiteral("scenario"), QStringLiteral("variables"),
                                  QStringLiteral("questions")},
                                 QStringLiteral("$"));
    const QString rootPath = QStringLiteral("$");
    jsoncheck::string(root, QStringLiteral("$schema"), rootPath, false);
    exercise.id = jsoncheck::string(root, QStringLiteral("id"), rootPath, true);
    if (!jsoncheck::isIdentifier(exercise.id))
        fail(QStringLiteral("$.id"),
             QStringLiteral("\"%1\" is not a valid id (lowercase letters, digits, '-' and '_')")
                 .arg(exercise.id));
    exercise.title = jsoncheck::string(root, QStringLiteral("title"), rootPath, true);
    exercise.summary = jsoncheck::string(root, QStringLiteral("summary"), rootPath, false);
    exercise.level = jsoncheck::string(root, QStringLiteral("level"), rootPath, false);
    if (root.contains(QLatin1String("level")) && !Levels.contains(exercise.level))
        fail(QStringLiteral("$.level"), QStringLiteral("unknown level \"%1\" (expected one of: %2)")
                                            .arg(exercise.level, Levels.join(u", ")));
    exercise.scenarioRef = jsoncheck::string(root, QStringLiteral("scenario"), rootPath, true);
}

ExerciseVariable readVariable(const QString &name, const QJsonValue &value, const QString &path)
{
    ExerciseVariable variable;
    variable.name = name;
    if (!QRegularExpression(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$")).match(name).hasMatch())
        fail(path, QStringLiteral("\"%1\" is not a variable name (letters, digits and '_')").arg(name));
    if (!value.isObject())
        fail(path, QStringLiteral(
                       "must be an object such as {\"range\": [20000, 29999]} or {\"choices\": [1, 2]}"));
    const QJsonObject object = value.toObject();
    jsoncheck::rejectUnknownKeys(object, {QStringLiteral("range"), QStringLiteral("choices")}, path);
    if (object.contains(QLatin1String("range")) == object.contains(QLatin1String("choices")))
        fail(path, QStringLiteral("needs either \"range\" or \"choices\""));
    if (object.contains(QLatin1String("range"))) {
        const QJsonValue range = object.value(QLatin1String("range"));
        const QString rangePath = path + QStringLiteral(".range");
        if (!range.isArray() || range.toArray().size() != 2)
            fail(rangePath, QStringLiteral("must be [lowest, highest]"));
        variable.low = jsoncheck::wholeNumber(range.toArray().at(0), rangePath + QStringLiteral("[0]"),
                                              -MaxMagnitude, MaxMagnitude);
        variable.high = jsoncheck::wholeNumber(range.toArray().at(1), rangePath + QStringLiteral("[1]"),
                                               -MaxMagnitude, MaxMagnitude);
        if (variable.low > variable.high)
            fail(rangePath, QStringLiteral("the lowest value %1 is above the highest %2")
                                .arg(QString::number(variable.low), QString::number(variable.high)));
        return variable;
    }
    variable.isRange = false;
    const QJsonValue choices = object.value(QLatin1String("choices"));
    const QString choicesPath = path + QStringLiteral(".choices");
    if (!choices.isArray() || choices.toArray().isEmpty() || choices.toArray().size() > MaxChoices)
        fail(choicesPath, QStringLiteral("must be an array of 1 to %1 strings or numbers").arg(MaxChoices));
    const QJsonArray array = choices.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isString() && !array.at(i).isDouble())
            fail(
                choicesPath + QStringLiteral("[%1]").arg(i),
                QStringLiteral("must be a string or a number, not %1").arg(jsoncheck::typeName(array.at(i))));
        if (array.at(i).isDouble())
            jsoncheck::wholeNumber(array.at(i), choicesPath + QStringLiteral("[%1]").arg(i), -MaxMagnitude,
                                   MaxMagnitude);
        variable.choices << array.at(i);
    }
    return variable;
}

QList<ExerciseVariable> readVariables(const QJsonObject &root)
{
    QList<ExerciseVariable> variables;
    if (!root.contains(QLatin1String("variables")))
        return variables;
    const QJsonValue value = root.value(QLatin1String("variables"));
    if (!value.isObject())
        fail(QStringLiteral("$.variables"),
             QStringLiteral("must be an object such as {\"port\": {\"range\": [20000, 29999]}}"));
    const QJsonObject object = value.toObject();
    if (object.size() > MaxVariables)
        fail(QStringLiteral("$.variables"),
             QStringLiteral("an exercise has at most %1 variables").arg(MaxVariables));
    for (auto it = object.begin(); it != object.end(); ++it)
        variables << readVariable(it.key(), it.value(), QStringLiteral("$.variables.") + it.key());
    return variables;
}

// A scenario error, reported as the scenario's file and place, with the variant that made it.
struct ScenarioFailure
{
    ScenarioError error;
};

Scenario loadScenario(const QJsonObject &scenarioRoot, const QMap<QString, QJsonValue> &values,
                      const QString &source)
{
    QJsonValue substituted;
    try {
        substituted = variant::substitute(scenarioRoot, values);
    } catch (const jsoncheck::Failure &failure) {
        throw ScenarioFailure{ScenarioError{source, failure.path, 0, 0, failure.reason}};
    }
    const ScenarioLoadResult loaded =
        ScenarioLoader::parse(QJsonDocument(substituted.toObject()).toJson(QJsonDocument::Compact), source);
    if (!loaded.ok())
        throw ScenarioFailure{loaded.error};
    return loaded.scenario;
}

QString valueText(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// Every value a variable can take must give a valid scenario and questions that fit it, not only
// this student's: a range's two ends and each choice are tried. Without `questions`, only the
// scenario is (before the student's own variant is loaded, so that the error is the same for every
// student).
void checkEveryVariant(const Exercise &exercise, const QJsonObject &scenarioRoot,
                       const QJsonValue &questions = QJsonValue(QJsonValue::Undefined))
{
    for (const ExerciseVariable &variable : exercise.variables) {
        QList<QJsonValue> candidates = variable.choices;
        if (variable.isRange)
            candidates = {QJsonValue(variable.low), QJsonValue(variable.high)};
        for (const QJsonValue &candidate : std::as_const(candidates)) {
            QMap<QString, QJsonValue> values;
            for (const ExerciseVariable &other : exercise.variables)
                values.insert(other.name, other.isRange ? QJsonValue(other.low) : other.choices.constFirst());
            values.insert(variable.name, candidate);
            Scenario scenario;
            try {
                scenario = loadScenario(scenarioRoot, values, exercise.scenarioSource);
            } catch (const ScenarioFailure &failure) {
                fail(QStringLiteral("$.variables.") + variable.name,
                     QStringLiteral("the value %1 makes the scenario invalid: %2")
                         .arg(valueText(candidate), failure.error.toString()));
            }
            if (questions.isUndefined())
                continue;
            try {
                QuestionReader(scenario).read(questions);
            } catch (const jsoncheck::Failure &failure) {
                fail(failure.path, QStringLiteral("%1 (for the students whose %2 is %3)")
                                       .arg(failure.reason, variable.name, valueText(candidate)));
            }
        }
    }
}

QJsonObject readScenario(Exercise &exercise, const ScenarioReader &readScenarioText)
{
    const ScenarioText scenarioText = readScenarioText(exercise.scenarioRef);
    if (!scenarioText.problem.isEmpty())
        fail(QStringLiteral("$.scenario"), scenarioText.problem);
    exercise.scenarioText = scenarioText.text;
    exercise.scenarioSource = scenarioText.source;
    QJsonDocument document;
    if (const auto problem =
            jsoncheck::parseDocument(scenarioText.text, document, QStringLiteral("scenario")))
        throw ScenarioFailure{
            ScenarioError{scenarioText.source, {}, problem->line, problem->column, problem->reason}};
    if (!document.isObject())
        throw ScenarioFailure{ScenarioError{scenarioText.source, QStringLiteral("$"), 0, 0,
                                            QStringLiteral("a scenario must be a JSON object")}};
    QJsonObject scenarioRoot = document.object();
    const QStringList used = variant::namesUsed(scenarioRoot);
    for (const ExerciseVariable &variable : std::as_const(exercise.variables)) {
        if (!used.contains(variable.name))
            fail(QStringLiteral("$.variables.") + variable.name,
                 QStringLiteral("the scenario %1 never uses \"${%2}\"")
                     .arg(exercise.scenarioRef, variable.name));
        exercise.values.insert(variable.name, variant::draw(variable, exercise.id, exercise.student));
    }
    checkEveryVariant(exercise, scenarioRoot);
    exercise.scenario = loadScenario(scenarioRoot, exercise.values, scenarioText.source);
    return scenarioRoot;
}

} // namespace

ExerciseLoadResult parse(const QByteArray &json, const QString &source, const QString &student,
                         const ScenarioReader &readScenarioText)
{
    ExerciseLoadResult result;
    result.error.file = source;
    QJsonDocument document;
    if (const auto problem = jsoncheck::parseDocument(json, document, QStringLiteral("exercise"))) {
        result.error.line = problem->line;
        result.error.column = problem->column;
        result.error.reason = problem->reason;
        return result;
    }
    if (!document.isObject()) {
        result.error.path = QStringLiteral("$");
        result.error.reason = QStringLiteral("an exercise must be a JSON object");
        return result;
    }
    Exercise &exercise = result.exercise;
    exercise.student = student;
    exercise.source = source;
    exercise.text = json;
    try {
        const QJsonObject root = document.object();
        readHeader(root, exercise);
        exercise.variables = readVariables(root);
        const QJsonObject scenarioRoot = readScenario(exercise, readScenarioText);
        const QJsonValue questions = root.value(QLatin1String("questions"));
        exercise.questions = QuestionReader(exercise.scenario).read(questions);
        checkEveryVariant(exercise, scenarioRoot, questions);
    } catch (const jsoncheck::Failure &failure) {
        result.error.path = failure.path;
        result.error.reason = failure.reason;
    } catch (const ScenarioFailure &failure) {
        result.error = failure.error;
        result.error.reason = QStringLiteral("in the scenario of %1: %2").arg(source, failure.error.reason);
    }
    return result;
}

ScenarioReader scenarioReaderBeside(const QString &folder)
{
    return [folder](const QString &reference) {
        ScenarioText found;
        const bool isFile = reference.endsWith(QLatin1String(".json")) || reference.contains(u'/');
        if (!isFile) {
            if (!jsoncheck::isIdentifier(reference) || !ScenarioLoader::builtinIds().contains(reference)) {
                found.problem =
                    QStringLiteral("no built-in scenario has the id \"%1\" (see 'socketscope list'; a "
                                   "file of your own ends in .json)")
                        .arg(reference);
                return found;
            }
            found.source = QStringLiteral(":/scenarios/%1.json").arg(reference);
        } else {
            found.source = QDir::isAbsolutePath(reference) ? reference : folder + u'/' + reference;
        }
        QFile file(found.source);
        if (!file.open(QIODevice::ReadOnly))
            found.problem =
                QStringLiteral("cannot read the scenario %1: %2").arg(found.source, file.errorString());
        else
            found.text = file.readAll();
        return found;
    };
}

ExerciseLoadResult loadFile(const QString &fileName, const QString &student)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        ExerciseLoadResult result;
        result.error.file = fileName;
        result.error.reason = QStringLiteral("cannot read the file: ") + file.errorString();
        return result;
    }
    const QString folder =
        fileName.startsWith(u':') ? fileName.section(u'/', 0, -2) : QFileInfo(fileName).absolutePath();
    return parse(file.readAll(), fileName, student, scenarioReaderBeside(folder));
}

QStringList builtinIds()
{
    return jsoncheck::readIndex(QStringLiteral(":/exercises/index.txt"));
}

QByteArray builtinText(const QString &id)
{
    if (!jsoncheck::isIdentifier(id))
        return {};
    QFile file(QStringLiteral(":/exercises/%1.json").arg(id));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

ExerciseLoadResult builtin(const QString &id, const QString &student)
{
    const QString resource = QStringLiteral(":/exercises/%1.json").arg(id);
    if (!jsoncheck::isIdentifier(id) || !QFile::exists(resource)) {
        ExerciseLoadResult result;
        result.error.file = id;
        result.error.reason =
            QStringLiteral("no built-in exercise has this id (see 'socketscope exercise list')");
        return result;
    }
    return loadFile(resource, student);
}

ExerciseLoadResult load(const QString &idOrFile, const QString &student)
{
    if (QFileInfo(idOrFile).isFile())
        return loadFile(idOrFile, student);
    if (idOrFile.endsWith(QLatin1String(".json")) || idOrFile.contains(u'/')) {
        ExerciseLoadResult result;
        result.error.file = idOrFile;
        result.error.reason = QStringLiteral("no such file");
        return result;
    }
    return builtin(idOrFile, student);
}

} // namespace ExerciseLoader
