#include "narration/narrationview.h"

#include "common/viewcontext.h"
#include "projections/errnoinfo.h"
#include "projections/eventtext.h"
#include "projections/sessionsnapshot.h"
#include "scenario/call.h"
#include "trace/trace.h"

#include <QLabel>
#include <QVBoxLayout>

namespace {

QString portOf(const QString &address)
{
    const qsizetype colon = address.lastIndexOf(u':');
    return colon < 0 ? QString() : address.mid(colon + 1);
}

// Did some connect() to `local` return before `before`? Then accept() found the connection ready.
bool connectedEarlier(const Trace &trace, const QString &local, qint64 before)
{
    for (qint64 seq = 0; seq < before; ++seq) {
        const CallInfo *call = trace.at(seq).call();
        if (call && callFromName(call->call) == Call::Connect && call->phase == CallInfo::Phase::Returned &&
            call->errnoName.isEmpty() && call->peer == local)
            return true;
    }
    return false;
}

QString acceptSentence(const Trace &trace, const TraceEvent &event, const CallInfo &call)
{
    if (event.cause >= 0 && event.cause != event.seq)
        return QStringLiteral("The waiting accept() of %1 returned: the handshake finished, and the "
                              "kernel handed the new "
                              "connection over as %2 (descriptor %3) — the listener keeps listening.")
            .arg(call.actor, call.created)
            .arg(call.result);
    if (connectedEarlier(trace, call.local, event.seq))
        return QStringLiteral(
                   "The kernel finished the three-way handshake before accept() was called: the "
                   "connection "
                   "waited in the accept queue, and accept() took it at once as %1 (descriptor %2).")
            .arg(call.created)
            .arg(call.result);
    return QStringLiteral("accept() returned a new socket %1 (descriptor %2) for the connection from %3.")
        .arg(call.created)
        .arg(call.result)
        .arg(call.peer);
}

QString connectSentence(const CallInfo &call)
{
    if (call.local.contains(u':'))
        return QStringLiteral(
                   "The kernel picked the ephemeral port %1 for %2 and completed the connection to %3.")
            .arg(portOf(call.local), call.socket, call.peer);
    return QStringLiteral("The kernel connected %1 to %2.").arg(call.socket, call.peer);
}

QString receivedSentence(const CallInfo &call, const QString &name)
{
    if (call.result == 0)
        return name +
               QStringLiteral(
                   " returned 0: end of stream — the peer closed its side, there will be no more data.");
    return QStringLiteral("The kernel handed over %1 bytes from the receive queue of %2: %3.")
        .arg(call.result)
        .arg(call.socket, eventtext::quoted(call.data));
}

QString sentSentence(const CallInfo &call)
{
    return QStringLiteral("The kernel copied %1 bytes into the send queue of %2; sending them is now the "
                          "kernel's job.")
        .arg(call.result)
        .arg(call.socket);
}

// What the kernel did for a call that succeeded.
QString returnedSentence(const Trace &trace, const TraceEvent &event, const CallInfo &call,
                         const QString &name)
{
    const QString plain = QStringLiteral("%1 returned %2.").arg(name).arg(call.result);
    const std::optional<Call> made = callFromName(call.call);
    if (!made) {
        // A traced program's read() and write() move bytes as recv() and send() do.
        if (call.call == QLatin1String("read"))
            return receivedSentence(call, name);
        return call.call == QLatin1String("write") ? sentSentence(call) : plain;
    }
    switch (*made) {
    case Call::Socket:
        return QStringLiteral("The kernel made a new socket and gave the program descriptor %1 for it.")
            .arg(call.result);
    case Call::Bind:
        return QStringLiteral("The kernel gave %1 the local address %2.").arg(call.socket, call.local);
    case Call::Listen:
        return QStringLiteral(
                   "The kernel now answers connection requests for %1 and queues finished connections.")
            .arg(call.local.isEmpty() ? call.socket : call.local);
    case Call::Accept:
        return acceptSentence(trace, event, call);
    case Call::Connect:
        return connectSentence(call);
    case Call::Recv:
    case Call::RecvFrom:
        return receivedSentence(call, name);
    case Call::Send:
    case Call::SendTo:
        return sentSentence(call);
    case Call::Close:
        return QStringLiteral("The program let go of %1 (descriptor %2); whatever the connection still "
                              "needs, the kernel "
                              "finishes on its own.")
            .arg(call.socket)
            .arg(call.fd);
    case Call::Shutdown:
        return QStringLiteral("The kernel shut down one direction of %1.").arg(call.socket);
    case Call::GetSockName:
    case Call::GetPeerName:
    case Call::SetSockOpt:
    case Call::Fcntl:
    case Call::Process:
        return plain;
    }
    return plain;
}

QString callSentence(const Trace &trace, const TraceEvent &event, const CallInfo &call,
                     const SessionSnapshot &snapshot)
{
    const QString name = call.call + QStringLiteral("()");
    if (call.phase == CallInfo::Phase::Blocked) {
        const SnapshotActor *actor = snapshot.actor(call.actor);
        const QString waits =
            actor && actor->blockedStep == call.step ? actor->waitsFor : QStringLiteral("the kernel");
        return name + QStringLiteral(" blocks: the kernel has nothing to give yet, so ") + call.actor +
               QStringLiteral(" sleeps until there is ") + waits + u'.';
    }
    if (call.phase == CallInfo::Phase::Cancelled)
        return name + QStringLiteral(" was cancelled when the session ended.");
    if (!call.errnoName.isEmpty())
        return name + QStringLiteral(" failed: ") + call.errnoName + QStringLiteral(" — ") +
               errnoinfo::explain(call.errnoName, call.call);
    return returnedSentence(trace, event, call, name);
}

} // namespace

