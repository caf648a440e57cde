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
