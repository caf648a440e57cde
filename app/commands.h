#pragma once

#include <QStringList>

/// The headless commands of the command line (DESIGN.md, "Command line"). Each returns the exit
/// code: 0 success, 1 the run departed from the scenario, 2 bad input.
namespace commands {

int list();
int run(const QStringList &arguments);
int code(const QStringList &arguments);
int usage(const QString &error);

} // namespace commands
