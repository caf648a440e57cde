#include "trace/traceevent.h"

QString kindName(TraceEvent::Kind kind)
{
    switch (kind) {
    case TraceEvent::Kind::Call:
        return QStringLiteral("call");
    case TraceEvent::Kind::Packet:
        return QStringLiteral("packet");
    case TraceEvent::Kind::State:
        return QStringLiteral("state");
    case TraceEvent::Kind::Queue:
        return QStringLiteral("queue");
    case TraceEvent::Kind::Transfer:
        return QStringLiteral("transfer");
    case TraceEvent::Kind::Note:
        return QStringLiteral("note");
    }
    return {};
}

QString phaseName(CallInfo::Phase phase)
{
    switch (phase) {
    case CallInfo::Phase::Blocked:
        return QStringLiteral("blocked");
    case CallInfo::Phase::Returned:
        return QStringLiteral("returned");
    case CallInfo::Phase::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}
