#pragma once

#include <QString>

struct CallInfo;
struct TraceEvent;

/// Plain-text renderings of events, shared by the command line and the views.
namespace eventtext {

/// "accept(listener)" or "bind(listener, 127.0.0.1:8080)".
QString callSignature(const CallInfo &call);
/// One readable line: "[server] accept(listener) = 4 (conn) from 127.0.0.1:40312".
QString line(const TraceEvent &event);
/// The bytes as a short quoted string: "hello\n" → "hello\\n", long data cut with "…".
QString quoted(const QByteArray &bytes, int limit = 40);

} // namespace eventtext
