#include "statemachineview.h"

#include "statediagramcanvas.h"
#include "tcpstatemachine.h"
#include "viewcontext.h"

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
            m_context->selectSocket(m_socket);
        Q_EMIT socketPicked(m_socket);
    });
}

StateMachineView::StateMachineView(ViewContext &context, QWidget *parent)
    : StateMachineView(parent)
{
    m_context = &context;
    auto update = [this] {
        if (!m_context->selectedSocket().isEmpty() &&
            m_context->snapshot().socket(m_context->selectedSocket()))
            m_socket = m_context->selectedSocket();
        showSnapshot(m_context->snapshot());
    };
    connect(&context, &ViewContext::cursorChanged, this, update);
    connect(&context, &ViewContext::sessionChanged, this, [this, update] {
        m_socket.clear();
        update();
    });
    connect(&context, &ViewContext::selectionChanged, this, update);
    update();
}

StateMachineView::~StateMachineView() = default;

void StateMachineView::showSnapshot(const SessionSnapshot &snapshot)
{
    m_snapshot = snapshot;
    refresh();
}

void StateMachineView::setSocket(const QString &name)
{
    m_socket = name;
    refresh();
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
    m_socket = chosen;
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
        m_picker->setCurrentIndex(m_picker->findData(m_socket));
        m_picker->setEnabled(m_picker->count() > 0);
    }
    const SnapshotSocket *socket = m_snapshot.socket(m_socket);
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
