#pragma once

#include <QByteArray>
#include <QString>

class Trace;
struct TraceEvent;

/// pcapng export of a trace's captured packets, for Wireshark and tshark: a section header, one
/// interface (lo, Ethernet framing, nanosecond timestamps) and one enhanced packet block per
/// packet event, whose comment names the step and the call that caused it.
namespace pcapng {

/// "step 6: client connect(client, 127.0.0.1:8080)", or "before the first step".
QString causeComment(const Trace &trace, const TraceEvent &packet);
/// The whole file, in this machine's byte order (the section header says which).
QByteArray encode(const Trace &trace);
/// Writes atomically: the file appears whole or not at all. Returns an empty string on success,
/// otherwise why it failed.
QString write(const Trace &trace, const QString &fileName);

} // namespace pcapng
