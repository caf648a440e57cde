#include "exercise/exerciseloader.h"
#include "exercise/exerciseresult.h"
#include "scenario/jsoncheck.h"
#include "trace/trace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

// `grade`: a result file is believed only as far as it can be recomputed. The exercise and the
// scenario are read from the file's own copies (which must match their hashes, and a built-in
// exercise must match this build's), the variant from the student's name, and every answer is
// graded again on the embedded traces.
namespace exerciseresult {
namespace {

struct Embedded
{
    QString source;
    QByteArray text;
};

Embedded embeddedFile(const QJsonObject &root, const QString &key, QStringList &problems)
{
    const QJsonObject file = root.value(key).toObject();
    Embedded embedded{file.value(QLatin1String("source")).toString(),
                      file.value(QLatin1String("text")).toString().toUtf8()};
    if (file.isEmpty() || !file.value(QLatin1String("text")).isString())
        problems << QStringLiteral("the result has no copy of its %1").arg(key);
    else if (sha256(embedded.text) != file.value(QLatin1String("sha256")).toString())
        problems << QStringLiteral("%1 was edited: its text no longer has the SHA-256 recorded beside it")
                        .arg(key);
    return embedded;
}

std::optional<Exercise> reloadExercise(const QJsonObject &root, const QString &student, QStringList &problems)
{
    const qsizetype known = problems.size();
    const Embedded exerciseFile = embeddedFile(root, QStringLiteral("exercise_file"), problems);
    const Embedded scenarioFile = embeddedFile(root, QStringLiteral("scenario_file"), problems);
    if (problems.size() > known)
        return std::nullopt;
    const ExerciseLoadResult loaded = ExerciseLoader::parse(
        exerciseFile.text, exerciseFile.source, student, [&scenarioFile](const QString &) {
            return ExerciseLoader::ScenarioText{scenarioFile.text, scenarioFile.source, {}};
        });
    if (!loaded.ok()) {
        problems << QStringLiteral("its exercise does not load: ") + loaded.error.toString();
        return std::nullopt;
    }
    // An exercise with a built-in's id is that built-in, wherever the file came from: a copy with a
    // question taken out must not pass for it.
    const QByteArray builtin = ExerciseLoader::builtinText(loaded.exercise.id);
    if (!builtin.isEmpty() && builtin != exerciseFile.text)
        problems
            << QStringLiteral("its exercise is not this SocketScope's built-in %1").arg(loaded.exercise.id);
    return loaded.exercise;
}

void checkVariables(const Exercise &exercise, const QJsonObject &root, QStringList &problems)
{
    const QJsonObject recorded = root.value(QLatin1String("variables")).toObject();
    QJsonObject drawn;
    for (auto it = exercise.values.begin(); it != exercise.values.end(); ++it)
        drawn.insert(it.key(), it.value());
    if (recorded != drawn)
        problems << QStringLiteral("its variables are not the ones drawn for %1").arg(exercise.student);
}

QList<ExerciseRun> readRuns(const QJsonObject &root, QStringList &problems)
{
    QList<ExerciseRun> runs;
    const QJsonArray array = root.value(QLatin1String("runs")).toArray();
    if (array.isEmpty())
        problems << QStringLiteral("it has no run");
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array.at(i).toObject();
        auto trace = std::make_shared<Trace>();
        ExerciseRun run;
        for (const QJsonValue &actor : object.value(QLatin1String("order")).toArray())
            run.order << actor.toString();
        if (const QString problem =
                tracejson::read(object.value(QLatin1String("trace")).toObject(), *trace, &run.header);
            !problem.isEmpty())
            problems
                << QStringLiteral("the trace of run %1 cannot be read: %2").arg(QString::number(i), problem);
        run.trace = trace;
        runs << run;
    }
    return runs;
}

QJsonArray seqArray(const QList<qint64> &seqs)
{
    QJsonArray array;
    for (qint64 seq : seqs)
        array.append(seq);
    return array;
}

void compareGrades(const ExerciseResult &result, const QJsonArray &recorded, QStringList &problems)
{
    for (qsizetype i = 0; i < recorded.size() && i < result.graded.size(); ++i) {
        const QJsonObject question = recorded.at(i).toObject();
        const Graded &graded = result.graded.at(i);
        const QString id = graded.questionId;
        const QJsonValue measured =
            graded.measured.value.isUndefined() ? QJsonValue(QJsonValue::Null) : graded.measured.value;
        if (question.value(QLatin1String("measured")) != measured)
            problems << QStringLiteral("%1: the measured answer is not what its trace shows").arg(id);
        if (question.value(QLatin1String("right")).toBool() != graded.right ||
            question.value(QLatin1String("counted")).toBool() != graded.counts)
            problems << QStringLiteral("%1: marked %2, but the answer given is %3")
                            .arg(id,
                                 question.value(QLatin1String("right")).toBool() ? QStringLiteral("right")
                                                                                 : QStringLiteral("wrong"),
                                 graded.right ? QStringLiteral("right") : QStringLiteral("wrong"));
        if (question.value(QLatin1String("evidence")).toArray() != seqArray(graded.measured.evidence))
            problems << QStringLiteral("%1: the evidence is not the events its trace shows").arg(id);
    }
}

} // namespace

