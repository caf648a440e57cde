#include "exercise/exercisesession.h"

#include "exercise/answer.h"
#include "projections/sessionsnapshot.h"
#include "trace/trace.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSysInfo>

ExerciseSession::ExerciseSession(const Exercise &exercise, QObject *parent)
    : QObject(parent)
    , m_exercise(exercise)
{
}

ExerciseSession::~ExerciseSession() = default;

void ExerciseSession::setRun(const Trace *trace, const tracejson::Header &header)
{
    disconnect(m_appendConnection);
    m_trace = trace;
    m_header = header;
    m_seenSize = trace ? trace->size() : 0;
    if (trace) {
        // One look per burst of events: the first queued call sees them all, the rest see nothing new.
        m_appendConnection = connect(
            trace, &Trace::eventAppended, this,
            [this] {
                if (!m_trace || m_trace->size() == m_seenSize)
                    return;
                m_seenSize = m_trace->size();
                Q_EMIT changed();
            },
            Qt::QueuedConnection);
    }
    Q_EMIT changed();
}

void ExerciseSession::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT changed();
}

SessionSnapshot ExerciseSession::liveSnapshot() const
{
    return m_trace ? SessionSnapshot::compute(m_exercise.scenario, *m_trace, m_trace->size())
                   : SessionSnapshot{};
}

bool ExerciseSession::stepSettled(int step) const
{
    if (!m_trace)
        return false;
    const qint64 end = grader::stepEnd(*m_trace, step);
    return end >= 0 && (end < m_trace->size() || !m_busy);
}

QString ExerciseSession::holds(int step) const
{
    for (const Question *question : m_exercise.questionsAt(step, Timing::Before)) {
        if (!m_given.contains(question->id))
            return QStringLiteral("Answer the question on step %1 first: %2")
                .arg(QString::number(Exercise::stepNumber(step)), question->ask);
    }
    return {};
}

ExerciseSession::Status ExerciseSession::status(const Question &question) const
{
    if (question.isGoal()) {
        if (!m_trace)
            return Status::Later;
        return grader::reach(question.goal, *m_trace, m_header.capture).value.toBool() ? Status::Right
                                                                                       : Status::Later;
    }
    const bool answered = m_given.contains(question.id);
    const bool settled = stepSettled(question.step);
    if (!answered) {
        if (question.when == Timing::After)
            return settled ? Status::AskNow : Status::Later;
        const SessionSnapshot live = liveSnapshot();
        bool next = live.nextStep == question.step;
        for (const SnapshotActor &actor : live.actors)
            next = next || actor.nextStep == question.step;
        return next ? Status::AskNow : Status::Later;
    }
    if (!settled || !m_trace)
        return Status::Given;
    const Graded one = graded(question);
    if (!one.counts)
        return Status::Unknown;
    return one.right ? Status::Right : Status::Wrong;
}

const Question *ExerciseSession::current() const
{
    // A question that holds the next step comes first, then one about a step that ran.
    const Question *after = nullptr;
    for (const Question &question : m_exercise.questions) {
        if (question.isGoal() || status(question) != Status::AskNow)
            continue;
        if (question.when == Timing::Before)
            return &question;
        if (!after)
            after = &question;
    }
    return after;
}

QString ExerciseSession::answer(const QString &questionId, const QJsonValue &given)
{
    const Question *question = m_exercise.question(questionId);
    if (!question)
        return QStringLiteral("the exercise has no question \"%1\"").arg(questionId);
    if (question->isGoal())
        return QStringLiteral("a goal is answered by stepping the programs, not in words");
    if (m_given.contains(questionId))
        return QStringLiteral("this question was answered already, and a recorded answer never changes");
    if (question->when == Timing::After && !stepSettled(question->step))
        return QStringLiteral("this question is about step %1, which has not run yet")
            .arg(Exercise::stepNumber(question->step));
    if (question->when == Timing::Before && m_trace && grader::stepEnd(*m_trace, question->step) >= 0)
        return QStringLiteral("step %1 has run already: a prediction must come before it")
            .arg(Exercise::stepNumber(question->step));
    const answer::Parsed parsed = answer::parse(question->measure, given);
    if (!parsed.ok())
        return parsed.problem;
    m_given.insert(questionId, given);
    Q_EMIT changed();
    return {};
}

void ExerciseSession::useHint(const QString &questionId)
{
    if (m_hints.contains(questionId))
        return;
    m_hints.insert(questionId);
    Q_EMIT changed();
}

