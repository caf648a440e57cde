#include "exercise/exerciseloader.h"
#include "exercise/exerciseresult.h"
#include "projections/sessionsnapshot.h"
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

// The exercise a result is graded on is never the student's copy alone: a built-in comes from this
// build, a teacher's own exercise from the teacher's copy given to grade. The embedded copies must
// be those, byte for byte (a question taken out, a scenario changed, would change the grading).
std::optional<Exercise> trustedExercise(const QJsonObject &root, const QString &student,
                                        const QStringList &teacherCopies, QStringList &problems)
{
    const qsizetype known = problems.size();
    const Embedded exerciseFile = embeddedFile(root, QStringLiteral("exercise_file"), problems);
    const Embedded scenarioFile = embeddedFile(root, QStringLiteral("scenario_file"), problems);
    if (problems.size() > known)
        return std::nullopt;
    const QString id = root.value(QLatin1String("exercise")).toString();
    std::optional<ExerciseLoadResult> trusted;
    if (!ExerciseLoader::builtinText(id).isEmpty())
        trusted = ExerciseLoader::builtin(id, student);
    for (const QString &copy : teacherCopies) {
        ExerciseLoadResult loaded = ExerciseLoader::loadFile(copy, student);
        if (!trusted && loaded.ok() && loaded.exercise.id == id)
            trusted = std::move(loaded);
    }
    if (!trusted) {
        problems << QStringLiteral(
                        "its exercise %1 is not built in: give grade the teacher's copy with --exercise FILE")
                        .arg(id);
        return std::nullopt;
    }
    if (!trusted->ok()) {
        problems << QStringLiteral("its exercise does not load: ") + trusted->error.toString();
        return std::nullopt;
    }
    if (trusted->exercise.text != exerciseFile.text)
        problems << QStringLiteral("its copy of the exercise is not %1 as %2 has it")
                        .arg(id, trusted->exercise.source);
    if (trusted->exercise.scenarioText != scenarioFile.text)
        problems << QStringLiteral("its copy of the scenario is not the one %1 runs (%2)")
                        .arg(id, trusted->exercise.scenarioSource);
    return trusted->exercise;
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
        for (const auto &actor : object.value(QLatin1String("order")).toArray())
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

bool isSubsequence(const QStringList &part, const QStringList &whole)
{
    qsizetype next = 0;
    for (const QString &item : part) {
        while (next < whole.size() && whole.at(next) != item)
            ++next;
        if (next++ >= whole.size())
            return false;
    }
    return true;
}

// A run's trace must be one the scenario can make: each call is its step's, by its step's actor;
// the steps started in the order the run says (the script's own, or the goal's order of actors);
// packets only where packets were captured, as the sandbox always does.
void checkRun(const Scenario &scenario, const ExerciseRun &run, int index, QStringList &problems)
{
    const Trace &trace = *run.trace;
    const QString which = QStringLiteral("run %1").arg(index);
    bool packets = false;
    for (qint64 seq = 0; seq < trace.size(); ++seq) {
        packets = packets || trace.at(seq).packet();
        const CallInfo *call = trace.at(seq).call();
        if (!call)
            continue;
        if (call->step < 0 || call->step >= scenario.steps.size() ||
            call->actor != scenario.steps.at(call->step).actor ||
            call->call != callName(scenario.steps.at(call->step).call)) {
            problems << QStringLiteral("%1: event %2 is no call of the scenario's steps").arg(which).arg(seq);
            return;
        }
        if (call->phase == CallInfo::Phase::Returned && !call->expectation.isEmpty())
            continue; // the run said it departed, and why
        // A call that failed says why; one that departed from its step's expectation says so too.
        const Expectation &expect = scenario.steps.at(call->step).expect;
        const bool failed = call->result < 0;
        if (call->phase == CallInfo::Phase::Returned &&
            (failed != !call->errnoName.isEmpty() || (expect.result && call->result != *expect.result) ||
             (!expect.errnoName.isEmpty() && call->errnoName != expect.errnoName) || (expect.ok && failed))) {
            problems
                << QStringLiteral("%1: event %2 gives an outcome its step did not have").arg(which).arg(seq);
            return;
        }
    }
    QStringList actors;
    QList<int> steps;
    for (qint64 mark : stepMarks(trace)) {
        actors << trace.at(mark).call()->actor;
        steps << trace.at(mark).call()->step;
    }
    for (qsizetype i = 0; run.order.isEmpty() && i < steps.size(); ++i) {
        if (steps.at(i) != i) {
            problems << QStringLiteral("%1: its steps did not run in the scenario's order").arg(which);
            break;
        }
    }
    if (!run.order.isEmpty() && !isSubsequence(actors, run.order))
        problems << QStringLiteral("%1: its steps did not run in the order it names").arg(which);
    if (packets && !run.header.capture)
        problems
            << QStringLiteral("%1: it says no packets were captured, yet its trace has packets").arg(which);
    if (run.header.mode == QLatin1String("sandbox") && !run.header.capture)
        problems << QStringLiteral("%1: it says it ran in the sandbox without capturing packets").arg(which);
}

// Which run a question is graded on is not the file's to say: a prediction on the scenario's own
// run, a goal on the run of the order it was answered with.
int runFor(const Question &question, const QJsonValue &given, const QList<ExerciseRun> &runs)
{
    if (!question.isGoal() || !given.isArray())
        return 0;
    QStringList order;
    for (const auto &actor : given.toArray())
        order << actor.toString();
    for (qsizetype i = 0; i < runs.size(); ++i) {
        if (runs.at(i).order == order)
            return int(i);
    }
    return -1;
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
        if (question.value(QLatin1String("right")).toBool() != graded.right)
            problems << QStringLiteral("%1: marked %2, but the answer given is %3")
                            .arg(id,
                                 question.value(QLatin1String("right")).toBool() ? QStringLiteral("right")
                                                                                 : QStringLiteral("wrong"),
                                 graded.right ? QStringLiteral("right") : QStringLiteral("wrong"));
        if (question.value(QLatin1String("counted")).toBool() != graded.counts)
            problems << QStringLiteral("%1: marked %2, but its run %3")
                            .arg(id,
                                 question.value(QLatin1String("counted")).toBool()
                                     ? QStringLiteral("counted")
                                     : QStringLiteral("not counted"),
                                 graded.counts ? QStringLiteral("measures it")
                                               : QStringLiteral("cannot measure it"));
        if (question.value(QLatin1String("evidence")).toArray() != seqArray(graded.measured.evidence))
            problems << QStringLiteral("%1: the evidence is not the events its trace shows").arg(id);
    }
}

} // namespace

