#pragma once

#include "exercise/exerciseresult.h"
#include "trace/trace.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

struct SessionSnapshot;

/// A student working through an exercise in the window: the answers given so far, the question to
/// ask now, and which live step must wait for an answer. It reads the live session's trace, as
/// every view does, and grades each answer on it once the step it is about has settled.
///
/// An answer, once given, is recorded and never changes: going back in time only shows the past.
/// Lives on the GUI thread; the trace may grow on any thread.
class ExerciseSession : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Later,   // its step has not come yet (or, for a goal, the fact has not appeared yet)
        AskNow,  // answer it now (a "before" question on the next step, an "after" one on a step that ran)
        Given,   // answered; its step has not run or settled yet
        Right,   // the trace agrees
        Wrong,   // the trace shows another answer
        Unknown, // the run cannot answer it (no capture, the call has not returned, …)
    };

    explicit ExerciseSession(const Exercise &exercise, QObject *parent = nullptr);
    ~ExerciseSession() override;

    const Exercise &exercise() const { return m_exercise; }

    /// The live session to read (null while a new one is set up).
    void setRun(const Trace *trace, const tracejson::Header &header);
    const Trace *trace() const { return m_trace.data(); }
    /// A live step is running: its step has not settled yet.
    void setBusy(bool busy);

    /// Why live step `step` must wait (a "before" question on it has no answer yet), or empty.
    QString holds(int step) const;
    Status status(const Question &question) const;
    /// The question to show now, or null when none waits for the student.
    const Question *current() const;

    /// Records `given` for `questionId`. Returns why it was not taken (it cannot be read as an
    /// answer, the question was answered already, its step has not run), or empty.
    QString answer(const QString &questionId, const QJsonValue &given);
    void useHint(const QString &questionId);
    bool isAnswered(const QString &questionId) const { return m_given.contains(questionId); }
    QJsonValue given(const QString &questionId) const { return m_given.value(questionId); }
    bool hintUsed(const QString &questionId) const { return m_hints.contains(questionId); }
    /// The question graded on the live trace (meaningful once status() is Right, Wrong or Unknown).
    Graded graded(const Question &question) const;

    int score() const;
    /// How many questions are decided so far (right, wrong or a goal reached), of those that count.
    int decided() const;
    /// No live step is left and every question has been answered or decided.
    bool isComplete() const;

    /// The actors in the order their steps ran (a goal's answer), from the trace.
    QStringList actorOrder() const;
    /// The result file's content, graded on a copy of the live trace.
    ExerciseResult result() const;

    /// The answers and hints so far, and the actors' order, to carry on in a later window.
    QJsonObject progress() const;
    /// Takes back answers and hints from progress() of the same student and exercise. Returns why
    /// not, or empty; the order to replay is in `order`.
    QString restore(const QJsonObject &progress, QStringList &order);
    /// Forgets every answer and hint (the exercise starts over).
    void clear();

Q_SIGNALS:
    /// An answer, a hint, the trace or the busy state changed: look again.
    void changed();

private:
    bool stepSettled(int step) const;
    SessionSnapshot liveSnapshot() const;

    Exercise m_exercise;
    QPointer<const Trace> m_trace; // the live session's; gone when the controller replaces it
    tracejson::Header m_header;
    qint64 m_seenSize = 0; // the trace's size at the last changed()
    bool m_busy = false;
    QHash<QString, QJsonValue> m_given;
    QSet<QString> m_hints;
    QMetaObject::Connection m_appendConnection;
};
