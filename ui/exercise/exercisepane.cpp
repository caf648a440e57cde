#include "exercise/exercisepane.h"

#include "common/viewcontext.h"
#include "exercise/answer.h"
#include "exercise/answerinput.h"
#include "exercise/exercisesession.h"
#include "projections/errnoinfo.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

QString statusMark(ExerciseSession::Status status)
{
    switch (status) {
    case ExerciseSession::Status::Later:
        return QStringLiteral("·");
    case ExerciseSession::Status::AskNow:
        return QStringLiteral("?");
    case ExerciseSession::Status::Given:
        return QStringLiteral("…");
    case ExerciseSession::Status::Right:
        return QStringLiteral("✓");
    case ExerciseSession::Status::Wrong:
        return QStringLiteral("✗");
    case ExerciseSession::Status::Unknown:
        return QStringLiteral("–");
    }
    return {};
}

// Words, not only a mark or a colour: the verdict must read the same to every student.
QString statusWord(ExerciseSession::Status status)
{
    switch (status) {
    case ExerciseSession::Status::Later:
        return QStringLiteral("later");
    case ExerciseSession::Status::AskNow:
        return QStringLiteral("answer now");
    case ExerciseSession::Status::Given:
        return QStringLiteral("answered");
    case ExerciseSession::Status::Right:
        return QStringLiteral("right");
    case ExerciseSession::Status::Wrong:
        return QStringLiteral("wrong");
    case ExerciseSession::Status::Unknown:
        return QStringLiteral("not counted");
    }
    return {};
}

QLabel *wrappingLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAccessibleName(name);
    return label;
}

} // namespace

ExercisePane::ExercisePane(ExerciseSession *session, ViewContext *context, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_context(context)
    , m_title(wrappingLabel(this, QStringLiteral("Exercise")))
    , m_score(wrappingLabel(this, QStringLiteral("Score")))
    , m_list(new QListWidget(this))
    , m_ask(wrappingLabel(this, QStringLiteral("Question")))
    , m_input(new AnswerInput(this))
    , m_answer(new QPushButton(QStringLiteral("&Answer"), this))
    , m_hint(new QPushButton(QStringLiteral("&Hint"), this))
    , m_hintText(wrappingLabel(this, QStringLiteral("Hint")))
    , m_verdict(wrappingLabel(this, QStringLiteral("Verdict")))
    , m_evidence(new QPushButton(QStringLiteral("Show the &evidence"), this))
    , m_save(new QPushButton(QStringLiteral("&Save results…"), this))
{
    setObjectName(QStringLiteral("exercisePane"));
    setAccessibleName(QStringLiteral("Exercise"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    QFont large = m_ask->font();
    large.setPointSizeF(large.pointSizeF() * 1.15);
    large.setBold(true);
    m_ask->setFont(large);
    m_list->setObjectName(QStringLiteral("exerciseQuestions"));
    m_list->setAccessibleName(QStringLiteral("Questions"));
    m_list->setWordWrap(true);
    m_answer->setObjectName(QStringLiteral("exerciseAnswer"));
    m_answer->setDefault(true);
    m_hint->setObjectName(QStringLiteral("exerciseHint"));
    m_evidence->setObjectName(QStringLiteral("exerciseEvidence"));
    m_save->setObjectName(QStringLiteral("exerciseSave"));
    m_verdict->setObjectName(QStringLiteral("exerciseVerdict"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_score);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_ask);
    layout->addWidget(m_input);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_answer);
    buttons->addWidget(m_hint);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addWidget(m_hintText);
    layout->addWidget(m_verdict);
    auto *lower = new QHBoxLayout;
    lower->addWidget(m_evidence);
    lower->addStretch(1);
    lower->addWidget(m_save);
    layout->addLayout(lower);

    connect(m_answer, &QPushButton::clicked, this, &ExercisePane::submit);
    connect(m_hint, &QPushButton::clicked, this, &ExercisePane::revealHint);
    connect(m_save, &QPushButton::clicked, this, &ExercisePane::saveRequested);
    connect(m_evidence, &QPushButton::clicked, this, [this] {
        if (const Question *question = m_session->exercise().question(m_verdictFor))
            selectEvidence(*question);
    });
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (!m_refreshing && row >= 0 && row < m_session->exercise().questions.size())
            review(m_session->exercise().questions.at(row).id);
    });
    m_evidence->setEnabled(false);
    connect(m_session, &ExerciseSession::changed, this, &ExercisePane::refresh);
    const Exercise &exercise = m_session->exercise();
    m_title->setText(exercise.title + QStringLiteral(" — ") + exercise.student);
    m_title->setToolTip(exercise.summary);
    for (const Question &question : exercise.questions)
        m_list->addItem(listText(question));
    refresh();
}

ExercisePane::~ExercisePane() = default;

