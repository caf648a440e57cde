#include "statemachineview.h"

#include "tcpstatemachine.h"
#include "viewcontext.h"

#include <QComboBox>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

// Where each state sits, as fractions of the drawing area: the usual picture of RFC 793.
QPointF positionOf(const QString &state)
{
    static const QHash<QString, QPointF> positions = {
        {QStringLiteral("CLOSED"), {0.5, 0.05}},       {QStringLiteral("LISTEN"), {0.5, 0.21}},
        {QStringLiteral("SYN_RECEIVED"), {0.1, 0.36}}, {QStringLiteral("SYN_SENT"), {0.9, 0.36}},
        {QStringLiteral("ESTABLISHED"), {0.5, 0.5}},   {QStringLiteral("FIN_WAIT_1"), {0.16, 0.65}},
        {QStringLiteral("CLOSE_WAIT"), {0.84, 0.65}},  {QStringLiteral("FIN_WAIT_2"), {0.16, 0.82}},
        {QStringLiteral("CLOSING"), {0.5, 0.74}},      {QStringLiteral("LAST_ACK"), {0.84, 0.82}},
        {QStringLiteral("TIME_WAIT"), {0.5, 0.95}},
    };
    return positions.value(state);
}

// How far an edge bends sideways, as a fraction of its length: edges that go back up take a wide
// path round the side so that they do not cross the states in between.
double bendOf(const QString &from, const QString &to)
{
    if (from == QLatin1String("TIME_WAIT") && to == QLatin1String("CLOSED"))
        return 0.0; // drawn round the left edge, see below
    if (to == QLatin1String("CLOSED") ||
        (from == QLatin1String("SYN_RECEIVED") && to == QLatin1String("LISTEN")))
        return 0.18;
    return 0.06;
}

QPointF borderPoint(const QRectF &box, const QPointF &towards)
{
    const QPointF centre = box.center();
    const QPointF d = towards - centre;
    if (d.isNull())
        return centre;
    const double sx = d.x() == 0 ? 1e9 : (box.width() / 2) / std::abs(d.x());
    const double sy = d.y() == 0 ? 1e9 : (box.height() / 2) / std::abs(d.y());
    return centre + d * std::min(sx, sy);
}

} // namespace

StateDiagramCanvas::StateDiagramCanvas(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("stateDiagram"));
    setAccessibleName(tr("TCP state diagram"));
}

void StateDiagramCanvas::setLit(const QString &state, const QString &from, bool enabled)
{
    if (state == m_state && from == m_from && enabled == m_enabled)
        return;
    m_state = state;
    m_from = from;
    m_enabled = enabled;
    setAccessibleDescription(state.isEmpty() ? tr("no state") : tr("current state %1").arg(state));
    update();
}

QRectF StateDiagramCanvas::boxOf(const QString &state, const QRectF &area) const
{
    const QPointF p = positionOf(state);
    const QFontMetricsF metrics(font());
    const double w = metrics.horizontalAdvance(QStringLiteral("SYN_RECEIVED")) + 18;
    const double h = metrics.height() + 12;
    const QPointF centre(area.left() + p.x() * area.width(), area.top() + p.y() * area.height());
    return QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h);
}

void StateDiagramCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));
    const QFontMetricsF metrics(font());
    const QRectF area = QRectF(rect()).adjusted(
        metrics.horizontalAdvance(QStringLiteral("SYN_RECEIVED")) / 2 + 40, metrics.height(),
        -metrics.horizontalAdvance(QStringLiteral("SYN_RECEIVED")) / 2 - 40, -metrics.height());
    QColor text = pal.color(QPalette::Text);
    QColor muted = pal.color(QPalette::PlaceholderText);
    const QColor accent(0xD5, 0x5E, 0x00);  // vermillion
    const QColor litFill(0x00, 0x9E, 0x73); // bluish green
    if (!m_enabled)
        text = muted;
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    QFont bold = font();
    bold.setBold(true);

    const auto *lastEdge = tcpstatemachine::find(m_from, m_state);
    struct Label
    {
        QPointF at;
        QString text;
        bool last;
    };
    QList<Label> labels;
    for (const tcpstatemachine::Transition &edge : tcpstatemachine::transitions()) {
        const bool isLast = lastEdge == &edge;
        const QRectF a = boxOf(edge.from, area);
        const QRectF b = boxOf(edge.to, area);
        QPainterPath path;
        QPointF start;
        QPointF end;
        QPointF control;
        if (edge.from == QLatin1String("TIME_WAIT") && edge.to == QLatin1String("CLOSED")) {
            start = QPointF(a.left(), a.center().y());
            end = QPointF(b.left(), b.center().y());
            control = QPointF(rect().left() - area.width() * 0.25, (start.y() + end.y()) / 2);
        } else {
            const QPointF d = b.center() - a.center();
            const double length = std::hypot(d.x(), d.y());
            const QPointF unitNormal = length > 0 ? QPointF(-d.y(), d.x()) / length : QPointF();
            // At least a few pixels, so that an edge and its way back (CLOSED ⇄ LISTEN) stay apart.
            control =
                (a.center() + b.center()) / 2 + unitNormal * qMax(22.0, length * bendOf(edge.from, edge.to));
            start = borderPoint(a, control);
            end = borderPoint(b, control);
        }
        path.moveTo(start);
        path.quadTo(control, end);
        QPen pen(isLast ? accent : muted, isLast ? 3.5 : 1.2, isLast ? Qt::SolidLine : Qt::SolidLine);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
        // Arrow head along the curve's last direction.
        const QPointF tangent = end - path.pointAtPercent(0.93);
        const double angle = std::atan2(tangent.y(), tangent.x());
        const double size = isLast ? 12 : 8;
        QPolygonF head({end, end - QPointF(std::cos(angle - 0.4) * size, std::sin(angle - 0.4) * size),
                        end - QPointF(std::cos(angle + 0.4) * size, std::sin(angle + 0.4) * size)});
        painter.setBrush(pen.color());
        painter.drawPolygon(head);
        painter.setBrush(Qt::NoBrush);
        labels.append({path.pointAtPercent(0.5), edge.label, isLast});
    }
    // Labels over the lines, on a plate of the background so that crossing lines do not hide them;
    // the last transition's label last, on top.
    std::stable_sort(labels.begin(), labels.end(),
                     [](const Label &a, const Label &b) { return a.last < b.last; });
    for (const Label &label : std::as_const(labels)) {
        painter.setFont(label.last ? bold : small);
        const QFontMetricsF labelMetrics(painter.font());
        const QRectF plate(label.at.x() - labelMetrics.horizontalAdvance(label.text) / 2 - 3,
                           label.at.y() - labelMetrics.height() / 2,
                           labelMetrics.horizontalAdvance(label.text) + 6, labelMetrics.height());
        QColor back = pal.color(QPalette::Base);
        back.setAlpha(label.last ? 255 : 200);
        painter.setPen(label.last ? QPen(accent, 1.5) : Qt::NoPen);
        painter.setBrush(back);
        painter.drawRoundedRect(plate, 3, 3);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(label.last ? text : muted);
        painter.drawText(plate, Qt::AlignCenter, label.text);
    }
    // A change the diagram has no edge for (the kernel reports states, not every step between them).
    if (!m_from.isEmpty() && !m_state.isEmpty() && !lastEdge && m_from != m_state) {
        const QRectF a = boxOf(m_from, area);
        const QRectF b = boxOf(m_state, area);
        painter.setPen(QPen(accent, 3, Qt::DashLine));
        painter.drawLine(borderPoint(a, b.center()), borderPoint(b, a.center()));
        painter.setFont(bold);
        painter.drawText((a.center() + b.center()) / 2 + QPointF(6, -6),
                         tr("observed: %1 → %2").arg(m_from, m_state));
    }
    for (const QString &state : tcpstatemachine::states()) {
        const QRectF box = boxOf(state, area);
        const bool lit = state == m_state && m_enabled;
        painter.setPen(QPen(lit ? accent : text, lit ? 4 : 1.5));
        QColor fill = lit ? litFill : pal.color(QPalette::Base);
        if (lit)
            fill.setAlpha(110);
        painter.setBrush(fill);
        painter.drawRoundedRect(box, 8, 8);
        painter.setFont(lit ? bold : font());
        painter.setPen(text);
        painter.drawText(box, Qt::AlignCenter, state);
        if (lit) {
            // Said in words too, not only by colour and border.
            painter.setPen(accent);
            painter.drawText(QPointF(box.right() + 6, box.center().y() + metrics.ascent() / 2 - 2),
                             tr("◀ now"));
        }
    }
    painter.setBrush(Qt::NoBrush);
}

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
