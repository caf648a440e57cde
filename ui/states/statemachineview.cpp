#include "states/statemachineview.h"

#include "common/viewcontext.h"
#include "projections/tcpstatemachine.h"
#include "states/statediagramcanvas.h"
#include "trace/trace.h"

#include <QComboBox>
#include <QLabel>
#include <QVBoxLayout>

StateMachineView::StateMachineView(QWidget *parent)
    : QWidget(parent)
    , m_picker(new QComboBox(this))
    , m_note(new QLabel(this))
    , m_canvas(new StateDiagramCanvas(this))
{
    setObjectName(QStringLiteral("stateMachineView"));
    setAccessibleName(tr("TCP state machine"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_picker->setAccessibleName(tr("Socket"));
    m_note->setWordWrap(true);
    m_note->setAccessibleName(tr("State note"));
    layout->addWidget(m_picker);
    layout->addWidget(m_note);
    layout->addWidget(m_canvas, 1);
    connect(m_picker, &QComboBox::activated, this, [this](int index) {
        setSocket(m_picker->itemData(index).toString());
        if (m_context)
            m_context->selectSocket(m_shown);
        Q_EMIT socketPicked(m_shown);
    });
}

StateMachineView::StateMachineView(ViewContext &context, QWidget *parent)
    : StateMachineView(parent)
{
    m_context = &context;
    connect(&context, &ViewContext::cursorChanged, this,
            [this] { showSnapshot(m_context->snapshot(), m_context->trace()); });
    connect(&context, &ViewContext::sessionChanged, this, [this] {
        m_socket.clear();
        m_followedChange = -1;
        m_appliedSelection.clear();
        showSnapshot(m_context->snapshot(), m_context->trace());
    });
    connect(&context, &ViewContext::selectionChanged, this, &StateMachineView::selectionChanged);
    showSnapshot(m_context->snapshot(), m_context->trace());
    selectionChanged();
}

void StateMachineView::selectionChanged()
{
    // A socket picked on the stage or in the table is a choice by hand; selecting an event, which
    // signals the same change, leaves the choice alone.
    const QString selected = m_context->selectedSocket();
    if (selected == m_appliedSelection)
        return;
    m_appliedSelection = selected;
    if (!selected.isEmpty() && m_snapshot.socket(selected))
        setSocket(selected);
}

StateMachineView::~StateMachineView() = default;

void StateMachineView::showSnapshot(const SessionSnapshot &snapshot, const Trace *trace)
{
    m_snapshot = snapshot;
    const auto [changed, change] = changedInStep(snapshot, trace);
    // Only a change not followed yet moves the picker, so that a choice made by hand on this step
    // survives the trace growing or the view being shown again.
    if (change >= 0 && change != m_followedChange)
        m_socket = changed;
    m_followedChange = change;
    refresh();
}

void StateMachineView::setSocket(const QString &name)
{
    m_socket = name;
    refresh();
}

QPair<QString, qint64> StateMachineView::changedInStep(const SessionSnapshot &snapshot, const Trace *trace)
{
    const auto followed = [&snapshot](const QString &name) -> QString {
        const SnapshotSocket *socket = snapshot.socket(name);
        if (!socket || !tcpstatemachine::whyNoStates(socket->domain, socket->type).isEmpty())
            return {};
        if (!socket->acceptedAs.isEmpty() && snapshot.socket(socket->acceptedAs))
            return socket->acceptedAs;
        return name;
    };
    if (trace) {
        for (qint64 seq : snapshot.stepEvents) {
            if (seq < 0 || seq >= trace->size())
                continue;
            const StateInfo *state = trace->at(seq).state();
            if (!state || state->to == state->from)
                continue;
            const QString name = followed(state->socket);
            if (!name.isEmpty())
                return {name, seq};
        }
        return {QString(), -1};
    }
    // The snapshot keeps only each socket's last change: the earliest of those in the step.
    QPair<QString, qint64> first{QString(), -1};
    for (const SnapshotSocket &socket : snapshot.sockets) {
        if (socket.stateSeq < 0 || socket.state == socket.previousState ||
            !snapshot.stepEvents.contains(socket.stateSeq))
            continue;
        if (first.second >= 0 && socket.stateSeq > first.second)
            continue;
        const QString name = followed(socket.name);
        if (!name.isEmpty())
            first = {name, socket.stateSeq};
    }
    return first;
}

QStringList StateMachineView::sockets() const
{
    QStringList names;
    for (int i = 0; i < m_picker->count(); ++i)
        names << m_picker->itemData(i).toString();
    return names;
}

QString StateMachineView::litState() const
{
    return m_canvas->lit();
}

QPair<QString, QString> StateMachineView::litTransition() const
{
    return {m_canvas->from(), m_canvas->lit()};
}

QString StateMachineView::noteText() const
{
    return m_note->text();
}

void StateMachineView::refresh()
{
    // The picker lists every socket at the cursor; TCP sockets first choice.
    // A socket that does not exist at the cursor (going back before it was made) is kept as the
    // choice, to be shown again once it exists; meanwhile the first TCP socket stands in.
    QString chosen = m_socket;
    if (!m_snapshot.socket(chosen)) {
        chosen.clear();
        for (const SnapshotSocket &socket : m_snapshot.sockets) {
            if (tcpstatemachine::whyNoStates(socket.domain, socket.type).isEmpty()) {
                chosen = socket.name;
                break;
            }
        }
        if (chosen.isEmpty() && !m_snapshot.sockets.isEmpty())
            chosen = m_snapshot.sockets.first().name;
    }
    m_shown = chosen;
    {
        const QSignalBlocker blocker(m_picker);
        m_picker->clear();
        for (const SnapshotSocket &socket : m_snapshot.sockets) {
            const QString label =
                socket.actor.isEmpty() ? socket.name : socket.actor + QStringLiteral(": ") + socket.name;
            m_picker->addItem(label + QStringLiteral("  (") +
                                  (socket.type.isEmpty() ? tr("type unknown") : socket.type) + u')',
                              socket.name);
        }
        m_picker->setCurrentIndex(m_picker->findData(m_shown));
        m_picker->setEnabled(m_picker->count() > 0);
    }
    const SnapshotSocket *socket = m_snapshot.socket(m_shown);
    if (!socket) {
        m_note->setText(
            tr("No socket yet: the diagram lights up once the kernel reports a TCP socket's state."));
        m_canvas->setLit({}, {}, true);
        return;
    }
    const QString why = tcpstatemachine::whyNoStates(socket->domain, socket->type);
    if (!why.isEmpty()) {
        m_note->setText(why);
        m_canvas->setLit({}, {}, false);
        return;
    }
    const QString state = tcpstatemachine::fromKernel(socket->state);
    const QString from = tcpstatemachine::fromKernel(socket->previousState);
    if (state.isEmpty()) {
        m_note->setText(
            socket->state.isEmpty()
                ? tr("%1: the kernel has not reported a state for this socket yet.").arg(socket->name)
                : tr("%1: the kernel reports %2, which the diagram does not have.")
                      .arg(socket->name, socket->state));
    } else {
        QString text = tr("%1 is in %2 (the kernel says %3).").arg(socket->name, state, socket->state);
        if (!from.isEmpty() && from != state) {
            const auto *edge = tcpstatemachine::find(from, state);
            text += u' ' +
                    (edge ? tr("It came from %1: %2.").arg(from, edge->label)
                          : tr("It came from %1; the steps in between were too quick to observe.").arg(from));
        }
        m_note->setText(text);
    }
    m_canvas->setLit(state, from, true);
}
