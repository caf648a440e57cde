#pragma once

#include "exercise/exercise.h"

#include <QJsonValue>
#include <QList>
#include <QString>

class Trace;

/// What the trace of one run says about a question: the kernel's answer and the events that show it.
struct Measured
{
    QJsonValue value;       // canonical (see answer::parse); undefined when unavailable
    QList<qint64> evidence; // seqs of the trace events that decide it
    QString unavailable;    // why the trace cannot answer (the step did not run, no capture…)
    bool ok() const { return unavailable.isEmpty(); }
};

/// One question graded: the answer given against the answer measured.
struct Graded
{
    QString questionId;
    QJsonValue given;     // as given (a JSON value, or text from the window); undefined when not answered
    QJsonValue canonical; // `given` read as an answer; undefined when it could not be read
    Measured measured;
    bool answered = false;
    bool counts = true; // false when the run could not measure it (it is left out of the maximum)
    bool right = false;
    QString comment; // why it was not counted, or why the answer could not be read
    bool hintUsed = false;
};

/// Reads every answer from a run's trace. Pure functions of (exercise, trace): grading a result
/// file again from its embedded trace gives the same answers.
namespace grader {

/// Where step `step`'s events end: the start of the next step's first call, or the trace's size.
/// -1 when the step did not run.
qint64 stepEnd(const Trace &trace, int step);

/// The answer to predict question `question`, from `trace`. `captured`: packets were captured in
/// this run (without a capture, packet questions cannot be answered).
Measured measure(const Question &question, const Scenario &scenario, const Trace &trace, bool captured);
/// Whether (and where) the trace shows a goal's fact; value true/false.
Measured reach(const GoalFact &goal, const Trace &trace, bool captured);

/// Grades `given` (undefined: not answered) against the trace. A goal's answer is not a value:
/// it is right when the fact appears.
Graded grade(const Question &question, const QJsonValue &given, const Scenario &scenario, const Trace &trace,
             bool captured);

} // namespace grader
