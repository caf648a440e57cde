#pragma once

#include "scenario/scenario.h"

#include <QString>

/// Why a scenario could not be loaded: the file, where in it, and the reason.
struct ScenarioError
{
    QString file;
    QString path; // JSON path such as "$.steps[3].args.port"; empty for a parse error
    int line = 0; // 1-based, when known (text that does not parse)
    int column = 0;
    QString reason;

    bool isError() const { return !reason.isEmpty(); }
    /// "tcp.json:12:5: …" or "tcp.json: at $.steps[3].args.port: …"
    QString toString() const;
};

struct ScenarioLoadResult
{
    Scenario scenario;
    ScenarioError error;
    bool ok() const { return !error.isError(); }
};

/// Reads scenario files and checks them before any socket is made.
namespace ScenarioLoader {

/// Parses and validates `json`; `source` names it in errors.
ScenarioLoadResult parse(const QByteArray &json, const QString &source);
ScenarioLoadResult loadFile(const QString &fileName);
/// A built-in scenario by id, or a file when `idOrFile` names one that exists.
ScenarioLoadResult load(const QString &idOrFile);

/// The built-in scenarios, in the order of the library.
QStringList builtinIds();
ScenarioLoadResult builtin(const QString &id);

} // namespace ScenarioLoader