ResultCheck check(const QJsonObject &root, const QString &fileName)
{
    ResultCheck check;
    check.file = fileName;
    check.student = root.value(QLatin1String("student")).toString();
    check.exercise = root.value(QLatin1String("exercise")).toString();
    if (root.value(QLatin1String("format")).toString() != QLatin1String("socketscope-exercise-result") ||
        root.value(QLatin1String("version")).toInteger() != 1) {
        check.problems << QStringLiteral("it is not a SocketScope exercise result (format version 1)");
        return check;
    }
    check.score = int(root.value(QLatin1String("score")).toInteger());
    check.maximum = int(root.value(QLatin1String("max")).toInteger());
    QJsonObject withoutDigest = root;
    withoutDigest.remove(QStringLiteral("digest"));
    if (root.value(QLatin1String("digest")).toString() !=
        sha256(QJsonDocument(withoutDigest).toJson(QJsonDocument::Compact)))
        check.problems << QStringLiteral(
            "the file was edited after it was written (its digest does not match)");
    ExerciseResult result;
    const std::optional<Exercise> exercise = reloadExercise(root, check.student, check.problems);
    if (!exercise)
        return check;
    result.exercise = *exercise;
    checkVariables(result.exercise, root, check.problems);
    result.runs = readRuns(root, check.problems);
    const QJsonArray questions = root.value(QLatin1String("questions")).toArray();
    if (questions.size() != result.exercise.questions.size())
        check.problems << QStringLiteral("it answers %1 questions; the exercise asks %2")
                              .arg(QString::number(questions.size()),
                                   QString::number(result.exercise.questions.size()));
    for (qsizetype i = 0; i < questions.size() && i < result.exercise.questions.size(); ++i) {
        const QJsonObject question = questions.at(i).toObject();
        const QJsonValue given = question.value(QLatin1String("given"));
        if (question.value(QLatin1String("id")).toString() != result.exercise.questions.at(i).id)
            check.problems << QStringLiteral("question %1 is not the exercise's %2")
                                  .arg(QString::number(i + 1), result.exercise.questions.at(i).id);
        result.answers << GivenAnswer{result.exercise.questions.at(i).id, given,
                                      question.value(QLatin1String("hint_used")).toBool(),
                                      int(question.value(QLatin1String("run")).toInteger())};
    }
    result.gradeAll();
    compareGrades(result, questions, check.problems);
    if (result.score() != check.score || result.maximum() != check.maximum)
        check.problems << QStringLiteral("the score says %1/%2; the answers give %3/%4")
                              .arg(QString::number(check.score), QString::number(check.maximum),
                                   QString::number(result.score()), QString::number(result.maximum()));
    check.score = result.score();
    check.maximum = result.maximum();
    check.missed = result.missed();
    check.hints = result.hintsUsed();
    return check;
}

ResultCheck check(const QString &fileName)
{
    QFile file(fileName);
    ResultCheck failed;
    failed.file = fileName;
    if (!file.open(QIODevice::ReadOnly)) {
        failed.problems << QStringLiteral("cannot read it: ") + file.errorString();
        return failed;
    }
    const QByteArray bytes = file.readAll();
    QJsonDocument document;
    if (const auto problem = jsoncheck::parseDocument(bytes, document, QStringLiteral("result"))) {
        failed.problems << QStringLiteral("%1:%2: %3")
                               .arg(QString::number(problem->line), QString::number(problem->column),
                                    problem->reason);
        return failed;
    }
    if (!document.isObject()) {
        failed.problems << QStringLiteral("a result must be a JSON object");
        return failed;
    }
    return check(document.object(), fileName);
}

} // namespace exerciseresult
