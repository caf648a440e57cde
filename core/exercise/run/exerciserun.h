#pragma once

#include "exercise/exerciseresult.h"

#include <QJsonValue>
#include <QMap>
#include <QString>

#include <functional>

/// An exercise answered without the window: the answers come from a file, the scenario runs on
/// real sockets, and every answer is graded on the trace of the run it was given for.
namespace exerciserun {

using Answers = QMap<QString, QJsonValue>;

/// Reads `{"answers": {"q1": 0, "g1": ["client", "server"]}}`. Returns an empty string on success,
/// otherwise the file, the place and the reason.
QString readAnswers(const QString &fileName, const Exercise &exercise, Answers &answers);
/// Checks answers already read against the exercise: known question ids, and a goal's answer a
/// list of the scenario's actors.
QString checkAnswers(const Exercise &exercise, const Answers &answers, const QString &source);

struct Options
{
    bool hostLoopback = false;
    /// Told a line for each thing worth saying while it runs ("== run 2: client, server, …").
    std::function<void(const QString &line)> say;
};

/// Runs the scenario in its own order (for the predict questions) and once for each distinct
/// actor order a goal was answered with, grades everything, and returns the result.
ExerciseResult run(const Exercise &exercise, const Answers &answers, const Options &options = {});

} // namespace exerciserun
