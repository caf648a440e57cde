#include "stage/stageview.h"

#include "common/viewcontext.h"
#include "projections/eventtext.h"
#include "projections/sessionsnapshot.h"
#include "stage/stagecard.h"
#include "stage/stagelayout.h"
#include "trace/trace.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QVariantAnimation>

namespace {

QString duration(qint64 ns)
{
    if (ns < 1000)
        return QString::number(ns) + QStringLiteral(" ns");
    if (ns < 1000000)
        return QString::number(ns / 1000) + QStringLiteral(" µs");
    return QString::number(double(ns) / 1e6, 'f', 1) + QStringLiteral(" ms");
}

} // namespace

StageView::StageView(ViewContext *context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_theme(Theme::named(QStringLiteral("light")))
    , m_animation(new QVariantAnimation(this))
{
    setObjectName(QStringLiteral("stage"));
    setAccessibleName(QStringLiteral("Stage: programs, sockets, kernel and wire"));
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_animation->setStartValue(0.0);
    m_animation->setEndValue(1.0);
    connect(m_animation, &QVariantAnimation::valueChanged, this, qOverload<>(&QWidget::update));
    connect(m_animation, &QVariantAnimation::finished, this, [this] {
        m_flights.clear();
        m_changedStates.clear();
        update();
    });
    connect(m_context, &ViewContext::cursorChanged, this, &StageView::cursorMoved);
    connect(m_context, &ViewContext::sessionChanged, this, &StageView::sessionChanged);
    connect(m_context, &ViewContext::selectionChanged, this, qOverload<>(&QWidget::update));
    sessionChanged();
}

StageView::~StageView() = default;

void StageView::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

void StageView::setAnimationMs(int ms)
{
    m_animationMs = ms;
    if (ms <= 0)
        m_animation->stop();
}

bool StageView::isAnimating() const
{
    return m_animation->state() == QAbstractAnimation::Running;
}

QSize StageView::sizeHint() const
{
    return {900, 520};
}

QSize StageView::minimumSizeHint() const
{
    // Room for the kernel band, the timing line and a process box with two socket cards.
    const qreal line = QFontMetricsF(font()).height();
    return {int(line * 30), int(line * 18)};
}

void StageView::sessionChanged()
{
    m_animation->stop();
    m_flights.clear();
    m_previousCursor = m_context->cursor();
    layoutStage();
    update();
}

void StageView::cursorMoved(qint64 cursor)
{
    const qint64 previous = m_previousCursor;
    m_previousCursor = cursor;
    layoutStage();
    m_animation->stop();
    m_flights.clear();
    m_changedStates.clear();
    // Only a move forward within reach animates; Back and jumps show the result at once.
    const SessionSnapshot &snapshot = m_context->snapshot();
    if (m_animationMs > 0 && cursor > previous && isVisible() && m_context->trace()) {
        for (qint64 seq = qMax(previous, snapshot.currentCallSeq); seq < cursor && seq >= 0; ++seq) {
            const TraceEvent &event = m_context->trace()->at(seq);
            if (event.packet() || event.transfer())
                m_flights.append(flightFor(event, snapshot));
            else if (const StateInfo *state = event.state())
                m_changedStates.append(state->socket);
        }
    }
    if (!m_flights.isEmpty() || !m_changedStates.isEmpty()) {
        m_animation->setDuration(qMax(m_animationMs * int(m_flights.size()), m_animationMs / 2));
        m_animation->start();
    }
    update();
}

void StageView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange) {
        layoutStage();
        updateGeometry();
    }
    QWidget::changeEvent(event);
}

void StageView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    layoutStage();
}

void StageView::layoutStage()
{
    m_layout = StageLayout::compute(m_context->snapshot(), m_context->scenario(), font(), QRectF(rect()));
}

QStringList StageView::socketLines(const QString &name) const
{
    const SnapshotSocket *socket = m_context->snapshot().socket(name);
    return socket ? stagecard::lines(*socket) : QStringList();
}

QString StageView::actorStatus(const QString &actorId) const
{
    return StageLayout::actorStatus(m_context->snapshot(), m_context->scenario(), actorId);
}