NarrationView::NarrationView(ViewContext *context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_headline(new QLabel(this))
    , m_narration(new QLabel(this))
    , m_kernel(new QLabel(this))
{
    setObjectName(QStringLiteral("narration"));
    setAccessibleName(QStringLiteral("Narration"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_headline->setWordWrap(true);
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setAccessibleName(QStringLiteral("Current step"));
    // Plain-text labels: cheap to lay out again on every step, selectable for a student's notes.
    for (QLabel *label : {m_narration, m_kernel}) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    }
    m_narration->setAccessibleName(QStringLiteral("Narration of this step"));
    m_kernel->setAccessibleName(QStringLiteral("What the kernel did"));
    layout->addWidget(m_headline);
    layout->addWidget(m_narration);
    layout->addWidget(m_kernel);
    layout->addStretch(1);
    connect(m_context, &ViewContext::cursorChanged, this, &NarrationView::refresh);
    connect(m_context, &ViewContext::sessionChanged, this, &NarrationView::refresh);
    refresh();
}

NarrationView::~NarrationView() = default;

QString NarrationView::headline() const
{
    const SessionSnapshot &snapshot = m_context->snapshot();
    const Scenario &scenario = m_context->scenario();
    if (!m_context->session())
        return QStringLiteral("Starting the sandbox…");
    if (snapshot.currentStep < 0)
        return scenario.title + QStringLiteral(" — press Space to take the first step");
    const ScenarioStep &step = scenario.steps.at(snapshot.currentStep);
    const ScenarioActor *actor = scenario.actor(step.actor);
    QString call = callName(step.call) + QStringLiteral("()");
    if (m_context->trace() && snapshot.currentCallSeq >= 0) {
        if (const CallInfo *info = m_context->trace()->at(snapshot.currentCallSeq).call())
            call = eventtext::callSignature(*info);
    }
    return QStringLiteral("Step %1 of %2 · %3: %4")
        .arg(snapshot.stepsStarted)
        .arg(scenario.steps.size())
        .arg(actor ? actor->title : step.actor, call);
}

QString NarrationView::narration() const
{
    const SessionSnapshot &snapshot = m_context->snapshot();
    const Scenario &scenario = m_context->scenario();
    if (snapshot.currentStep < 0)
        return scenario.summary;
    return scenario.steps.at(snapshot.currentStep).narration;
}

QString NarrationView::kernelText() const
{
    const SessionSnapshot &snapshot = m_context->snapshot();
    const Trace *trace = m_context->trace();
    if (!trace || snapshot.currentCallSeq < 0)
        return {};
    QStringList sentences;
    QStringList flags;
    QStringList states;
    int transfers = 0;
    for (qint64 seq : snapshot.stepEvents) {
        const TraceEvent &event = trace->at(seq);
        if (const CallInfo *call = event.call())
            sentences << callSentence(*trace, event, *call, snapshot);
        else if (const PacketInfo *packet = event.packet())
            flags << (packet->flags.isEmpty() ? packet->proto : packet->flags.join(u'+')) +
                         (packet->len > 0 ? QStringLiteral(" (%1 B)").arg(packet->len) : QString());
        else if (const StateInfo *state = event.state())
            states << state->socket + QStringLiteral(": ") +
                          (state->from.isEmpty() ? QString() : state->from + QStringLiteral(" → ")) +
                          state->to;
        else if (event.transfer())
            ++transfers;
        else if (const NoteInfo *note = event.note())
            sentences << note->text;
    }
    if (!flags.isEmpty())
        sentences << QStringLiteral("%1 packet%2 crossed the wire: %3.")
                         .arg(flags.size())
                         .arg(QLatin1String(flags.size() == 1 ? "" : "s"))
                         .arg(flags.join(QStringLiteral(", ")));
    else if (transfers > 0)
        sentences << QStringLiteral(
            "The bytes moved from buffer to buffer inside the kernel: a Unix socket has no packets.");
    else if (!m_context->capture())
        sentences << QStringLiteral("Packets are not shown in this mode: ") + m_context->modeDescription();
    if (!states.isEmpty())
        sentences << QStringLiteral("The kernel reports: ") + states.join(QStringLiteral("; ")) + u'.';
    return sentences.join(u' ');
}

void NarrationView::refresh()
{
    m_headline->setText(headline());
    m_narration->setText(narration());
    const QString kernel = kernelText();
    m_kernel->setText(kernel.isEmpty() ? QString() : QStringLiteral("What the kernel did: ") + kernel);
}
