#pragma once

#include <QJsonValue>
#include <QSet>
#include <QWidget>

class AnswerInput;
class ExerciseSession;
class QLabel;
class QListWidget;
class QPushButton;
class Trace;
class ViewContext;
struct Question;

/// The student's side of a lab exercise: the questions and their state, the one asked now with an
/// input that takes what its measure takes, the hint, and after the step the verdict with the
/// evidence selected in the other views (the deciding packet, the socket whose state it was).
///
/// It reads the ExerciseSession and asks it to record answers; it never steps: the Step button
/// stays locked by the session until a "before" question is answered.
class ExercisePane : public QWidget
{
    Q_OBJECT
public:
    ExercisePane(ExerciseSession *session, ViewContext *context, QWidget *parent = nullptr);
    ~ExercisePane() override;

    /// The question asked now (its id; empty when none waits), and the verdict shown.
    QString shownQuestion() const { return m_shown; }
    QString feedback() const;
    QString scoreText() const;
    QListWidget *questionList() const { return m_list; }
    QPushButton *answerButton() const { return m_answer; }
    QPushButton *hintButton() const { return m_hint; }
    QPushButton *saveButton() const { return m_save; }
    /// The input of the question asked now.
    AnswerInput *input() const { return m_input; }

    /// Shows `questionId` in the verdict part (what was answered, what the kernel did).
    void review(const QString &questionId);
    /// The question whose verdict is shown.
    QString reviewedQuestion() const { return m_verdictFor; }
    /// Records the input's answer for the shown question.
    void submit();
    void revealHint();

protected:
    void keyPressEvent(QKeyEvent *event) override;

Q_SIGNALS:
    /// The student asked to save the results (File → Save results does the same).
    void saveRequested();

private:
    void refresh();
    void showQuestion(const QString &questionId);
    void updateVerdict(const Question &question);
    void selectEvidence(const Question &question);
    QString listText(const Question &question) const;

    ExerciseSession *m_session;
    ViewContext *m_context;
    QLabel *m_title;
    QLabel *m_score;
    QListWidget *m_list;
    QLabel *m_ask;
    AnswerInput *m_input;
    QPushButton *m_answer;
    QPushButton *m_hint;
    QLabel *m_hintText;
    QLabel *m_verdict;
    QPushButton *m_evidence;
    QPushButton *m_save;
    QString m_shown;
    QString m_verdictFor;                 // the question whose verdict is shown
    QSet<QString> m_judged;               // questions whose verdict was shown (their evidence selected once)
    const Trace *m_judgedTrace = nullptr; // the run m_judged is about
    bool m_refreshing = false;
};
