#include "exercise/exercisepane.h"

#include "common/viewcontext.h"
#include "exercise/answer.h"
#include "exercise/exercisesession.h"
#include "projections/errnoinfo.h"
#include "projections/tcpstatemachine.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
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
    , m_inputBox(new QWidget(this))
    , m_inputLayout(new QVBoxLayout(m_inputBox))
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
    m_inputBox->setObjectName(QStringLiteral("exerciseInput"));
    m_inputLayout->setContentsMargins(0, 0, 0, 0);
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
    layout->addWidget(m_inputBox);
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
    m_score->setText(QStringLiteral("Score: %1 of %2 right, %3 decided so far%4")
                         .arg(QString::number(m_session->score()), QString::number(exercise.questions.size()),
                              QString::number(m_session->decided()),
                              hints == 0 ? QString()
                                         : QStringLiteral(" · %1 hint%2 used")
                                               .arg(QString::number(hints),
                                                    hints == 1 ? QString() : QStringLiteral("s"))));
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
    clearInput();
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
    buildInput(*question);
    // A prediction holds the next step: the input takes the keys at once. (An "after" question
    // leaves them to the window, where Space steps on.)
    const QList<QWidget *> inputs = m_inputBox->findChildren<QWidget *>(Qt::FindDirectChildrenOnly);
    for (QWidget *input : inputs)
        input->show();
    if (question->when == Timing::Before && !inputs.isEmpty() && window()->isActiveWindow())
        inputs.first()->setFocus(Qt::OtherFocusReason);
    m_answer->setEnabled(true);
    m_hint->setEnabled(!question->hint.isEmpty());
    if (m_session->hintUsed(question->id)) {
        m_hintText->setText(QStringLiteral("Hint: ") + question->hint);
        m_hintText->show();
    }
}

void ExercisePane::clearInput()
{
    while (QLayoutItem *item = m_inputLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    delete m_choices;
    m_choices = nullptr;
    m_combo = nullptr;
    m_spin = nullptr;
    m_line = nullptr;
}

void ExercisePane::buildInput(const Question &question)
{
    auto radios = [this](const QStringList &labels) {
        m_choices = new QButtonGroup(this);
        for (qsizetype i = 0; i < labels.size(); ++i) {
            auto *button = new QRadioButton(labels.at(i), m_inputBox);
            m_choices->addButton(button, int(i));
            m_inputLayout->addWidget(button);
        }
    };
    if (!question.choices.isEmpty()) {
        QStringList labels;
        for (const QJsonValue &choice : question.choices)
            labels << (choice.isString() ? choice.toString() : choice.toVariant().toString());
        radios(labels);
        return;
    }
    switch (question.measure) {
    case Measure::Blocks:
        radios({QStringLiteral("Yes: it waits"), QStringLiteral("No: it returns at once")});
        return;
    case Measure::Errno:
    case Measure::State:
        m_combo = new QComboBox(m_inputBox);
        m_combo->setEditable(question.measure == Measure::Errno);
        m_combo->addItems(question.measure == Measure::Errno
                              ? QStringList{QStringLiteral("none")} + errnoinfo::knownNames()
                              : tcpstatemachine::states());
        m_combo->setAccessibleName(QStringLiteral("Answer"));
        m_inputLayout->addWidget(m_combo);
        return;
    case Measure::Result:
    case Measure::Packets:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
    case Measure::LocalPort:
        m_spin = new QSpinBox(m_inputBox);
        m_spin->setRange(question.measure == Measure::Result ? -1 : 0,
                         question.measure == Measure::LocalPort ? 65535 : 1000000000);
        m_spin->setValue(0);
        m_spin->setAccessibleName(QStringLiteral("Answer"));
        m_inputLayout->addWidget(m_spin);
        return;
    case Measure::Flags:
    case Measure::Data:
        m_line = new QLineEdit(m_inputBox);
        m_line->setPlaceholderText(answer::expected(question.measure));
        m_line->setAccessibleName(QStringLiteral("Answer"));
        m_inputLayout->addWidget(m_line);
        return;
    }
}

QJsonValue ExercisePane::inputValue() const
{
    const Question *question = m_session->exercise().question(m_shown);
    if (!question)
        return QJsonValue(QJsonValue::Undefined);
    if (m_choices) {
        const int id = m_choices->checkedId();
        if (id < 0)
            return QJsonValue(QJsonValue::Undefined);
        if (!question->choices.isEmpty())
            return question->choices.value(id);
        return QJsonValue(id == 0); // blocks: "Yes: it waits" is the first
    }
    if (m_combo)
        return m_combo->currentText();
    if (m_spin)
        return QJsonValue(qint64(m_spin->value()));
    if (m_line)
        return m_line->text();
    return QJsonValue(QJsonValue::Undefined);
}

bool ExercisePane::setInputText(const QString &text)
{
    if (m_choices) {
        for (QAbstractButton *button : m_choices->buttons()) {
            if (button->text().compare(text, Qt::CaseInsensitive) == 0 ||
                (text == QLatin1String("true") && m_choices->id(button) == 0 &&
                 m_choices->buttons().size() == 2 && button->text().startsWith(QLatin1String("Yes"))) ||
                (text == QLatin1String("false") && button->text().startsWith(QLatin1String("No")))) {
                button->setChecked(true);
                return true;
            }
        }
        return false;
    }
    if (m_combo) {
        const int index = m_combo->findText(text, Qt::MatchFixedString);
        if (index >= 0)
            m_combo->setCurrentIndex(index);
        else if (m_combo->isEditable())
            m_combo->setEditText(text);
        return index >= 0 || m_combo->isEditable();
    }
    if (m_spin) {
        bool ok = false;
        const int value = text.toInt(&ok);
        if (ok)
            m_spin->setValue(value);
        return ok && m_spin->value() == value;
    }
    if (m_line) {
        m_line->setText(text);
        return true;
    }
    return false;
}

// Enter answers, whichever input has the focus: the inputs (a choice, a number, a name) leave the
// key to their parent.
void ExercisePane::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        m_inputBox->isAncestorOf(focusWidget())) {
        submit();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ExercisePane::submit()
{
    if (m_shown.isEmpty() || m_session->isAnswered(m_shown))
        return;
    const QJsonValue value = inputValue();
    if (value.isUndefined()) {
        m_verdict->setText(QStringLiteral("Choose an answer first."));
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
