#pragma once

#include "exercise/grader.h"
#include "export/tracejson.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

class Trace;

/// One run of an exercise's scenario: the actors' order when a goal chose it, and its trace.
struct ExerciseRun
{
    QStringList order; // the actors stepped, in order; empty for the scenario's own order
    std::shared_ptr<const Trace> trace;
    tracejson::Header header;
};

/// A student's answer to one question, and the run it is graded on.
struct GivenAnswer
{
    QString questionId;
    QJsonValue given; // undefined when not answered
    bool hintUsed = false;
    int run = 0;
};

/// A finished exercise: answers graded against the runs' traces, with everything needed to check
/// the grading again. Written by `exercise` and the window, read by `grade`.
struct ExerciseResult
{
    Exercise exercise;
    QList<ExerciseRun> runs;
    QList<GivenAnswer> answers; // one per question, in the exercise's order
    QList<Graded> graded;       // the same order
    QString made;               // ISO 8601, UTC
    QString host;

    int score() const;
    /// The questions that count (the run could measure them).
    int maximum() const;
    QStringList missed() const;
    int hintsUsed() const;

    /// Grades every answer on its run. Call after filling `runs` and `answers`.
    void gradeAll();
    QJsonObject toJson() const;
    /// Writes atomically. Returns an empty string on success, otherwise why not.
    QString write(const QString &fileName) const;
};

/// What `grade` found in one result file.
struct ResultCheck
{
    QString file;
    QString student;
    QString exercise;
    int score = 0;
    int maximum = 0;
    QStringList missed;
    QStringList uncounted; // questions its runs could not measure (left out of the maximum)
    int hints = 0;
    QStringList problems; // empty when the file is verified
    bool verified() const { return problems.isEmpty(); }
};

namespace exerciseresult {

/// Reads `fileName` and checks it: the embedded exercise and scenario against their SHA-256 and
/// against the trusted copy (the built-in of that id, or a teacher's copy among `teacherCopies`,
/// exercise files), the variant against the student's name, each run's trace against the
/// scenario and the order it names, every measured answer recomputed from the trace of the run
/// it belongs to, right or wrong, the score and the digest. This shows a result is consistent,
/// not that it is authentic: someone who rebuilds a whole consistent run can forge one.
ResultCheck check(const QString &fileName, const QStringList &teacherCopies = {});
/// The same for a result already read.
ResultCheck check(const QJsonObject &root, const QString &fileName, const QStringList &teacherCopies = {});

/// The hex SHA-256 of `bytes`.
QString sha256(const QByteArray &bytes);

} // namespace exerciseresult
