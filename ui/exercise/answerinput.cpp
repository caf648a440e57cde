#include "exercise/answerinput.h"

#include "exercise/answer.h"
#include "exercise/exercise.h"
#include "projections/errnoinfo.h"
#include "projections/tcpstatemachine.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QLineEdit>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {

// The spin box's value below its range stands for "no number given yet".
constexpr int NoNumber = -2;

} // namespace

AnswerInput::AnswerInput(QWidget *parent)
    : QWidget(parent)
    , m_layout(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("exerciseInput"));
    m_layout->setContentsMargins(0, 0, 0, 0);
}

AnswerInput::~AnswerInput() = default;

void AnswerInput::clear()
{
    while (QLayoutItem *item = m_layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    delete m_radios;
    m_radios = nullptr;
    m_combo = nullptr;
    m_spin = nullptr;
    m_line = nullptr;
    m_choiceValues.clear();
}

void AnswerInput::addRadios(const QStringList &labels)
{
    m_radios = new QButtonGroup(this);
    for (qsizetype i = 0; i < labels.size(); ++i) {
        auto *button = new QRadioButton(labels.at(i), this);
        m_radios->addButton(button, int(i));
        m_layout->addWidget(button);
    }
}

void AnswerInput::setQuestion(const Question *question)
{
    clear();
    if (!question || question->isGoal())
        return;
    if (!question->choices.isEmpty()) {
        QStringList labels;
        for (const QJsonValue &choice : question->choices)
            labels << (choice.isString() ? choice.toString() : choice.toVariant().toString());
        m_choiceValues = question->choices;
        addRadios(labels);
    } else {
        switch (question->measure) {
        case Measure::Blocks:
            m_choiceValues = {QJsonValue(true), QJsonValue(false)};
            addRadios({QStringLiteral("Yes: it waits"), QStringLiteral("No: it returns at once")});
            break;
        case Measure::Errno:
        case Measure::State:
            m_combo = new QComboBox(this);
            m_combo->setEditable(question->measure == Measure::Errno);
            m_combo->addItems(question->measure == Measure::Errno
                                  ? QStringList{QStringLiteral("none")} + errnoinfo::knownNames()
                                  : tcpstatemachine::states());
            m_combo->setCurrentIndex(-1); // nothing picked yet
            m_layout->addWidget(m_combo);
            break;
        case Measure::Result:
        case Measure::Packets:
        case Measure::AcceptQueue:
        case Measure::RecvQueue:
        case Measure::LocalPort:
            m_spin = new QSpinBox(this);
            m_spin->setRange(NoNumber, question->measure == Measure::LocalPort ? 65535 : 1000000000);
            m_spin->setSpecialValueText(QStringLiteral("?"));
            m_spin->setValue(NoNumber);
            m_layout->addWidget(m_spin);
            break;
        case Measure::Flags:
        case Measure::Data:
            m_line = new QLineEdit(this);
            m_line->setPlaceholderText(answer::expected(question->measure));
            m_layout->addWidget(m_line);
            break;
        }
    }
    // Shown now, not when the layout gets round to it: the focus may go there at once.
    for (QWidget *input : findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
        input->setAccessibleName(QStringLiteral("Answer"));
        input->show();
    }
}

QJsonValue AnswerInput::value() const
{
    if (m_radios) {
        const int id = m_radios->checkedId();
        return id < 0 ? QJsonValue(QJsonValue::Undefined) : m_choiceValues.value(id);
    }
    if (m_combo)
        return m_combo->currentText().trimmed().isEmpty() ? QJsonValue(QJsonValue::Undefined)
                                                          : QJsonValue(m_combo->currentText());
    if (m_spin)
        return m_spin->value() == NoNumber ? QJsonValue(QJsonValue::Undefined)
                                           : QJsonValue(qint64(m_spin->value()));
    if (m_line)
        return m_line->text().isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(m_line->text());
    return QJsonValue(QJsonValue::Undefined);
}

bool AnswerInput::setText(const QString &text)
{
    if (m_radios) {
        for (QAbstractButton *button : m_radios->buttons()) {
            const QJsonValue answers = m_choiceValues.value(m_radios->id(button));
            if (button->text().compare(text, Qt::CaseInsensitive) == 0 ||
                (answers.isBool() &&
                 (answers.toBool() ? QStringLiteral("true") : QStringLiteral("false")) == text)) {
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
        const int number = text.toInt(&ok);
        if (ok)
            m_spin->setValue(number);
        return ok && m_spin->value() == number;
    }
    if (m_line) {
        m_line->setText(text);
        return true;
    }
    return false;
}

void AnswerInput::focusInput()
{
    if (QWidget *first = findChild<QWidget *>(QString(), Qt::FindDirectChildrenOnly))
        first->setFocus(Qt::OtherFocusReason);
}
