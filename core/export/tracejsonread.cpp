#include "export/tracejson.h"

#include "trace/trace.h"

#include <QJsonArray>

namespace tracejson {
namespace {

struct Problem
{
    QString path;
    QString reason;
};

[[noreturn]] void fail(const QString &path, const QString &reason)
{
    throw Problem{path, reason};
}

QString text(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    return value.isString() ? value.toString() : QString();
}

qint64 number(const QJsonObject &object, const char *key, const QString &path, qint64 fallback = 0)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isDouble())
        fail(path + u'.' + QLatin1String(key), QStringLiteral("must be a number"));
    return value.toInteger();
}

QByteArray hex(const QJsonObject &object, const char *key)
{
    return QByteArray::fromHex(text(object, key).toLatin1());
}

CallInfo readCall(const QJsonObject &object, const QString &path)
{
    CallInfo call;
    call.actor = text(object, "actor");
    call.step = int(number(object, "step", path, -1));
    call.call = text(object, "call");
    call.args = object.value(QLatin1String("args")).toObject().toVariantMap();
    const QString phase = text(object, "phase");
    if (phase == phaseName(CallInfo::Phase::Blocked))
        call.phase = CallInfo::Phase::Blocked;
    else if (phase == phaseName(CallInfo::Phase::Cancelled))
        call.phase = CallInfo::Phase::Cancelled;
    else if (phase == phaseName(CallInfo::Phase::Returned))
        call.phase = CallInfo::Phase::Returned;
    else
        fail(path + QStringLiteral(".phase"), QStringLiteral("unknown phase \"%1\"").arg(phase));
    call.result = number(object, "result", path);
    call.errnoName = text(object, "errno");
    call.socket = text(object, "socket");
    call.created = text(object, "created");
    call.fd = int(number(object, "fd", path, -1));
    call.local = text(object, "local");
    call.peer = text(object, "peer");
    call.data = hex(object, "data_hex");
    call.detail = text(object, "detail");
    call.durationNs = number(object, "duration_ns", path);
    call.expectation = text(object, "departure");
    return call;
}

PacketInfo readPacket(const QJsonObject &object, const QString &path)
{
    PacketInfo packet;
    packet.proto = text(object, "proto");
    packet.src = text(object, "src");
    packet.dst = text(object, "dst");
    for (const auto &flag : object.value(QLatin1String("flags")).toArray())
        packet.flags << flag.toString();
    packet.seq = quint32(number(object, "tcp_seq", path));
    packet.ack = quint32(number(object, "ack", path));
    packet.window = quint16(number(object, "window", path));
    packet.len = int(number(object, "len", path));
    packet.payload = hex(object, "payload_hex");
    packet.wireLength = int(number(object, "frame_len", path));
    packet.retransmission = object.value(QLatin1String("retransmission")).toBool();
    packet.kernelTimeNs = number(object, "kernel_ns", path);
    packet.summary = text(object, "summary");
    return packet;
}

TraceEvent readEvent(const QJsonObject &object, const QString &path)
{
    TraceEvent event;
    event.tNs = number(object, "t_ns", path);
    event.cause = number(object, "cause", path, -1);
    const QString kind = text(object, "kind");
    if (kind == kindName(TraceEvent::Kind::Call)) {
        event.info = readCall(object, path);
    } else if (kind == kindName(TraceEvent::Kind::Packet)) {
        event.info = readPacket(object, path);
    } else if (kind == kindName(TraceEvent::Kind::State)) {
        event.info = StateInfo{text(object, "socket"),
                               text(object, "from"),
                               text(object, "to"),
                               text(object, "source"),
                               text(object, "local"),
                               text(object, "peer"),
                               int(number(object, "expires_ms", path, -1))};
    } else if (kind == kindName(TraceEvent::Kind::Queue)) {
        event.info = QueueInfo{text(object, "socket"),
                               int(number(object, "accept_queue", path, -1)),
                               int(number(object, "backlog", path, -1)),
                               int(number(object, "recv_queue", path, -1)),
                               int(number(object, "send_queue", path, -1)),
                               text(object, "taken"),
                               text(object, "taken_as")};
    } else if (kind == kindName(TraceEvent::Kind::Transfer)) {
        event.info = TransferInfo{text(object, "from"), text(object, "to"), int(number(object, "len", path)),
                                  hex(object, "payload_hex")};
    } else if (kind == kindName(TraceEvent::Kind::Note)) {
        const QString level = text(object, "level");
        NoteInfo note;
        note.level = level == QLatin1String("warning")     ? NoteInfo::Level::Warning
                     : level == QLatin1String("departure") ? NoteInfo::Level::Departure
                                                           : NoteInfo::Level::Info;
        note.text = text(object, "text");
        event.info = note;
    } else {
        fail(path + QStringLiteral(".kind"), QStringLiteral("unknown kind \"%1\"").arg(kind));
    }
    return event;
}

} // namespace

QString read(const QJsonObject &root, Trace &trace, Header *header)
{
    try {
        if (root.value(QLatin1String("format")).toString() != QLatin1String("socketscope-trace"))
            fail(QStringLiteral("$.format"), QStringLiteral("is not \"socketscope-trace\""));
        const QJsonValue version = root.value(QLatin1String("version"));
        if (!version.isDouble() || version.toInteger() != 1)
            fail(QStringLiteral("$.version"),
                 QStringLiteral("version %1 is not one this SocketScope reads (it reads version 1)")
                     .arg(version.isDouble() ? QString::number(version.toInteger())
                                             : QStringLiteral("(none)")));
        if (trace.size() != 0)
            fail(QStringLiteral("$"), QStringLiteral("the trace to read into is not empty"));
        if (header)
            *header = Header{text(root, "scenario"), text(root, "mode"),
                             root.value(QLatin1String("capture")).toBool(), text(root, "mode_reason")};
        const QJsonValue events = root.value(QLatin1String("events"));
        if (!events.isArray())
            fail(QStringLiteral("$.events"), QStringLiteral("must be an array of events"));
        const QJsonArray array = events.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString path = QStringLiteral("$.events[%1]").arg(i);
            if (!array.at(i).isObject())
                fail(path, QStringLiteral("must be an object"));
            const QJsonObject object = array.at(i).toObject();
            if (number(object, "seq", path, -1) != i)
                fail(path + QStringLiteral(".seq"),
                     QStringLiteral("must be %1: events are numbered in order from 0").arg(i));
            TraceEvent event = readEvent(object, path);
            if (event.cause >= i)
                fail(path + QStringLiteral(".cause"), QStringLiteral("names an event that comes later"));
            trace.append(std::move(event));
        }
    } catch (const Problem &problem) {
        return QStringLiteral("at %1: %2").arg(problem.path, problem.reason);
    }
    return {};
}

} // namespace tracejson
