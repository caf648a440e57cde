#pragma once

#include <QStringList>

class QTextStream;

/// The headless commands of the command line (DESIGN.md, "Command line"). Each returns the exit
/// code: 0 success, 1 the run departed from the scenario, 2 bad input.
namespace commands {

int list();
int run(const QStringList &arguments);
int code(const QStringList &arguments);
int usage(const QString &error);
int exercise(const QStringList &arguments);
int grade(const QStringList &arguments);

/// Standard output and error, shared by the commands.
QTextStream &out();
QTextStream &err();
/// Why `fileName` cannot be written, or empty: checked before a run, so that no run is lost at its end.
QString checkWritable(const QString &fileName);

} // namespace commands
