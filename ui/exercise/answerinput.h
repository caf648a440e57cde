#pragma once

#include <QJsonValue>
#include <QWidget>

class QButtonGroup;
class QComboBox;
class QLineEdit;
class QSpinBox;
class QVBoxLayout;
struct Question;

/// The input a question's measure takes: its choices as radio buttons, yes or no for "blocks", an
/// errno or a TCP state to pick, a number, or a line of text (flags, data). It starts empty, so
/// that Enter on an untouched input gives no answer rather than a default one.
class AnswerInput : public QWidget
{
    Q_OBJECT
public:
    explicit AnswerInput(QWidget *parent = nullptr);
    ~AnswerInput() override;

    /// Builds the input for `question` (none: empty).
    void setQuestion(const Question *question);
    /// The answer it holds, undefined when it holds none.
    QJsonValue value() const;
    /// Puts `text` in it as a student would: a choice's text, a number, a name. False when the
    /// input cannot take it.
    bool setText(const QString &text);
    /// Gives the keyboard focus to the input itself.
    void focusInput();

private:
    void clear();
    void addRadios(const QStringList &labels);

    QVBoxLayout *m_layout;
    QList<QJsonValue> m_choiceValues; // what each radio button answers
    QButtonGroup *m_radios = nullptr;
    QComboBox *m_combo = nullptr;
    QSpinBox *m_spin = nullptr;
    QLineEdit *m_line = nullptr;
};