QString StageView::timingText() const
{
    const SessionSnapshot &snapshot = m_context->snapshot();
    const Trace *trace = m_context->trace();
    if (!trace || snapshot.currentCallSeq < 0)
        return m_context->capture()
                   ? QStringLiteral("Packets on the loopback wire are captured and shown here.")
                   : m_context->modeDescription();
    QStringList parts;
    qint64 firstPacket = -1;
    qint64 lastPacket = -1;
    int packets = 0;
    for (qint64 seq : snapshot.stepEvents) {
        const TraceEvent &event = trace->at(seq);
        if (const CallInfo *call = event.call()) {
            if (call->phase == CallInfo::Phase::Returned && call->durationNs > 0)
                parts << call->call + QStringLiteral("() of ") + call->actor +
                             QStringLiteral(": the kernel took ") + duration(call->durationNs);
            else if (call->phase == CallInfo::Phase::Blocked)
                parts << call->call + QStringLiteral("() of ") + call->actor +
                             QStringLiteral(" has not returned: the kernel has nothing for it yet");
        } else if (const PacketInfo *packet = event.packet()) {
            const qint64 t = packet->kernelTimeNs > 0 ? packet->kernelTimeNs : event.tNs;
            if (firstPacket < 0)
                firstPacket = t;
            lastPacket = t;
            ++packets;
        }
    }
    if (packets == 1)
        parts << QStringLiteral("1 packet");
    else if (packets > 1)
        parts << QStringLiteral("%1 packets within %2").arg(packets).arg(duration(lastPacket - firstPacket));
    else if (!m_context->capture())
        parts << QStringLiteral("packets not captured");
    return parts.join(QStringLiteral("; "));
}

StageView::Flight StageView::flightFor(const TraceEvent &event, const SessionSnapshot &snapshot) const
{
    Flight flight;
    flight.seq = event.seq;
    if (const PacketInfo *packet = event.packet()) {
        // A bare SYN is answered by the listener: the connected socket does not exist yet.
        const bool opening =
            packet->flags.contains(QLatin1String("SYN")) && !packet->flags.contains(QLatin1String("ACK"));
        for (const SnapshotSocket &socket : snapshot.sockets) {
            if (socket.local == packet->src && (flight.from.isEmpty() || socket.peer == packet->dst))
                flight.from = socket.name;
            const bool better = opening ? socket.peer.isEmpty() : socket.peer == packet->src;
            if (socket.local == packet->dst && (flight.to.isEmpty() || better))
                flight.to = socket.name;
        }
        QString flags = packet->flags.isEmpty() ? packet->proto : packet->flags.join(QStringLiteral(", "));
        flight.label = flags + QStringLiteral(" · ") + QString::number(packet->len) + QStringLiteral(" B");
        if (packet->len > 0)
            flight.label += QStringLiteral(" · ") + eventtext::quoted(packet->payload, 6);
    } else if (const TransferInfo *transfer = event.transfer()) {
        flight.from = transfer->from;
        flight.to = transfer->to;
        flight.transfer = true;
        flight.label = QString::number(transfer->len) + QStringLiteral(" B copied · ") +
                       eventtext::quoted(transfer->data, 6);
    }
    return flight;
}

QPointF StageView::wirePoint(const QString &socket, qreal fallbackX) const
{
    const QRectF card = m_layout.sockets.value(socket);
    return {card.isEmpty() ? fallbackX : card.center().x(), m_layout.wireY};
}

