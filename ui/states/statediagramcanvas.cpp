#include "states/statediagramcanvas.h"

#include "projections/tcpstatemachine.h"

#include <QEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

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

QFont scaled(const QFont &font, double factor)
{
    QFont f = font;
    if (font.pointSizeF() > 0)
        f.setPointSizeF(font.pointSizeF() * factor);
    else
        f.setPixelSize(qMax(1, int(std::lround(font.pixelSize() * factor))));
    return f;
}

double pointSizeOf(const QFont &font)
{
    return font.pointSizeF() > 0 ? font.pointSizeF() : font.pixelSize() * 0.75;
}

QPolygonF arrowHead(const QPainterPath &path, double size)
{
    const QPointF end = path.currentPosition();
    const QPointF tangent = end - path.pointAtPercent(0.93);
    const double angle = std::atan2(tangent.y(), tangent.x());
    return QPolygonF({end, end - QPointF(std::cos(angle - 0.4) * size, std::sin(angle - 0.4) * size),
                      end - QPointF(std::cos(angle + 0.4) * size, std::sin(angle + 0.4) * size)});
}

// Every state in a box of `size`, at its place in `area`.
QHash<QString, QRectF> boxesIn(const QRectF &area, const QSizeF &size)
{
    QHash<QString, QRectF> boxes;
    for (const QString &state : tcpstatemachine::states()) {
        const QPointF p = positionOf(state);
        const QPointF centre(area.left() + p.x() * area.width(), area.top() + p.y() * area.height());
        boxes.insert(state, QRectF(centre.x() - size.width() / 2, centre.y() - size.height() / 2,
                                   size.width(), size.height()));
    }
    return boxes;
}

bool anyTouching(const QHash<QString, QRectF> &boxes)
{
    bool touching = false;
    for (auto a = boxes.cbegin(); a != boxes.cend() && !touching; ++a) {
        for (auto b = std::next(a); b != boxes.cend() && !touching; ++b)
            touching = a.value().adjusted(-3, -3, 3, 3).intersects(b.value());
    }
    return touching;
}

// The curve of a transition from box `a` to box `b`.
QPainterPath curveOf(const tcpstatemachine::Transition &transition, const QRectF &a, const QRectF &b,
                     const QRectF &bounds, const QRectF &area)
{
    QPointF start;
    QPointF end;
    QPointF control;
    if (transition.from == QLatin1String("TIME_WAIT") && transition.to == QLatin1String("CLOSED")) {
        // Round the left edge, outside every other state.
        start = QPointF(a.left(), a.center().y());
        end = QPointF(b.left(), b.center().y());
        control = QPointF(bounds.left() - area.width() * 0.25, (start.y() + end.y()) / 2);
    } else {
        const QPointF d = b.center() - a.center();
        const double length = std::hypot(d.x(), d.y());
        const QPointF unitNormal = length > 0 ? QPointF(-d.y(), d.x()) / length : QPointF();
        // At least a few pixels, so that an edge and its way back (CLOSED ⇄ LISTEN) stay apart.
        control = (a.center() + b.center()) / 2 +
                  unitNormal * qMax(22.0, length * bendOf(transition.from, transition.to));
        start = borderPoint(a, control);
        end = borderPoint(b, control);
    }
    QPainterPath path;
    path.moveTo(start);
    path.quadTo(control, end);
    return path;
}

// Where a label went: `placed` is false when it found no free place and sits over its curve.
struct Placement
{
    QRectF rect;
    QPointF anchor;
    bool leader = false;
    bool placed = false;
};

// The places a label may take: inside the widget, clear of the states, of "◀ now" and of the labels
// placed before it.
class FreeSpace
{
public:
    FreeSpace(const QRectF &bounds, const QHash<QString, QRectF> &boxes, const QRectF &nowMark)
        : m_bounds(bounds)
    {
        for (const QRectF &box : boxes)
            m_taken << box.adjusted(-2, -2, 2, 2);
        if (!nowMark.isEmpty())
            m_taken << nowMark;
    }

