#include "exercise/exerciseresult.h"

#include "exercise/answer.h"
#include "trace/trace.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace {

const QString Format = QStringLiteral("socketscope-exercise-result");

QJsonValue orNull(const QJsonValue &value)
{
    return value.isUndefined() ? QJsonValue(QJsonValue::Null) : value;
}

QJsonObject fileObject(const QString &source, const QByteArray &text)
{
    return QJsonObject{{QStringLiteral("source"), source},
                       {QStringLiteral("sha256"), exerciseresult::sha256(text)},
                       {QStringLiteral("text"), QString::fromUtf8(text)}};
}

QJsonArray seqs(const QList<qint64> &list)
{
    QJsonArray array;
    for (qint64 seq : list)
        array.append(seq);
    return array;
}

QJsonObject questionObject(const Question &question, const GivenAnswer &given, const Graded &graded)
{
    QJsonObject object{
        {QStringLiteral("id"), question.id},
        {QStringLiteral("kind"), question.isGoal() ? QStringLiteral("goal") : QStringLiteral("predict")},
        {QStringLiteral("ask"), question.ask},
        {QStringLiteral("measured"), orNull(graded.measured.value)},
        {QStringLiteral("right"), graded.right},
        {QStringLiteral("counted"), graded.counts},
        {QStringLiteral("evidence"), seqs(graded.measured.evidence)},
        {QStringLiteral("hint_used"), given.hintUsed},
        {QStringLiteral("run"), given.run}};
    // No answer is no "given" at all: null is an answer of its own (an errno of none).
    if (!given.given.isUndefined())
        object.insert(QStringLiteral("given"), given.given);
    if (!question.isGoal()) {
        object.insert(QStringLiteral("step"), Exercise::stepNumber(question.step));
        object.insert(QStringLiteral("when"),
                      question.when == Timing::Before ? QStringLiteral("before") : QStringLiteral("after"));
        object.insert(QStringLiteral("measure"), measureName(question.measure));
        if (!question.socket.isEmpty())
            object.insert(QStringLiteral("socket"), question.socket);
        if (graded.measured.ok())
            object.insert(QStringLiteral("measured_text"),
                          answer::toText(question.measure, graded.measured.value));
    }
    if (!graded.comment.isEmpty())
        object.insert(QStringLiteral("comment"), graded.comment);
    return object;
}

QString digestOf(QJsonObject root)
{
    root.remove(QStringLiteral("digest"));
    return exerciseresult::sha256(QJsonDocument(root).toJson(QJsonDocument::Compact));
}

} // namespace

int ExerciseResult::score() const
{
    int right = 0;
    for (const Graded &one : graded)
        right += one.counts && one.right ? 1 : 0;
    return right;
}

int ExerciseResult::maximum() const
{
    int counted = 0;
    for (const Graded &one : graded)
        counted += one.counts ? 1 : 0;
    return counted;
}

QStringList ExerciseResult::missed() const
{
    QStringList ids;
    for (const Graded &one : graded) {
        if (one.counts && !one.right)
            ids << one.questionId;
    }
    return ids;
}

int ExerciseResult::hintsUsed() const
{
    int hints = 0;
    for (const GivenAnswer &one : answers)
        hints += one.hintUsed ? 1 : 0;
    return hints;
}

void ExerciseResult::gradeAll()
{
    graded.clear();
    for (const GivenAnswer &given : std::as_const(answers)) {
        const Question *question = exercise.question(given.questionId);
        Graded one;
        one.questionId = given.questionId;
        if (question && given.run >= 0 && given.run < runs.size() && runs.at(given.run).trace) {
            const ExerciseRun &run = runs.at(given.run);
            one = grader::grade(*question, given.given, exercise.scenario, *run.trace, run.header.capture);
        } else {
            one.counts = false;
            one.comment = QStringLiteral("no run to grade it on");
        }
        one.hintUsed = given.hintUsed;
        graded << one;
    }
}

QJsonObject ExerciseResult::toJson() const
{
    QJsonObject variables;
    for (auto it = exercise.values.begin(); it != exercise.values.end(); ++it)
        variables.insert(it.key(), it.value());
    QJsonArray questions;
    for (qsizetype i = 0; i < answers.size() && i < graded.size(); ++i) {
        if (const Question *question = exercise.question(answers.at(i).questionId))
            questions.append(questionObject(*question, answers.at(i), graded.at(i)));
    }
    QJsonArray runArray;
    for (const ExerciseRun &run : runs) {
        runArray.append(QJsonObject{{QStringLiteral("order"),
                                     run.order.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                         : QJsonValue(QJsonArray::fromStringList(run.order))},
                                    {QStringLiteral("trace"),
                                     run.trace ? tracejson::toJson(*run.trace, run.header) : QJsonObject()}});
    }
    const int max = maximum();
    QJsonObject root{
        {QStringLiteral("format"), Format},
        {QStringLiteral("version"), 1},
        {QStringLiteral("student"), exercise.student},
        {QStringLiteral("exercise"), exercise.id},
        {QStringLiteral("title"), exercise.title},
        {QStringLiteral("made"), made},
        {QStringLiteral("host"), host},
        {QStringLiteral("exercise_file"), fileObject(exercise.source, exercise.text)},
        {QStringLiteral("scenario_file"), fileObject(exercise.scenarioSource, exercise.scenarioText)},
        {QStringLiteral("variables"), variables},
        {QStringLiteral("score"), score()},
        {QStringLiteral("max"), max},
        {QStringLiteral("percent"), max == 0 ? 0.0 : qRound(1000.0 * score() / max) / 10.0},
        {QStringLiteral("questions"), questions},
        {QStringLiteral("runs"), runArray}};
    root.insert(QStringLiteral("digest"), digestOf(root));
    return root;
}

QString ExerciseResult::write(const QString &fileName) const
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
    return {};
}

QString exerciseresult::sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}
