// The rows of the sequence diagram: one marker, arrow or badge per event, for the visible rows only.

#include "sequence/sequencediagram.h"

#include "projections/eventtext.h"
#include "sequence/diagramstyle.h"
#include "trace/trace.h"

#include <QPainter>
#include <QPainterPath>
#include <QVarLengthArray>

#include <array>
#include <climits>
#include <vector>

namespace {

// A label goes on the right of its lane's line, or on its left where the right has no room (the
// last lane of a narrow dock), so that it is never cut off.
struct LabelRoom
{
    double left;
    double right;

    double labelLeft(int x, double width) const
    {
        return x + 10 + width <= right ? x + 10.0 : qMax(left, x - 10 - width);
    }
};

void drawLabel(QPainter &painter, const QFontMetrics &metrics, const LabelRoom &room, int x, double y,
               const QString &label)
{
    painter.drawText(
        QPointF(room.labelLeft(x, metrics.horizontalAdvance(label)), y + metrics.ascent() / 2.0 - 1), label);
}

void drawCall(QPainter &painter, const DiagramStyle &style, const QFontMetrics &metrics,
              const LabelRoom &room, const CallInfo &call, int x, double y)
{
    const bool failed = call.result < 0 && !call.errnoName.isEmpty();
    painter.setPen(QPen(style.text, 1.5));
    if (failed) {
        // A failed call: a square with a cross, not only a colour.
        painter.setBrush(style.error);
        painter.drawRect(QRectF(x - 6, y - 6, 12, 12));
        painter.drawLine(QPointF(x - 4, y - 4), QPointF(x + 4, y + 4));
        painter.drawLine(QPointF(x - 4, y + 4), QPointF(x + 4, y - 4));
    } else {
        painter.setBrush(style.call);
        painter.drawEllipse(QPointF(x, y), 6, 6);
    }
    painter.setBrush(Qt::NoBrush);
    QString label = eventtext::callSignature(call) + QStringLiteral(" = ") + QString::number(call.result);
    if (failed)
        label += u' ' + call.errnoName;
    if (call.phase == CallInfo::Phase::Cancelled)
        label = eventtext::callSignature(call) + SequenceDiagram::tr(" cancelled");
    painter.setPen(failed ? style.errorText : style.text);
    drawLabel(painter, metrics, room, x, y, label);
}

// An hourglass: the call waits.
void drawBlocked(QPainter &painter, const DiagramStyle &style, const QFontMetrics &metrics,
                 const LabelRoom &room, const CallInfo &call, int x, double y)
{
    QPainterPath glass;
    glass.moveTo(x - 6, y - 7);
    glass.lineTo(x + 6, y - 7);
    glass.lineTo(x - 6, y + 7);
    glass.lineTo(x + 6, y + 7);
    glass.closeSubpath();
    painter.setPen(QPen(style.text, 1.2));
    painter.setBrush(style.blocked);
    painter.drawPath(glass);
    painter.setBrush(Qt::NoBrush);
    drawLabel(painter, metrics, room, x, y, eventtext::callSignature(call) + SequenceDiagram::tr(" waits…"));
}

void drawState(QPainter &painter, const DiagramStyle &style, const QFontMetrics &metrics,
               const LabelRoom &room, const StateInfo &state, int x, double y)
{
    const QString text = (state.from.isEmpty() ? QString() : state.from + QStringLiteral(" → ")) + state.to;
    QRectF badge(x - 4, y - metrics.height() / 2.0 - 1, metrics.horizontalAdvance(text) + 14,
                 metrics.height() + 2);
    if (badge.right() > room.right)
        badge.moveRight(qMax(badge.width() + room.left, x + 4.0));
    painter.setPen(QPen(style.state, 1.5));
    painter.setBrush(style.stateFill);
    painter.drawRoundedRect(badge, 6, 6);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(style.text);
    painter.drawText(badge, Qt::AlignCenter, text);
}

void drawTransfer(QPainter &painter, const DiagramStyle &style, const TransferInfo &transfer, int x, int x2,
                  double y)
{
    painter.setPen(QPen(style.transfer, 2, Qt::DashLine));
    painter.drawLine(QPointF(x, y), QPointF(x2, y));
    const double dir = x2 >= x ? 1 : -1;
    painter.drawLine(QPointF(x2, y), QPointF(x2 - dir * 8, y - 5));
    painter.drawLine(QPointF(x2, y), QPointF(x2 - dir * 8, y + 5));
    painter.setPen(style.text);
    painter.drawText(
        QPointF(qMin(x, x2) + 8, y - 4),
        SequenceDiagram::tr("copied in the kernel: %n byte(s), no packet", nullptr, transfer.len));
}

// In italics, then back to `rowFont` for the rows that follow.
void drawNote(QPainter &painter, const DiagramStyle &style, const QFontMetrics &metrics, const NoteInfo &note,
              double x, double y, const QFont &rowFont)
{
    QFont italic = painter.font();
    italic.setItalic(true);
    painter.setFont(italic);
    painter.setPen(note.level == NoteInfo::Level::Info ? style.muted : style.errorText);
    painter.drawText(QPointF(x, y + metrics.ascent() / 2.0 - 1), QStringLiteral("ⓘ ") + note.text);
    painter.setFont(rowFont);
}

} // namespace