void StageView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), m_theme.stage);
    const SessionSnapshot &snapshot = m_context->snapshot();
    for (const SnapshotActor &actor : snapshot.actors)
        paintProcess(painter, actor.id, m_layout.actors.value(actor.id));
    for (auto it = m_layout.sockets.cbegin(); it != m_layout.sockets.cend(); ++it) {
        if (const SnapshotSocket *socket = snapshot.socket(it.key()))
            stagecard::paint(painter, m_theme, font(), snapshot, *socket, it.value(),
                             m_context->selectedSocket() == it.key());
    }
    paintKernel(painter);
    if (!m_context->hasSession()) {
        // The window is on screen before its session: say what is coming instead of a bare stage.
        painter.setPen(m_theme.mutedText);
        painter.drawText(QRectF(rect()).adjusted(0, 0, 0, -(height() - m_layout.kernel.top())),
                         Qt::AlignCenter, QStringLiteral("Starting the sandbox…"));
    }

    const QFontMetricsF fm(font());
    const QRectF timing(m_layout.kernel.left(), m_layout.kernel.bottom() + fm.height() * 0.3,
                        m_layout.kernel.width(), fm.height() * 1.3);
    painter.setPen(m_theme.text);
    painter.drawText(timing, Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(timingText(), Qt::ElideRight, timing.width()));

    if (isAnimating()) {
        // A changed state badge glows and fades while the step plays.
        const qreal fade = 1.0 - m_animation->currentValue().toReal();
        QColor glow = m_theme.highlight;
        glow.setAlphaF(float(0.8 * fade));
        painter.setPen(QPen(glow, 5));
        painter.setBrush(Qt::NoBrush);
        for (const QString &name : std::as_const(m_changedStates)) {
            const QRectF card = m_layout.sockets.value(name);
            if (!card.isEmpty())
                painter.drawRoundedRect(card.adjusted(-4, -4, 4, 4), 6, 6);
        }
    }
    if (isAnimating() && !m_flights.isEmpty()) {
        const qreal total = m_animation->currentValue().toReal() * qreal(m_flights.size());
        const qsizetype index = qMin<qsizetype>(m_flights.size() - 1, qsizetype(total));
        paintFlight(painter, m_flights.at(index), total - qreal(index));
    }
}

void StageView::paintProcess(QPainter &painter, const QString &actorId, const QRectF &box) const
{
    const SnapshotActor *actor = m_context->snapshot().actor(actorId);
    if (!actor || box.isEmpty())
        return;
    const QFontMetricsF fm(font());
    const qreal line = fm.height();
    const bool blocked = actor->blockedStep >= 0;
    QPen border(blocked ? m_theme.blocked : m_theme.processBorder, blocked ? 3 : 1.5);
    if (blocked)
        border.setStyle(Qt::DashLine); // waiting is told by the dashes and the words, not the colour
    painter.setPen(border);
    painter.setBrush(m_theme.process);
    painter.drawRoundedRect(box, line * 0.4, line * 0.4);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(m_theme.text);
    const QRectF title(box.left() + line * 0.5, box.top() + line * 0.3, box.width() - line, line * 1.2);
    painter.drawText(title, Qt::AlignLeft | Qt::AlignVCenter, actor->title + QStringLiteral(" (process)"));
    painter.setFont(font());
    const QString status = (blocked ? QStringLiteral("BLOCKED: ") : QString()) + actorStatus(actorId);
    const QRectF statusRect(title.left(), title.bottom(), title.width(), line * 10);
    painter.setPen(blocked ? m_theme.text : m_theme.mutedText);
    painter.drawText(statusRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, status);
}