Graded ExerciseSession::graded(const Question &question) const
{
    if (!m_trace)
        return Graded{};
    QJsonValue given = m_given.value(question.id, QJsonValue(QJsonValue::Undefined));
    if (question.isGoal())
        given = QJsonArray::fromStringList(actorOrder());
    Graded one = grader::grade(question, given, m_exercise.scenario, *m_trace, m_header.capture);
    one.hintUsed = m_hints.contains(question.id);
    return one;
}

int ExerciseSession::score() const
{
    int right = 0;
    for (const Question &question : m_exercise.questions)
        right += status(question) == Status::Right ? 1 : 0;
    return right;
}

int ExerciseSession::decided() const
{
    int count = 0;
    for (const Question &question : m_exercise.questions) {
        const Status now = status(question);
        count += now == Status::Right || now == Status::Wrong ? 1 : 0;
    }
    return count;
}

bool ExerciseSession::isComplete() const
{
    if (!m_trace || m_busy)
        return false;
    const SessionSnapshot live = liveSnapshot();
    if (live.nextStep >= 0)
        return false;
    for (const Question &question : m_exercise.questions) {
        if (!question.isGoal() && !m_given.contains(question.id) && stepSettled(question.step))
            return false;
    }
    return true;
}

QStringList ExerciseSession::actorOrder() const
{
    QStringList order;
    if (!m_trace)
        return order;
    for (qint64 mark : stepMarks(*m_trace))
        order << m_trace->at(mark).call()->actor;
    return order;
}

ExerciseResult ExerciseSession::result() const
{
    ExerciseResult result;
    result.exercise = m_exercise;
    result.made = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    result.host = QSysInfo::machineHostName();
    auto copy = std::make_shared<Trace>();
    if (m_trace) {
        const qint64 size = m_trace->size();
        for (qint64 seq = 0; seq < size; ++seq)
            copy->append(m_trace->at(seq));
    }
    result.runs << ExerciseRun{actorOrder(), copy, m_header};
    for (const Question &question : m_exercise.questions) {
        QJsonValue given = m_given.value(question.id, QJsonValue(QJsonValue::Undefined));
        if (question.isGoal())
            given = QJsonArray::fromStringList(actorOrder());
        result.answers << GivenAnswer{question.id, given, m_hints.contains(question.id), 0};
    }
    result.gradeAll();
    return result;
}

QJsonObject ExerciseSession::progress() const
{
    QJsonObject answers;
    for (auto it = m_given.begin(); it != m_given.end(); ++it)
        answers.insert(it.key(), it.value());
    QStringList hints(m_hints.begin(), m_hints.end());
    hints.sort();
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("socketscope-exercise-progress")},
                       {QStringLiteral("exercise"), m_exercise.id},
                       {QStringLiteral("exercise_sha256"), exerciseresult::sha256(m_exercise.text)},
                       {QStringLiteral("student"), m_exercise.student},
                       {QStringLiteral("order"), QJsonArray::fromStringList(actorOrder())},
                       {QStringLiteral("answers"), answers},
                       {QStringLiteral("hints"), QJsonArray::fromStringList(hints)}};
}

QString ExerciseSession::restore(const QJsonObject &progress, QStringList &order)
{
    if (progress.value(QLatin1String("format")).toString() !=
            QLatin1String("socketscope-exercise-progress") ||
        progress.value(QLatin1String("exercise")).toString() != m_exercise.id ||
        progress.value(QLatin1String("student")).toString() != m_exercise.student)
        return QStringLiteral("the saved progress is not this student's for this exercise");
    if (progress.value(QLatin1String("exercise_sha256")).toString() !=
        exerciseresult::sha256(m_exercise.text))
        return QStringLiteral("the exercise has changed since the progress was saved");
    order.clear();
    for (const auto &actor : progress.value(QLatin1String("order")).toArray()) {
        if (!m_exercise.scenario.actor(actor.toString()))
            return QStringLiteral("the saved progress names an actor the scenario does not have");
        order << actor.toString();
    }
    QHash<QString, QJsonValue> given;
    const QJsonObject answers = progress.value(QLatin1String("answers")).toObject();
    for (auto it = answers.begin(); it != answers.end(); ++it) {
        const Question *question = m_exercise.question(it.key());
        if (!question || question->isGoal() || !answer::parse(question->measure, it.value()).ok())
            return QStringLiteral("the saved progress has an answer the exercise cannot take (%1)")
                .arg(it.key());
        given.insert(it.key(), it.value());
    }
    m_given = given;
    m_hints.clear();
    for (const auto &hint : progress.value(QLatin1String("hints")).toArray())
        m_hints.insert(hint.toString());
    Q_EMIT changed();
    return {};
}

void ExerciseSession::clear()
{
    m_given.clear();
    m_hints.clear();
    Q_EMIT changed();
}
