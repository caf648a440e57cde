#include "exercise/run/exerciserun.h"

#include "exercise/answer.h"
#include "scenario/jsoncheck.h"
#include "setup/sessionsetup.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

namespace exerciserun {
namespace {

QStringList orderOf(const QJsonValue &answer)
{
    QStringList order;
    for (const auto &actor : answer.toArray())
        order << actor.toString();
    return order;
}

// Each actor in turn, as a student presses Step <actor>; a step that cannot run is said and skipped.
void stepInOrder(Session &session, const QStringList &order, const Options &options)
{
    for (const QString &actor : order) {
        const StepOutcome outcome = session.stepActor(actor);
        if (!options.say)
            continue;
        switch (outcome.status) {
        case StepOutcome::Status::ActorBusy:
            options.say(
                QStringLiteral("   (%1 is still waiting in its last call: nothing to step)").arg(actor));
            break;
        case StepOutcome::Status::Finished:
            options.say(QStringLiteral("   (%1 has no step left)").arg(actor));
            break;
        case StepOutcome::Status::Returned:
        case StepOutcome::Status::Blocked:
        case StepOutcome::Status::Cancelled:
            break;
        }
    }
}

ExerciseRun runOnce(const Exercise &exercise, const QStringList &order, const Options &options)
{
    SessionSetupOptions setupOptions;
    setupOptions.hostLoopback = options.hostLoopback;
    SessionSetup setup = setUpSession(exercise.scenario, setupOptions);
    if (options.say)
        options.say(QStringLiteral("== run in %1 (%2, %3)")
                        .arg(order.isEmpty()
                                 ? QStringLiteral("the scenario's order")
                                 : QStringLiteral("the order ") + order.join(QStringLiteral(", ")),
                             setup.mode,
                             setup.capture ? QStringLiteral("packets captured")
                                           : QStringLiteral("no packets captured: ") + setup.description));
    if (order.isEmpty())
        setup.session->runToEnd();
    else
        stepInOrder(*setup.session, order, options);
    ExerciseRun run;
    run.order = order;
    run.header = tracejson::Header{exercise.scenario.id, setup.mode, setup.capture, setup.description};
    // The run's trace outlives its session, which is ended before the next run starts (on the
    // host's loopback its sockets would hold the ports): what the kernel reported until the run
    // settled is copied.
    auto trace = std::make_shared<Trace>();
    const Trace &live = setup.session->trace();
    const qint64 size = live.size();
    for (qint64 seq = 0; seq < size; ++seq)
        trace->append(live.at(seq));
    setup.session.reset();
    run.trace = trace;
    return run;
}

} // namespace

QString checkAnswers(const Exercise &exercise, const Answers &answers, const QString &source)
{
    for (auto it = answers.begin(); it != answers.end(); ++it) {
        const QString path = QStringLiteral("%1: at $.answers.%2: ").arg(source, it.key());
        const Question *question = exercise.question(it.key());
        if (!question)
            return path + QStringLiteral("the exercise %1 has no question \"%2\"").arg(exercise.id, it.key());
        if (!question->isGoal()) {
            if (const answer::Parsed parsed = answer::parse(question->measure, it.value()); !parsed.ok())
                return path + QStringLiteral("not an answer to \"%1\": %2")
                                  .arg(measureName(question->measure), parsed.problem);
            continue;
        }
        if (!it.value().isArray() || it.value().toArray().isEmpty())
            return path +
                   QStringLiteral(
                       "a goal's answer is the order of actors to step, such as [\"client\", \"server\"]");
        for (const auto &actor : it.value().toArray()) {
            if (!actor.isString() || !exercise.scenario.actor(actor.toString()))
                return path +
                       QStringLiteral("%1 is not an actor of the scenario")
                           .arg(actor.isString()
                                    ? u'"' + actor.toString() + u'"'
                                    : QString::fromUtf8(
                                          QJsonDocument(QJsonArray{actor}).toJson(QJsonDocument::Compact))
                                          .mid(1)
                                          .chopped(1));
        }
        if (it.value().toArray().size() > 10000)
            return path + QStringLiteral("more than 10000 steps");
    }
    return {};
}

QString readAnswers(const QString &fileName, const Exercise &exercise, Answers &answers)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: cannot read the file: %2").arg(fileName, file.errorString());
    const QByteArray bytes = file.readAll();
    QJsonDocument document;
    if (const auto problem = jsoncheck::parseDocument(bytes, document, QStringLiteral("answers")))
        return QStringLiteral("%1:%2:%3: %4")
            .arg(fileName, QString::number(problem->line), QString::number(problem->column), problem->reason);
    const QJsonValue object = document.object().value(QLatin1String("answers"));
    if (!document.isObject() || !object.isObject())
        return QStringLiteral("%1: at $: must be an object {\"answers\": {\"q1\": …}}").arg(fileName);
    answers.clear();
    const QJsonObject given = object.toObject();
    for (auto it = given.begin(); it != given.end(); ++it)
        answers.insert(it.key(), it.value());
    return checkAnswers(exercise, answers, fileName);
}

ExerciseResult run(const Exercise &exercise, const Answers &answers, const Options &options)
{
    ExerciseResult result;
    result.exercise = exercise;
    result.made = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    result.host = QSysInfo::machineHostName();
    QList<QStringList> orders{QStringList()};
    for (const Question &question : exercise.questions) {
        const QJsonValue given = answers.value(question.id, QJsonValue(QJsonValue::Undefined));
        int run = 0;
        if (question.isGoal() && given.isArray()) {
            const QStringList order = orderOf(given);
            run = int(orders.indexOf(order));
            if (run < 0) {
                orders << order;
                run = int(orders.size() - 1);
            }
        }
        result.answers << GivenAnswer{question.id, given, false, run};
    }
    for (const QStringList &order : std::as_const(orders))
        result.runs << runOnce(exercise, order, options);
    result.gradeAll();
    return result;
}

} // namespace exerciserun
