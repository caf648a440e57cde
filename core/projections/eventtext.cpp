#include "projections/eventtext.h"

#include "projections/errnoinfo.h"
#include "scenario/call.h"
#include "trace/traceevent.h"

#include <QStringList>

namespace eventtext {

QString quoted(const QByteArray &bytes, int limit)
{
    QString text;
    for (qsizetype i = 0; i < bytes.size() && i < limit; ++i) {
        const char c = bytes.at(i);
        if (c == '\n')
            text += QStringLiteral("\\n");
        else if (c == '\r')
            text += QStringLiteral("\\r");
        else if (c == '\t')
            text += QStringLiteral("\\t");
        else if (c == '"')
            text += QStringLiteral("\\\"");
        else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            text += QStringLiteral("\\x%1").arg(static_cast<unsigned char>(c), 2, 16, QLatin1Char('0'));
        else
            text += QLatin1Char(c);
    }
    if (bytes.size() > limit)
        text += QStringLiteral("…");
    return u'"' + text + u'"';
}

namespace {

QString payloadWords(const CallInfo &call)
{
    const QVariantMap &a = call.args;
    if (a.contains(QStringLiteral("data")) && !a.contains(QStringLiteral("repeat")))
        return quoted(a.value(QStringLiteral("data")).toString().toUtf8(), 24);
    if (a.value(QStringLiteral("echo")).toBool())
        return QStringLiteral("<received bytes>");
    if (a.contains(QStringLiteral("icmp")))
        return QStringLiteral("<ICMP echo request>");
    return QStringLiteral("<%1 bytes>").arg(call.data.size());
}

// The arguments particular to the call, after its socket and address and before its flags.
void addCallArgs(QStringList &parts, Call made, const CallInfo &call)
{
    const QVariantMap &a = call.args;
    switch (made) {
    case Call::Socket:
        parts << a.value(QStringLiteral("domain")).toString() << a.value(QStringLiteral("type")).toString();
        parts << a.value(QStringLiteral("protocol"), QStringLiteral("0")).toString();
        return;
    case Call::Listen:
        parts << a.value(QStringLiteral("backlog")).toString();
        return;
    case Call::Send:
    case Call::SendTo:
        parts << payloadWords(call);
        if (a.value(QStringLiteral("reply")).toBool())
            parts << QStringLiteral("<sender>");
        return;
    case Call::Recv:
    case Call::RecvFrom:
        parts << a.value(QStringLiteral("length"), 1024).toString();
        return;
    case Call::Shutdown:
        parts << a.value(QStringLiteral("how")).toString();
        return;
    case Call::SetSockOpt:
        parts << a.value(QStringLiteral("option")).toString() << a.value(QStringLiteral("value")).toString();
        return;
    case Call::Fcntl:
        parts << (a.value(QStringLiteral("O_NONBLOCK"), true).toBool() ? QStringLiteral("O_NONBLOCK on")
                                                                       : QStringLiteral("O_NONBLOCK off"));
        return;
    case Call::Process:
        parts << a.value(QStringLiteral("transform")).toString();
        return;
    case Call::Bind:
    case Call::Connect:
    case Call::Accept:
    case Call::Close:
    case Call::GetSockName:
    case Call::GetPeerName:
        return;
    }
}

} // namespace

QString callSignature(const CallInfo &call)
{
    // A name outside the vocabulary (a traced program's read, say) shows its socket and address only.
    const std::optional<Call> made = callFromName(call.call);
    QStringList parts;
    const QVariantMap &a = call.args;
    if (made != Call::Socket) {
        if (!call.socket.isEmpty())
            parts << call.socket;
        if (a.contains(QStringLiteral("address"))) {
            const QString address = a.value(QStringLiteral("address")).toString();
            if (a.contains(QStringLiteral("port")))
                parts << (address.contains(u':') ? u'[' + address + u']' : address) + u':' +
                             a.value(QStringLiteral("port")).toString();
            else
                parts << address;
        }
    }
    if (made)
        addCallArgs(parts, *made, call);
    if (a.contains(QStringLiteral("flags")))
        parts << a.value(QStringLiteral("flags")).toStringList().join(u'|');
    return call.call + u'(' + parts.join(QStringLiteral(", ")) + u')';
}

namespace {

QString callLine(const CallInfo &call)
{
    const std::optional<Call> made = callFromName(call.call);
    const QString head = QStringLiteral("[%1] %2").arg(call.actor, callSignature(call));
    if (call.phase == CallInfo::Phase::Blocked)
        return head + QStringLiteral(" … blocked");
    if (call.phase == CallInfo::Phase::Cancelled)
        return head + QStringLiteral(" … cancelled by reset");
    QString text = head + QStringLiteral(" = ") + QString::number(call.result);
    if (!call.errnoName.isEmpty()) {
        text += u' ' + call.errnoName + QStringLiteral(" — ") + errnoinfo::explain(call.errnoName, call.call);
    } else {
        if (!call.created.isEmpty())
            text += QStringLiteral(" (%1)").arg(call.created);
        if (!call.data.isEmpty() && (made && givesProgramBytes(*made)))
            text += u' ' + quoted(call.data);
        if (!call.detail.isEmpty())
            text += u' ' + call.detail;
        else if (made == Call::Bind || made == Call::Connect)
            text += QStringLiteral(" local %1").arg(call.local.isEmpty() ? QStringLiteral("?") : call.local);
    }
    if (!call.expectation.isEmpty())
        text += QStringLiteral("\n  !! departs from the scenario: ") + call.expectation;
    return text;
}

} // namespace

QString line(const TraceEvent &event)
{
    if (const CallInfo *call = event.call())
        return callLine(*call);
    if (const PacketInfo *packet = event.packet())
        return QStringLiteral("    %1 %2 → %3 %4")
            .arg(packet->proto, packet->src, packet->dst, packet->summary);
    if (const StateInfo *state = event.state())
        return QStringLiteral("    %1: %2 → %3 (%4)")
            .arg(state->socket, state->from.isEmpty() ? QStringLiteral("(new)") : state->from, state->to,
                 state->source);
    if (const QueueInfo *queue = event.queue()) {
        QStringList figures;
        if (queue->acceptQueue >= 0)
            figures << QStringLiteral("accept queue %1/%2").arg(queue->acceptQueue).arg(queue->backlog);
        if (queue->receiveQueue >= 0)
            figures << QStringLiteral("receive queue %1 B").arg(queue->receiveQueue);
        if (queue->sendQueue >= 0)
            figures << QStringLiteral("send queue %1 B").arg(queue->sendQueue);
        if (!queue->taken.isEmpty())
            figures << QStringLiteral("accept() took %1 from the queue: it is %2 now")
                           .arg(queue->taken.section(QStringLiteral(":queued "), 1), queue->takenAs);
        return QStringLiteral("    %1: %2").arg(queue->socket, figures.join(QStringLiteral(", ")));
    }
    if (const TransferInfo *transfer = event.transfer())
        return QStringLiteral(
                   "    kernel moved %1 bytes %2 → %3 (no packet: Unix sockets stay in the kernel)")
            .arg(transfer->len)
            .arg(transfer->from, transfer->to);
    if (const NoteInfo *note = event.note())
        return (note->level == NoteInfo::Level::Departure ? QStringLiteral("!! ") : QStringLiteral("-- ")) +
               note->text;
    return {};
}

} // namespace eventtext