    void take(const QRectF &rect) { m_taken << rect; }

    bool isFree(const QRectF &rect) const
    {
        if (!m_bounds.contains(rect))
            return false;
        return std::none_of(m_taken.cbegin(), m_taken.cend(),
                            [&](const QRectF &t) { return t.intersects(rect); });
    }

    // The first free place along the curve, from its middle outwards, on it or a little to a side.
    std::optional<Placement> alongCurve(const QPainterPath &path, const QSizeF &size) const
    {
        static constexpr double Along[] = {0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82};
        static constexpr int Aside[] = {0, 1, -1, 2, -2, 3, -3};
        for (double t : Along) {
            const QPointF at = path.pointAtPercent(t);
            const double angle = qDegreesToRadians(path.angleAtPercent(t));
            const QPointF normal(std::sin(angle), std::cos(angle));
            for (int k : Aside) {
                QRectF rect(QPointF(0, 0), size);
                rect.moveCenter(at + normal * (k * size.height() * 0.8));
                if (isFree(rect))
                    return Placement{rect, at, false, true};
            }
        }
        return std::nullopt;
    }

    // The free place nearest `anchor`, the first found of equals.
    std::optional<QRectF> nearest(const QPointF &anchor, const QSizeF &size) const
    {
        const double step = qMax(2.0, size.height() / 2);
        double best = std::numeric_limits<double>::max();
        std::optional<QRectF> found;
        for (double y = m_bounds.top(); y + size.height() <= m_bounds.bottom(); y += step) {
            for (double x = m_bounds.left(); x + size.width() <= m_bounds.right(); x += step) {
                const QRectF rect(QPointF(x, y), size);
                const QPointF d = rect.center() - anchor;
                const double distance = d.x() * d.x() + d.y() * d.y();
                if (distance < best && isFree(rect)) {
                    best = distance;
                    found = rect;
                }
            }
        }
        return found;
    }

private:
    QRectF m_bounds;
    QList<QRectF> m_taken;
};

Placement placeLabel(const FreeSpace &space, const QPainterPath &path, const QSizeF &size)
{
    if (const std::optional<Placement> along = space.alongCurve(path, size))
        return *along;
    Placement place;
    place.anchor = path.pointAtPercent(0.5);
    // Nowhere along the curve: the free place nearest its middle, joined by a leader line.
    if (const std::optional<QRectF> nearby = space.nearest(place.anchor, size)) {
        place.rect = *nearby;
        place.leader = true;
        place.placed = true;
        return place;
    }
    place.rect = QRectF(QPointF(0, 0), size);
    place.rect.moveCenter(place.anchor);
    return place;
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
    m_layoutValid = false;
    setAccessibleDescription(state.isEmpty() ? tr("no state") : tr("current state %1").arg(state));
    update();
}

void StateDiagramCanvas::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange)
        m_layoutValid = false;
    QWidget::changeEvent(event);
}

QList<QRectF> StateDiagramCanvas::labelRects() const
{
    QList<QRectF> rects;
    for (const Label &label : layout().labels)
        rects << label.rect;
    return rects;
}

QStringList StateDiagramCanvas::labelTexts() const
{
    QStringList texts;
    for (const Label &label : layout().labels)
        texts << label.text;
    return texts;
}

QRectF StateDiagramCanvas::stateRect(const QString &state) const
{
    return layout().boxes.value(state);
}

const StateDiagramCanvas::Layout &StateDiagramCanvas::layout() const
{
    // Laid out again only when the size, the type or what is lit changed.
    if (!m_layoutValid || m_layout.size != size() || m_layout.font != font() || m_layout.state != m_state ||
        m_layout.from != m_from) {
        m_layout = Layout{};
        m_layout.size = size();
        m_layout.font = font();
        m_layout.state = m_state;
        m_layout.from = m_from;
        buildLayout(m_layout);
        m_layoutValid = true;
    }
    return m_layout;
}

