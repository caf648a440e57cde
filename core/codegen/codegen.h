#pragma once

#include "scenario/scenario.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

/// The lines (1-based, inclusive) of one step's code in a generated program.
struct LineRange
{
    int first = 0;
    int last = 0;
    bool contains(int line) const { return line >= first && line <= last; }
    bool operator==(const LineRange &) const = default;
};

/// A complete program for one actor, generated from the scenario's steps: the code on screen is
/// the code that ran. Each step is a commented block with its narration, and the program prints
/// one line per call ("step 4 accept = 4") so that a run can be compared with a trace.
struct GeneratedProgram
{
    QString actor;
    QString language; // "c" or "python"
    QString fileName; // "server.c", "client.py"
    QString text;
    QMap<int, LineRange> steps; // scenario step index → its lines
    /// The step whose code holds `line`, or -1.
    int stepAtLine(int line) const;
};

namespace codegen {

enum class Language { C, Python };

/// How a program is generated.
struct Options
{
    /// In step with the other actors' programs: before each step the program waits for its turn
    /// (the step's number on a line of standard input) and after its last step for the end of
    /// standard input, so that CodegenRunner keeps the scenario's order across processes and no
    /// socket closes early. Off (the default and the code view), the program is plain socket code;
    /// on, it is the same program with only those waits added.
    bool inStep = false;
};

std::optional<Language> languageFromName(const QString &name);
QString languageName(Language language);

/// The program `actor` runs in `scenario`. An actor with no steps gets a program that does nothing
/// (and says so).
GeneratedProgram generate(const Scenario &scenario, const QString &actor, Language language,
                          const Options &options = {});
/// One program per actor, in the order of the scenario's actors.
QList<GeneratedProgram> generateAll(const Scenario &scenario, Language language, const Options &options = {});

/// The line a program prints for a call that returned: "step 4 accept = 4",
/// "step 6 connect = -1 ECONNREFUSED", with ` data "…"` for a call that moved bytes in. The
/// generated C and Python print exactly this, so a test can compare them with a trace.
QString reportLine(int step, const QString &call, qint64 result, const QString &errnoName,
                   const std::optional<QByteArray> &data = std::nullopt);
/// The bytes as the generated programs print them: printable ASCII as is, `\\`, `\"`, `\n`, `\r`,
/// `\t`, others as `\xNN`; past 256 bytes cut with "...".
QString printedBytes(const QByteArray &bytes);

} // namespace codegen
