#pragma once

#include "exercise/exercise.h"

#include <QJsonValue>
#include <QMap>
#include <QString>

/// Each student's variant of an exercise: values drawn from a seed of the student's name and the
/// exercise id, put into the scenario where it says "${name}".
namespace variant {

/// The value of `variable` for `student`: the same on every machine and in every run, and
/// (almost always) different for two students.
QJsonValue draw(const ExerciseVariable &variable, const QString &exerciseId, const QString &student);

/// `value` with every "${name}" replaced: a string that is only "${name}" becomes the value itself
/// (a number stays a number), one that contains it gets the value's text. Throws a
/// jsoncheck::Failure naming the scenario's JSON path for a name that is not in `values`.
QJsonValue substitute(const QJsonValue &value, const QMap<QString, QJsonValue> &values,
                      const QString &path = QStringLiteral("$"));

/// The names used as "${name}" anywhere in `value`.
QStringList namesUsed(const QJsonValue &value);

} // namespace variant
