#pragma once

#include <QJsonObject>
#include <QString>

class Trace;
struct TraceEvent;

/// The trace file of DESIGN.md, format version 1.
namespace tracejson {

struct Header
{
    QString scenario;
    QString mode; // "sandbox" or "host"
    bool capture = false;
    QString modeReason;
};

QJsonObject eventToJson(const TraceEvent &event);
QJsonObject toJson(const Trace &trace, const Header &header);
/// Writes atomically (a temporary file renamed into place). Returns an empty string on success,
/// otherwise why it failed.
QString write(const Trace &trace, const Header &header, const QString &fileName);

} // namespace tracejson

namespace tracejson {

/// Reads a trace object written by toJson() (format version 1) back into `trace`, which must be
/// empty; `header` gets its header. Returns an empty string on success, otherwise the JSON path of
/// the first thing that is not a version 1 trace and why ("at $.events[12].kind: …").
QString read(const QJsonObject &root, Trace &trace, Header *header = nullptr);

} // namespace tracejson