void StateDiagramCanvas::buildLayout(Layout &l) const
{
    const QRectF bounds(QPointF(0, 0), QSizeF(l.size));
    const QRectF area = placeBoxes(l, bounds);
    const tcpstatemachine::Transition *lastEdge = tcpstatemachine::find(l.from, l.state);
    placeEdges(l, bounds, area, lastEdge);
    if (l.boxes.contains(l.state))
        placeNowMark(l, bounds);
    if (!l.from.isEmpty() && !l.state.isEmpty() && !lastEdge && l.from != l.state &&
        l.boxes.contains(l.from) && l.boxes.contains(l.state))
        l.observedText = tr("observed: %1 → %2").arg(l.from, l.state);

    // The labels' type shrinks until every label has a place of its own.
    l.labelFont = scaled(l.boxFont, 0.85);
    l.lastFont = l.boxFont;
    l.lastFont.setBold(true);
    while (!placeLabels(l) && pointSizeOf(l.labelFont) > 5.5) {
        l.labelFont = scaled(l.labelFont, 0.9);
        l.lastFont = scaled(l.lastFont, 0.9);
    }
}

QRectF StateDiagramCanvas::placeBoxes(Layout &l, const QRectF &bounds) const
{
    // The states' type shrinks until no two states touch: the whole diagram fits a small dock.
    l.boxFont = l.font;
    for (;;) {
        const QFontMetricsF metrics(l.boxFont);
        const double widest = metrics.horizontalAdvance(QStringLiteral("SYN_RECEIVED"));
        // Room on the left for the way back from TIME_WAIT, round the outside.
        const double side = widest / 2 + metrics.height() * 2.5;
        const QRectF area = bounds.adjusted(side, metrics.height(), -side, -metrics.height());
        l.boxes = boxesIn(area, QSizeF(widest + metrics.height() + 2, metrics.height() * 1.7));
        if (!anyTouching(l.boxes) || pointSizeOf(l.boxFont) <= 5.5)
            return area;
        l.boxFont = scaled(l.boxFont, 0.9);
    }
}

void StateDiagramCanvas::placeEdges(Layout &l, const QRectF &bounds, const QRectF &area,
                                    const tcpstatemachine::Transition *lastEdge) const
{
    for (const tcpstatemachine::Transition &transition : tcpstatemachine::transitions()) {
        Edge edge;
        edge.transition = &transition;
        edge.last = lastEdge == &transition;
        edge.path =
            curveOf(transition, l.boxes.value(transition.from), l.boxes.value(transition.to), bounds, area);
        edge.head = arrowHead(edge.path, edge.last ? 12 : 8);
        l.edges.append(edge);
    }
}

// "◀ now" on the right of the lit state, or on its left when the right has no room.
void StateDiagramCanvas::placeNowMark(Layout &l, const QRectF &bounds) const
{
    const QRectF box = l.boxes.value(l.state);
    QFont boldFont = l.boxFont;
    boldFont.setBold(true);
    const QFontMetricsF bold(boldFont);
    const QSizeF mark(bold.horizontalAdvance(tr("◀ now")) + 8, bold.height());
    l.nowMark = QRectF(QPointF(box.right() + 4, box.center().y() - mark.height() / 2), mark);
    if (l.nowMark.right() > bounds.right())
        l.nowMark.moveRight(box.left() - 4);
}

