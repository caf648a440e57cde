#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

/// Checks on the JSON of a scenario file. A check that fails throws a Failure naming the place (a
/// JSON path such as "$.steps[3].args.port") and the reason; the loader turns it into its error.
namespace jsoncheck {

struct Failure
{
    QString path;
    QString reason;
};

[[noreturn]] void fail(const QString &path, const QString &reason);

/// "a string", "a number", … for messages such as "must be a whole number, not a string".
QString typeName(const QJsonValue &value);

/// The string at `key`; "" when it is absent and not required.
QString string(const QJsonObject &object, const QString &key, const QString &path, bool required);
/// A whole number in [minimum, maximum]; `what` names it in the range message ("port").
qint64 wholeNumber(const QJsonValue &value, const QString &path, qint64 minimum, qint64 maximum,
                   const QString &what = QString());
bool boolean(const QJsonValue &value, const QString &path);

void rejectUnknownKeys(const QJsonObject &object, const QStringList &known, const QString &path);

/// Where a JSON text stops parsing, and why, in a teacher's words.
struct ParseProblem
{
    int line = 0; // 1-based
    int column = 0;
    QString reason;
};
/// Parses `json` into `document`; on a syntax error, the place and the reason. `what` names the
/// file's kind in messages ("scenario", "exercise").
std::optional<ParseProblem> parseDocument(const QByteArray &json, QJsonDocument &document,
                                          const QString &what);

/// The ids listed in a library's index file (one a line; blank lines and '#' comments skipped).
QStringList readIndex(const QString &fileName);

/// Ids and socket names: lowercase letters, digits, '-' and '_', starting with a letter.
bool isIdentifier(const QString &text);

} // namespace jsoncheck