void SequenceDiagram::paintRows(QPainter &painter, const Geometry &g, double top, qsizetype first,
                                qsizetype last)
{
    const bool detailed = g.rowHeight >= 14;
    if (!detailed) {
        paintRowMarks(painter, g, top, first, last);
        return;
    }
    const DiagramStyle style(palette());
    const auto &items = m_layout.items();
    const QFontMetrics metrics = painter.fontMetrics();
    painter.setRenderHint(QPainter::Antialiasing, true);
    const LabelRoom room{double(g.left), double(g.left * 2 + m_layout.laneCount() * g.laneWidth)};
    for (qsizetype row = first; row < last; ++row) {
        const SequenceLayout::Item &item = items[row];
        const TraceEvent &event = m_trace->at(item.seq);
        const double y = g.header + (row + 0.5) * g.rowHeight - top;
        if (item.seq == m_selected)
            painter.fillRect(QRectF(0, y - g.rowHeight / 2, room.right, g.rowHeight), style.selection);
        const int x = item.lane >= 0 ? laneX(g, item.lane) : g.left + 8;
        switch (item.kind) {
        case SequenceLayout::ItemKind::Call:
            if (item.waitFrom >= 0) {
                // The time the call spent waiting in the kernel, as a bar down its lane.
                const double from = g.header + (item.waitFrom + 0.5) * g.rowHeight - top;
                painter.fillRect(QRectF(x - 3, from, 6, y - from), style.blocked);
            }
            drawCall(painter, style, metrics, room, *event.call(), x, y);
            break;
        case SequenceLayout::ItemKind::Blocked:
            drawBlocked(painter, style, metrics, room, *event.call(), x, y);
            break;
        case SequenceLayout::ItemKind::Packet:
            paintPacket(painter, g, item, y, true);
            break;
        case SequenceLayout::ItemKind::State:
            drawState(painter, style, metrics, room, *event.state(), x, y);
            break;
        case SequenceLayout::ItemKind::Transfer:
            drawTransfer(painter, style, *event.transfer(), x,
                         item.toLane >= 0 ? laneX(g, item.toLane) : x + g.laneWidth, y);
            break;
        case SequenceLayout::ItemKind::Note:
            drawNote(painter, style, metrics, *event.note(), g.left + 4, y, font());
            break;
        }
    }
}

// Zoomed out: one mark per lane and pixel row, no labels, drawn in one batch per kind.
void SequenceDiagram::paintRowMarks(QPainter &painter, const Geometry &g, double top, qsizetype first,
                                    qsizetype last)
{
    const DiagramStyle style(palette());
    const auto &items = m_layout.items();
    painter.setRenderHint(QPainter::Antialiasing, false);
    std::array<QVarLengthArray<QLine, 1024>, SequenceLayout::KindCount> lines;
    int lastArrowPixel = INT_MIN;
    std::vector<int> lastPixelOfLane(m_layout.laneCount() + 1, INT_MIN);
    for (qsizetype row = first; row < last; ++row) {
        const SequenceLayout::Item &item = items[row];
        const int y = int(g.header + row * g.rowHeight - top);
        if (item.kind == SequenceLayout::ItemKind::Packet ||
            item.kind == SequenceLayout::ItemKind::Transfer) {
            if (y == lastArrowPixel)
                continue;
            lastArrowPixel = y;
            const int x1 = item.lane >= 0 ? laneX(g, item.lane) : g.left;
            const int x2 = item.toLane >= 0 ? laneX(g, item.toLane) : g.left;
            lines[int(item.kind)].append(QLine(x1, y, x2, y));
            continue;
        }
        const int laneSlot = item.lane < 0 ? m_layout.laneCount() : item.lane;
        if (lastPixelOfLane[laneSlot] == y)
            continue;
        lastPixelOfLane[laneSlot] = y;
        const int x = item.lane >= 0 ? laneX(g, item.lane) : g.left + 4;
        lines[int(item.kind)].append(QLine(x - 5, y, x + 5, y));
    }
    for (int kind = 0; kind < SequenceLayout::KindCount; ++kind) {
        painter.setPen(style.kindColor(SequenceLayout::ItemKind(kind)));
        painter.drawLines(lines[kind].constData(), int(lines[kind].size()));
    }
}

void SequenceDiagram::paintPacket(QPainter &painter, const Geometry &g, const SequenceLayout::Item &item,
                                  double y, bool detailed)
{
    const DiagramStyle style(palette());
    const PacketInfo &packet = *m_trace->at(item.seq).packet();
    const double x1 = item.lane >= 0 ? laneX(g, item.lane) : g.left;
    const double x2 = item.toLane >= 0 ? laneX(g, item.toLane) : g.left + m_layout.laneCount() * g.laneWidth;
    const DiagramStyle::PacketShape shape = DiagramStyle::shapeOf(packet);
    painter.setPen(style.packetPen(shape));
    painter.drawLine(QPointF(x1, y), QPointF(x2, y));
    style.drawArrowHead(painter, shape, QPointF(x1, y), QPointF(x2, y));
    if (shape == DiagramStyle::PacketShape::Reset) {
        // A reset: a cross at the start of the arrow as well as its dashes.
        painter.drawLine(QPointF(x1 - 5, y - 5), QPointF(x1 + 5, y + 5));
        painter.drawLine(QPointF(x1 - 5, y + 5), QPointF(x1 + 5, y - 5));
    }
    if (!detailed)
        return;
    painter.setPen(style.text);
    const QString label = DiagramStyle::packetLabel(packet);
    const double width = painter.fontMetrics().horizontalAdvance(label);
    const double middle = (x1 + x2) / 2;
    painter.drawText(QPointF(qMax(double(g.left), middle - width / 2), y - 3), label);
}
