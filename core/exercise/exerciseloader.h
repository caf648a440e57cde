#pragma once

#include "exercise/exercise.h"
#include "scenario/scenarioloader.h"

#include <QByteArray>
#include <QString>

#include <functional>

struct ExerciseLoadResult
{
    Exercise exercise;
    ScenarioError error; // the file (the exercise's or its scenario's), the JSON path, the reason
    bool ok() const { return !error.isError(); }
};

/// Reads exercise files and checks them, with the scenario they name, before any socket is made.
namespace ExerciseLoader {

/// A scenario file's text, found from an exercise's "scenario" (a built-in id or a file beside it).
struct ScenarioText
{
    QByteArray text;
    QString source;
    QString problem; // why it could not be read; empty when it was
};
using ScenarioReader = std::function<ScenarioText(const QString &reference)>;

/// Parses and checks `json` for `student`; `source` names it in errors, and the scenario is read
/// through `readScenario`.
ExerciseLoadResult parse(const QByteArray &json, const QString &source, const QString &student,
                         const ScenarioReader &readScenario);
/// The built-in scenarios by id, and files relative to `folder` (a directory or ":/exercises").
ScenarioReader scenarioReaderBeside(const QString &folder);

ExerciseLoadResult loadFile(const QString &fileName, const QString &student);
/// A built-in exercise by id, or a file when `idOrFile` names one that exists.
ExerciseLoadResult load(const QString &idOrFile, const QString &student);

QStringList builtinIds();
ExerciseLoadResult builtin(const QString &id, const QString &student);
/// Whether `id` names a built-in exercise, and its file's bytes.
QByteArray builtinText(const QString &id);

} // namespace ExerciseLoader