void StageView::paintKernel(QPainter &painter) const
{
    const QFontMetricsF fm(font());
    const qreal line = fm.height();
    painter.setPen(QPen(m_theme.processBorder, 1));
    painter.setBrush(m_theme.kernel);
    painter.drawRoundedRect(m_layout.kernel, line * 0.4, line * 0.4);
    painter.setPen(m_theme.text);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRectF(m_layout.kernel.left() + line * 0.5, m_layout.kernel.top() + line * 0.2,
                            m_layout.kernel.width(), line),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     QStringLiteral("Kernel: network stack and the loopback wire (lo)"));
    painter.setFont(font());
    painter.setPen(QPen(m_theme.wire, 2));
    painter.drawLine(QPointF(m_layout.kernel.left() + line, m_layout.wireY),
                     QPointF(m_layout.kernel.right() - line, m_layout.wireY));
    for (auto it = m_layout.sockets.cbegin(); it != m_layout.sockets.cend(); ++it) {
        const QPointF p = wirePoint(it.key(), 0);
        painter.setPen(QPen(m_theme.wire, 1, Qt::DotLine));
        painter.drawLine(QPointF(p.x(), it.value().bottom()), p);
        painter.setPen(QPen(m_theme.wire, 1.5));
        painter.setBrush(m_theme.stage);
        painter.drawEllipse(p, line * 0.22, line * 0.22);
    }

    // At rest the wire lists what crossed it in the current step: words, not colours.
    const SessionSnapshot &snapshot = m_context->snapshot();
    const Trace *trace = m_context->trace();
    QStringList crossed;
    if (trace) {
        for (qint64 seq : snapshot.stepEvents) {
            const TraceEvent &event = trace->at(seq);
            if (!event.packet() && !event.transfer())
                continue;
            const Flight flight = flightFor(event, snapshot);
            crossed << (flight.from.isEmpty() ? QStringLiteral("?") : flight.from) + QStringLiteral(" → ") +
                           (flight.to.isEmpty() ? QStringLiteral("?") : flight.to) + QStringLiteral(" [") +
                           flight.label + u']';
        }
    }
    QString text;
    if (!crossed.isEmpty())
        text = QStringLiteral("This step on the wire: ") + crossed.join(QStringLiteral(";  "));
    else if (!m_context->capture() && m_context->hasSession())
        text = QStringLiteral("No packets are shown: ") + m_context->modeDescription();
    else if (snapshot.currentCallSeq >= 0)
        text = QStringLiteral("No packet crossed the wire in this step.");
    const QRectF textRect(m_layout.kernel.left() + line * 0.5, m_layout.wireY + line * 0.6,
                          m_layout.kernel.width() - line,
                          m_layout.kernel.bottom() - m_layout.wireY - line * 0.7);
    painter.setPen(m_theme.mutedText);
    painter.drawText(textRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
}

void StageView::paintFlight(QPainter &painter, const Flight &flight, qreal progress) const
{
    const QFontMetricsF fm(font());
    const qreal line = fm.height();
    const QRectF fromCard = m_layout.sockets.value(flight.from);
    const QRectF toCard = m_layout.sockets.value(flight.to);
    const QPointF a =
        fromCard.isEmpty() ? QPointF(m_layout.kernel.left() + line, m_layout.wireY) : fromCard.center();
    const QPointF d =
        toCard.isEmpty() ? QPointF(m_layout.kernel.right() - line, m_layout.wireY) : toCard.center();
    const QPointF b(a.x(), m_layout.wireY);
    const QPointF c(d.x(), m_layout.wireY);
    const qreal l1 = std::abs(b.y() - a.y());
    const qreal l2 = std::abs(c.x() - b.x());
    const qreal l3 = std::abs(d.y() - c.y());
    const qreal total = qMax<qreal>(1, l1 + l2 + l3);
    qreal s = qBound<qreal>(0, progress, 1) * total;
    QPointF at;
    if (s <= l1)
        at = a + (b - a) * (l1 > 0 ? s / l1 : 1);
    else if ((s -= l1) <= l2)
        at = b + (c - b) * (l2 > 0 ? s / l2 : 1);
    else
        at = c + (d - c) * (l3 > 0 ? (s - l2) / l3 : 1);

    const qreal w = fm.horizontalAdvance(flight.label) + line;
    const QRectF envelope(at.x() - w / 2, at.y() - line * 0.8, w, line * 1.6);
    painter.setPen(QPen(m_theme.envelopeText, 1.5));
    painter.setBrush(m_theme.envelope);
    if (flight.transfer) {
        painter.drawRoundedRect(envelope, line * 0.6, line * 0.6);
    } else {
        painter.drawRect(envelope);
        QPainterPath flap;
        flap.moveTo(envelope.topLeft());
        flap.lineTo(envelope.center().x(), envelope.top() + line * 0.45);
        flap.lineTo(envelope.topRight());
        painter.drawPath(flap);
    }
    painter.setPen(m_theme.envelopeText);
    painter.drawText(envelope.adjusted(0, line * 0.3, 0, 0), Qt::AlignCenter, flight.label);
}

void StageView::mousePressEvent(QMouseEvent *event)
{
    for (auto it = m_layout.sockets.cbegin(); it != m_layout.sockets.cend(); ++it) {
        if (it.value().contains(event->position())) {
            m_context->selectSocket(it.key());
            return;
        }
    }
    QWidget::mousePressEvent(event);
}
