#pragma once

#include "exercise/measure.h"
#include "scenario/scenario.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

/// A value an exercise draws for each student: a whole number in a range, or one of a list.
struct ExerciseVariable
{
    QString name; // used in the scenario as "${name}"
    bool isRange = true;
    qint64 low = 0;
    qint64 high = 0;
    QList<QJsonValue> choices; // strings or numbers, when !isRange
};

/// A fact a goal question waits for in the trace. Exactly one kind is set.
struct GoalFact
{
    enum class Kind { Packet, Errno, State, AcceptQueue };
    Kind kind = Kind::Packet;
    QStringList flags;        // Packet: every one of these TCP flags is set ("RST")
    QString proto;            // Packet: "TCP", "UDP", "ICMP"; empty for any
    QString errnoName;        // Errno: a call failed with it
    std::optional<Call> call; // Errno: … and it was this call; none for any
    QString socket;           // State, AcceptQueue: the socket
    QString state;            // State: the TCP state (diagram name: "TIME_WAIT")
    int atLeast = 1;          // AcceptQueue: at least this many connections waiting

    /// "a packet with RST", "bind() failing with EADDRINUSE", …
    QString describe() const;
};

struct Question
{
    enum class Kind { Predict, Goal };
    QString id;
    Kind kind = Kind::Predict;
    QString ask;
    QString hint; // may be empty
    // Predict questions: a step of the scenario and what to read about it.
    int step = -1; // index into the scenario's steps
    Timing when = Timing::After;
    Measure measure = Measure::Result;
    QString socket;            // the socket the measure is about (measureNeedsSocket)
    QList<QJsonValue> choices; // multiple choice when not empty, as written in the file
    // Goal questions.
    GoalFact goal;

    bool isGoal() const { return kind == Kind::Goal; }
};

/// A lab exercise: questions on a scenario whose answers are measured from the run's trace.
///
/// Loaded for one student: the variables are drawn from the student's name and the exercise id,
/// and the scenario is the one that student runs (its "${name}" placeholders substituted).
struct Exercise
{
    QString id;
    QString title;
    QString summary;
    QString level;
    QString scenarioRef; // as written: a built-in id or a file beside the exercise
    QList<ExerciseVariable> variables;
    QList<Question> questions;

    QString student;
    QMap<QString, QJsonValue> values; // the variables drawn for `student`
    Scenario scenario;                // with the values substituted
    QString source;                   // file name or ":/exercises/…"
    QByteArray text;                  // the exercise file as read
    QByteArray scenarioText;          // the scenario file as read, before substitution
    QString scenarioSource;

    const Question *question(const QString &questionId) const;
    /// The 1-based number the window shows for step index `step` ("Step 6 of 14").
    static int stepNumber(int step) { return step + 1; }
    /// The questions asked about step `step` at `when`, in file order.
    QList<const Question *> questionsAt(int step, Timing when) const;
    bool hasGoals() const;
};

/// The TCP flags of one packet as one word, in the order people write them: "SYN+ACK".
QString flagsWord(const QStringList &flags);
