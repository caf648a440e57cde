#include "export/tracejson.h"

#include "trace/trace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace tracejson {
namespace {

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

bool isPrintable(const QByteArray &bytes)
{
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return false;
    }
    return true;
}

void addCall(QJsonObject &object, const CallInfo &call)
{
    object.insert(QStringLiteral("actor"), call.actor);
    object.insert(QStringLiteral("step"), call.step);
    object.insert(QStringLiteral("call"), call.call);
    object.insert(QStringLiteral("args"), QJsonObject::fromVariantMap(call.args));
    object.insert(QStringLiteral("phase"), phaseName(call.phase));
    object.insert(QStringLiteral("socket"), orNull(call.socket));
    object.insert(QStringLiteral("fd"), call.fd);
    if (call.phase == CallInfo::Phase::Returned) {
        object.insert(QStringLiteral("result"), call.result);
        object.insert(QStringLiteral("errno"), orNull(call.errnoName));
        object.insert(QStringLiteral("duration_ns"), call.durationNs);
    }
    if (!call.created.isEmpty())
        object.insert(QStringLiteral("created"), call.created);
    object.insert(QStringLiteral("local"), orNull(call.local));
    object.insert(QStringLiteral("peer"), orNull(call.peer));
    if (!call.data.isEmpty()) {
        object.insert(QStringLiteral("data_hex"), QString::fromLatin1(call.data.toHex()));
        if (isPrintable(call.data) && call.data.size() <= 4096)
            object.insert(QStringLiteral("data_text"), QString::fromUtf8(call.data));
    }
    if (!call.detail.isEmpty())
        object.insert(QStringLiteral("detail"), call.detail);
    if (!call.expectation.isEmpty())
        object.insert(QStringLiteral("departure"), call.expectation);
}

} // namespace

QJsonObject eventToJson(const TraceEvent &event)
{
    QJsonObject object;
    object.insert(QStringLiteral("seq"), event.seq);
    object.insert(QStringLiteral("t_ns"), event.tNs);
    object.insert(QStringLiteral("kind"), kindName(event.kind()));
    if (event.cause >= 0)
        object.insert(QStringLiteral("cause"), event.cause);
    if (const CallInfo *call = event.call()) {
        addCall(object, *call);
    } else if (const PacketInfo *packet = event.packet()) {
        object.insert(QStringLiteral("proto"), packet->proto);
        object.insert(QStringLiteral("src"), packet->src);
        object.insert(QStringLiteral("dst"), packet->dst);
        object.insert(QStringLiteral("flags"), QJsonArray::fromStringList(packet->flags));
        if (packet->proto == QLatin1String("TCP")) {
            // "seq" is the event's own number, so the TCP sequence number is "tcp_seq".
            object.insert(QStringLiteral("tcp_seq"), qint64(packet->seq));
            object.insert(QStringLiteral("ack"), qint64(packet->ack));
            object.insert(QStringLiteral("window"), packet->window);
        }
        object.insert(QStringLiteral("len"), packet->len);
        object.insert(QStringLiteral("payload_hex"), QString::fromLatin1(packet->payload.toHex()));
        // The frame's length on the wire and the bytes the capture kept (fewer during a flood).
        object.insert(QStringLiteral("frame_len"), packet->frameLength());
        object.insert(QStringLiteral("captured_len"), int(packet->frame.size()));
        if (packet->retransmission)
            object.insert(QStringLiteral("retransmission"), true);
        // When the kernel saw it (its own timestamp): the order on the wire, which the trace
        // follows only as closely as the tap's thread delivers.
        if (packet->kernelTimeNs != 0)
            object.insert(QStringLiteral("kernel_ns"), packet->kernelTimeNs);
        object.insert(QStringLiteral("summary"), packet->summary);
    } else if (const StateInfo *state = event.state()) {
        object.insert(QStringLiteral("socket"), state->socket);
        object.insert(QStringLiteral("from"), orNull(state->from));
        object.insert(QStringLiteral("to"), state->to);
        object.insert(QStringLiteral("source"), state->source);
        if (!state->local.isEmpty())
            object.insert(QStringLiteral("local"), state->local);
        if (!state->peer.isEmpty())
            object.insert(QStringLiteral("peer"), state->peer);
        if (state->expiresMs >= 0)
            object.insert(QStringLiteral("expires_ms"), state->expiresMs);
    } else if (const QueueInfo *queue = event.queue()) {
        object.insert(QStringLiteral("socket"), queue->socket);
        if (queue->acceptQueue >= 0)
            object.insert(QStringLiteral("accept_queue"), queue->acceptQueue);
        if (queue->backlog >= 0)
            object.insert(QStringLiteral("backlog"), queue->backlog);
        if (queue->receiveQueue >= 0)
            object.insert(QStringLiteral("recv_queue"), queue->receiveQueue);
        if (queue->sendQueue >= 0)
            object.insert(QStringLiteral("send_queue"), queue->sendQueue);
        if (!queue->taken.isEmpty()) {
            object.insert(QStringLiteral("taken"), queue->taken);
            object.insert(QStringLiteral("taken_as"), queue->takenAs);
        }
    } else if (const TransferInfo *transfer = event.transfer()) {
        object.insert(QStringLiteral("from"), transfer->from);
        object.insert(QStringLiteral("to"), transfer->to);
        object.insert(QStringLiteral("len"), transfer->len);
        object.insert(QStringLiteral("payload_hex"), QString::fromLatin1(transfer->data.toHex()));
    } else if (const NoteInfo *note = event.note()) {
        static const char *const Levels[] = {"info", "warning", "departure"};
        object.insert(QStringLiteral("level"), QLatin1String(Levels[int(note->level)]));
        object.insert(QStringLiteral("text"), note->text);
    }
    return object;
}

QJsonObject toJson(const Trace &trace, const Header &header)
{
    QJsonObject root;
    root.insert(QStringLiteral("format"), QStringLiteral("socketscope-trace"));
    root.insert(QStringLiteral("version"), 1);
    root.insert(QStringLiteral("scenario"), header.scenario);
    root.insert(QStringLiteral("mode"), header.mode);
    root.insert(QStringLiteral("capture"), header.capture);
    if (!header.modeReason.isEmpty())
        root.insert(QStringLiteral("mode_reason"), header.modeReason);
    QJsonArray events;
    const qint64 n = trace.size();
    for (qint64 i = 0; i < n; ++i)
        events.append(eventToJson(trace.at(i)));
    root.insert(QStringLiteral("events"), events);
    return root;
}

QString write(const Trace &trace, const Header &header, const QString &fileName)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
    file.write(QJsonDocument(toJson(trace, header)).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
    return {};
}

} // namespace tracejson
