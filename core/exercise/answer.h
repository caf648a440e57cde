#pragma once

#include "exercise/measure.h"

#include <QJsonValue>
#include <QString>

/// Answers as values: what a student, a file or the trace says, in one canonical form per measure,
/// so that "SYN+ACK" and "ACK+SYN", "FIN_WAIT2" and "FIN_WAIT_2", "EWOULDBLOCK" and "EAGAIN" are the
/// same answer.
namespace answer {

struct Parsed
{
    QJsonValue value; // canonical; undefined when the text cannot be an answer
    QString problem;  // why not, for the reader ("\"FOO\" is not a TCP state")
    bool ok() const { return problem.isEmpty(); }
};

/// `given` (a JSON value, or text typed in the window) read as an answer to `measure`.
Parsed parse(Measure measure, const QJsonValue &given);
/// Whether canonical `given` answers canonical `measured`. Data also matches when only a final
/// line end differs (a student types "hello", the program sent "hello\n").
bool matches(Measure measure, const QJsonValue &given, const QJsonValue &measured);
/// The canonical value as a person writes it: 0, ECONNREFUSED, true, SYN, SYN+ACK, ACK, "hi\n".
QString toText(Measure measure, const QJsonValue &value);
/// What `measure` takes, for messages and the window: "a whole number", "an errno name or none".
QString expected(Measure measure);

/// The words a data answer may use: C escapes (\n, \r, \t, \\, \xHH) read as the bytes.
QString unescape(const QString &text);
/// Bytes as text with C escapes for what is not printable.
QString escape(const QByteArray &bytes);

} // namespace answer