QString ExercisePane::listText(const Question &question) const
{
    const ExerciseSession::Status status = m_session->status(question);
    const QString where =
        question.isGoal()
            ? QStringLiteral("Goal")
            : QStringLiteral("Step %1, %2")
                  .arg(QString::number(Exercise::stepNumber(question.step)),
                       question.when == Timing::Before ? QStringLiteral("before") : QStringLiteral("after"));
    return QStringLiteral("%1 %2 (%3): %4").arg(statusMark(status), where, statusWord(status), question.ask);
}

QString ExercisePane::scoreText() const
{
    return m_score->text();
}

QString ExercisePane::feedback() const
{
    return m_verdict->text();
}

void ExercisePane::refresh()
{
    const Exercise &exercise = m_session->exercise();
    m_refreshing = true;
    for (qsizetype i = 0; i < exercise.questions.size(); ++i)
        m_list->item(int(i))->setText(listText(exercise.questions.at(i)));
    m_refreshing = false;
    int hints = 0;
    for (const Question &question : exercise.questions)
        hints += m_session->hintUsed(question.id) ? 1 : 0;
    // The same count grade makes: right answers out of the questions this run can measure.
    int uncounted = 0;
    for (const Question &question : exercise.questions)
        uncounted += m_session->status(question) == ExerciseSession::Status::Unknown ? 1 : 0;
    QString score =
        QStringLiteral("Score: %1 right of %2 questions")
            .arg(QString::number(m_session->score()), QString::number(exercise.questions.size() - uncounted));
    if (uncounted > 0)
        score += QStringLiteral(" (%1 this run cannot measure)").arg(uncounted);
    if (hints > 0)
        score += QStringLiteral(" · %1 hint%2 used")
                     .arg(QString::number(hints), hints == 1 ? QString() : QStringLiteral("s"));
    m_score->setText(score);
    // A new run (Reset) judges every question again on its own trace.
    if (m_session->trace() != m_judgedTrace) {
        m_judgedTrace = m_session->trace();
        m_judged.clear();
    }
    // A verdict that has just become known is shown, with its evidence selected in the views.
    for (const Question &question : exercise.questions) {
        const ExerciseSession::Status status = m_session->status(question);
        const bool judged = status == ExerciseSession::Status::Right ||
                            status == ExerciseSession::Status::Wrong ||
                            status == ExerciseSession::Status::Unknown;
        if (judged && !m_judged.contains(question.id)) {
            m_judged.insert(question.id);
            m_verdictFor = question.id;
            selectEvidence(question);
        }
    }
    const Question *current = m_session->current();
    if (!current || current->id != m_shown)
        showQuestion(current ? current->id : QString());
    if (const Question *shown = exercise.question(m_verdictFor))
        updateVerdict(*shown);
    m_save->setEnabled(m_session->trace() != nullptr);
    if (m_session->isComplete())
        m_save->setText(QStringLiteral("&Save results… (finished)"));
}

void ExercisePane::showQuestion(const QString &questionId)
{
    m_shown = questionId;
    const Question *question = m_session->exercise().question(questionId);
    m_input->setQuestion(question);
    m_hintText->clear();
    m_hintText->hide();
    if (!question) {
        m_ask->setText(
            m_session->isComplete()
                ? QStringLiteral("Finished: every question is answered. Save your results.")
                : QStringLiteral("No question waits for you: step on (Step, or Step <program> to choose "
                                 "who goes next)."));
        m_answer->setEnabled(false);
        m_hint->setEnabled(false);
        return;
    }
    m_ask->setText(question->when == Timing::Before ? QStringLiteral("Before step %1: %2")
                                                          .arg(Exercise::stepNumber(question->step))
                                                          .arg(question->ask)
                                                    : QStringLiteral("After step %1: %2")
                                                          .arg(Exercise::stepNumber(question->step))
                                                          .arg(question->ask));
    // A prediction holds the next step: the input takes the keys at once. (An "after" question
    // leaves them to the window, where Space steps on.)
    if (question->when == Timing::Before && window()->isActiveWindow())
        m_input->focusInput();
    m_answer->setEnabled(true);
    m_hint->setEnabled(!question->hint.isEmpty());
    if (m_session->hintUsed(question->id)) {
        m_hintText->setText(QStringLiteral("Hint: ") + question->hint);
        m_hintText->show();
    }
}