bool StateDiagramCanvas::placeLabels(Layout &l) const
{
    l.labels.clear();
    FreeSpace space(QRectF(QPointF(0, 0), QSizeF(l.size)).adjusted(1, 1, -1, -1), l.boxes, l.nowMark);
    struct Wanted
    {
        QString text;
        QPainterPath path;
        bool last;
    };
    QList<Wanted> wanted;
    if (!l.observedText.isEmpty()) {
        QPainterPath line(l.boxes.value(l.from).center());
        line.lineTo(l.boxes.value(l.state).center());
        wanted.append({l.observedText, line, true});
    }
    // The bold label of the last transition first: it gets the best place.
    for (const Edge &edge : std::as_const(l.edges)) {
        if (edge.last)
            wanted.prepend({edge.transition->label, edge.path, true});
        else
            wanted.append({edge.transition->label, edge.path, false});
    }

    bool all = true;
    for (const Wanted &w : std::as_const(wanted)) {
        const QFontMetricsF metrics(w.last ? l.lastFont : l.labelFont);
        const QSizeF size(metrics.horizontalAdvance(w.text) + 8, metrics.height() + 2);
        const Placement place = placeLabel(space, w.path, size);
        if (!place.placed)
            all = false;
        space.take(place.rect);
        l.labels.append(Label{w.text, place.rect, place.anchor, w.last, place.leader});
    }
    return all;
}

void StateDiagramCanvas::paintEvent(QPaintEvent *)
{
    const Layout &l = layout();
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));
    QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);
    const QColor accent(0xD5, 0x5E, 0x00);  // vermillion
    const QColor litFill(0x00, 0x9E, 0x73); // bluish green
    if (!m_enabled)
        text = muted;
    QFont bold = l.boxFont;
    bold.setBold(true);

    // The last transition on top of the others.
    for (int pass = 0; pass < 2; ++pass) {
        for (const Edge &edge : l.edges) {
            if (edge.last != (pass == 1))
                continue;
            const QPen pen(edge.last ? accent : muted, edge.last ? 3.5 : 1.2);
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(edge.path);
            painter.setBrush(pen.color());
            painter.drawPolygon(edge.head);
        }
    }
    // A change the diagram has no edge for (the kernel reports states, not every step between them).
    if (!l.observedText.isEmpty()) {
        const QRectF a = l.boxes.value(l.from);
        const QRectF b = l.boxes.value(l.state);
        painter.setPen(QPen(accent, 3, Qt::DashLine));
        painter.drawLine(borderPoint(a, b.center()), borderPoint(b, a.center()));
    }
    // Labels on a plate of the background, so that crossing lines do not hide them.
    for (const Label &label : l.labels) {
        if (label.leader) {
            painter.setPen(QPen(muted, 1, Qt::DotLine));
            painter.drawLine(borderPoint(label.rect, label.anchor), label.anchor);
        }
        QColor back = pal.color(QPalette::Base);
        back.setAlpha(label.last ? 255 : 215);
        painter.setPen(label.last ? QPen(accent, 1.5) : Qt::NoPen);
        painter.setBrush(back);
        if (label.last)
            painter.drawRoundedRect(label.rect.adjusted(1, 0, -1, 0), 3, 3);
        else
            painter.fillRect(label.rect.adjusted(1, 0, -1, 0), back);
        painter.setFont(label.last ? l.lastFont : l.labelFont);
        painter.setPen(label.last ? text : muted);
        painter.drawText(label.rect, Qt::AlignCenter, label.text);
    }
    painter.setBrush(Qt::NoBrush);
    for (auto it = l.boxes.cbegin(); it != l.boxes.cend(); ++it) {
        const bool lit = it.key() == m_state && m_enabled;
        painter.setPen(QPen(lit ? accent : text, lit ? 4 : 1.5));
        QColor fill = lit ? litFill : pal.color(QPalette::Base);
        if (lit)
            fill.setAlpha(110);
        painter.setBrush(fill);
        painter.drawRoundedRect(it.value(), 8, 8);
        painter.setFont(lit ? bold : l.boxFont);
        painter.setPen(text);
        painter.drawText(it.value(), Qt::AlignCenter, it.key());
    }
    if (m_enabled && !l.nowMark.isEmpty()) {
        // Said in words too, not only by colour and border.
        painter.setFont(bold);
        painter.setPen(accent);
        painter.drawText(l.nowMark, Qt::AlignCenter, tr("◀ now"));
    }
}