ResultCheck check(const QJsonObject &root, const QString &fileName, const QStringList &teacherCopies)
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
    const std::optional<Exercise> exercise =
        trustedExercise(root, check.student, teacherCopies, check.problems);
    if (!exercise)
        return check;
    result.exercise = *exercise;
    checkVariables(result.exercise, root, check.problems);
    result.runs = readRuns(root, check.problems);
    for (qsizetype i = 0; i < result.runs.size(); ++i)
        checkRun(result.exercise.scenario, result.runs.at(i), int(i), check.problems);
    const QJsonArray questions = root.value(QLatin1String("questions")).toArray();
    if (questions.size() != result.exercise.questions.size())
        check.problems << QStringLiteral("it answers %1 questions; the exercise asks %2")
                              .arg(QString::number(questions.size()),
                                   QString::number(result.exercise.questions.size()));
    for (qsizetype i = 0; i < questions.size() && i < result.exercise.questions.size(); ++i) {
        const Question &asked = result.exercise.questions.at(i);
        const QJsonObject question = questions.at(i).toObject();
        const QJsonValue given = question.value(QLatin1String("given"));
        if (question.value(QLatin1String("id")).toString() != asked.id)
            check.problems << QStringLiteral("question %1 is not the exercise's %2")
                                  .arg(QString::number(i + 1), asked.id);
        const int run = runFor(asked, given, result.runs);
        if (run != question.value(QLatin1String("run")).toInteger())
            check.problems << QStringLiteral(
                                  "%1: it is graded on run %2, which is not the run it was answered in")
                                  .arg(asked.id,
                                       QString::number(question.value(QLatin1String("run")).toInteger()));
        result.answers << GivenAnswer{asked.id, given, question.value(QLatin1String("hint_used")).toBool(),
                                      run};
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
    for (const Graded &graded : std::as_const(result.graded)) {
        if (!graded.counts)
            check.uncounted << graded.questionId;
    }
    return check;
}

ResultCheck check(const QString &fileName, const QStringList &teacherCopies)
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
    return check(document.object(), fileName, teacherCopies);
}

} // namespace exerciseresult