// Enter answers, whichever input has the focus: the inputs (a choice, a number, a name) leave the
// key to their parent.
void ExercisePane::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        m_input->isAncestorOf(focusWidget())) {
        submit();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ExercisePane::submit()
{
    if (m_shown.isEmpty() || m_session->isAnswered(m_shown))
        return;
    const QJsonValue value = m_input->value();
    if (value.isUndefined()) {
        m_verdict->setText(QStringLiteral("Give an answer first: ") +
                           answer::expected(m_session->exercise().question(m_shown)->measure) + u'.');
        return;
    }
    const QString id = m_shown;
    if (const QString problem = m_session->answer(id, value); !problem.isEmpty()) {
        m_verdict->setText(QStringLiteral("Not taken: ") + problem);
        return;
    }
    m_verdictFor = id;
    if (const Question *question = m_session->exercise().question(id))
        updateVerdict(*question);
}

void ExercisePane::revealHint()
{
    const Question *question = m_session->exercise().question(m_shown);
    if (!question || question->hint.isEmpty())
        return;
    m_session->useHint(question->id);
    m_hintText->setText(QStringLiteral("Hint: ") + question->hint);
    m_hintText->show();
}

void ExercisePane::review(const QString &questionId)
{
    m_verdictFor = questionId;
    if (const Question *question = m_session->exercise().question(questionId)) {
        updateVerdict(*question);
        const ExerciseSession::Status status = m_session->status(*question);
        if (status == ExerciseSession::Status::Right || status == ExerciseSession::Status::Wrong)
            selectEvidence(*question);
    }
}

namespace {

QString givenText(const Question &question, const QJsonValue &given)
{
    const answer::Parsed parsed = answer::parse(question.measure, given);
    return parsed.ok() ? answer::toText(question.measure, parsed.value) : given.toVariant().toString();
}

QString eventsText(const QList<qint64> &evidence)
{
    QStringList seqs;
    for (qint64 seq : evidence) {
        if (seq >= 0)
            seqs << QString::number(seq);
    }
    if (seqs.isEmpty())
        return QString();
    return QStringLiteral(" The trace shows it in event%1 %2, selected in the views.")
        .arg(seqs.size() == 1 ? QString() : QStringLiteral("s"), seqs.join(QStringLiteral(", ")));
}

// What the verdict adds for an errno: the kernel's reason, in a student's words.
QString errnoWords(const Question &question, const Graded &graded, const Scenario &scenario)
{
    if (question.measure != Measure::Errno && question.measure != Measure::Result)
        return QString();
    const QString name = question.measure == Measure::Errno ? graded.measured.value.toString() : QString();
    if (name.isEmpty() || name == QLatin1String("none"))
        return QString();
    return u' ' + errnoinfo::explain(name, callName(scenario.steps.at(question.step).call));
}

} // namespace

void ExercisePane::updateVerdict(const Question &question)
{
    const ExerciseSession::Status status = m_session->status(question);
    const Graded graded = m_session->graded(question);
    const QString prefix =
        question.isGoal()
            ? QStringLiteral("Goal: ") + question.ask + u'\n'
            : QStringLiteral("Step %1: ").arg(Exercise::stepNumber(question.step)) + question.ask + u'\n';
    QString text;
    const QString given =
        m_session->isAnswered(question.id) ? givenText(question, m_session->given(question.id)) : QString();
    switch (status) {
    case ExerciseSession::Status::Later:
        text = question.isGoal()
                   ? QStringLiteral("Open: the trace does not show %1 yet. Choose who steps next with "
                                    "the Step <program> buttons; Reset starts the exercise over.")
                         .arg(question.goal.describe())
                   : QStringLiteral("Not asked yet: it comes at step %1.")
                         .arg(Exercise::stepNumber(question.step));
        break;
    case ExerciseSession::Status::AskNow:
        text = QStringLiteral("Waiting for your answer.");
        break;
    case ExerciseSession::Status::Given:
        text = QStringLiteral("Your answer, %1, is recorded. Step to see what the kernel does.").arg(given);
        break;
    case ExerciseSession::Status::Right:
        text = question.isGoal() ? QStringLiteral("Right: the trace shows %1.").arg(question.goal.describe())
                                 : QStringLiteral("Right: you said %1, and the kernel agrees.").arg(given);
        text += eventsText(graded.measured.evidence) +
                errnoWords(question, graded, m_session->exercise().scenario);
        break;
    case ExerciseSession::Status::Wrong:
        text = QStringLiteral("Wrong: you said %1; the kernel says %2.")
                   .arg(given, answer::toText(question.measure, graded.measured.value));
        text += eventsText(graded.measured.evidence) +
                errnoWords(question, graded, m_session->exercise().scenario);
        break;
    case ExerciseSession::Status::Unknown:
        text = QStringLiteral("Not counted: %1.").arg(graded.comment);
        break;
    }
    m_verdict->setText(prefix + text);
    m_evidence->setEnabled(status == ExerciseSession::Status::Right ||
                           status == ExerciseSession::Status::Wrong);
}

void ExercisePane::selectEvidence(const Question &question)
{
    const Graded graded = m_session->graded(question);
    if (!graded.measured.ok() || graded.measured.evidence.isEmpty())
        return;
    if (!question.isGoal() && measureNeedsSocket(question.measure))
        m_context->selectSocket(question.socket);
    else if (question.isGoal() && !question.goal.socket.isEmpty())
        m_context->selectSocket(question.goal.socket);
    m_context->selectEvent(graded.measured.evidence.first());
}
