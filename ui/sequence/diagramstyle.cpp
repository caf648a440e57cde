#include "sequence/diagramstyle.h"

#include "trace/traceevent.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace {
// Okabe–Ito.
const QColor Orange(0xE6, 0x9F, 0x00);
const QColor SkyBlue(0x56, 0xB4, 0xE9);
const QColor BluishGreen(0x00, 0x9E, 0x73);
const QColor Blue(0x00, 0x72, 0xB2);
const QColor Vermillion(0xD5, 0x5E, 0x00);
const QColor ReddishPurple(0xCC, 0x79, 0xA7);

bool isDark(const QColor &colour)
{
    return colour.lightnessF() < 0.5;
}
} // namespace

DiagramStyle::DiagramStyle(const QPalette &palette)
{
    background = palette.color(QPalette::Base);
    text = palette.color(QPalette::Text);
    const bool dark = isDark(background);
    header = dark ? background.lighter(130) : background.darker(106);
    muted = palette.color(QPalette::PlaceholderText);
    lane = dark ? QColor(120, 120, 120) : QColor(170, 170, 170);
    selection = palette.color(QPalette::Highlight);
    selection.setAlpha(70);
    cursor = Vermillion;
    call = dark ? SkyBlue : Blue;
    error = Vermillion;
    errorText = dark ? Vermillion.lighter(130) : Vermillion.darker(120);
    blocked = Orange;
    state = BluishGreen;
    stateFill = BluishGreen;
    stateFill.setAlpha(60);
    transfer = ReddishPurple;
    syn = dark ? SkyBlue : Blue;
    fin = ReddishPurple;
    reset = Vermillion;
    data = BluishGreen;
    ack = dark ? QColor(190, 190, 190) : QColor(90, 90, 90);
    datagram = Orange.darker(dark ? 100 : 115);
}

DiagramStyle::PacketShape DiagramStyle::shapeOf(const PacketInfo &packet)
{
    if (packet.proto != QLatin1String("TCP"))
        return PacketShape::Datagram;
    if (packet.flags.contains(QStringLiteral("RST")))
        return PacketShape::Reset;
    if (packet.flags.contains(QStringLiteral("SYN")))
        return PacketShape::Syn;
    if (packet.flags.contains(QStringLiteral("FIN")))
        return PacketShape::Fin;
    if (packet.len > 0)
        return PacketShape::Data;
    return PacketShape::Ack;
}

QString DiagramStyle::shapeName(PacketShape shape)
{
    switch (shape) {
    case PacketShape::Syn:
        return QStringLiteral("syn");
    case PacketShape::Fin:
        return QStringLiteral("fin");
    case PacketShape::Reset:
        return QStringLiteral("reset");
    case PacketShape::Data:
        return QStringLiteral("data");
    case PacketShape::Ack:
        return QStringLiteral("ack");
    case PacketShape::Datagram:
        return QStringLiteral("datagram");
    }
    return {};
}

QString DiagramStyle::packetLabel(const PacketInfo &packet)
{
    if (packet.proto == QLatin1String("TCP")) {
        QString label = u'[' + packet.flags.join(QStringLiteral(", ")) + QStringLiteral("] seq=") +
                        QString::number(packet.seq);
        if (packet.flags.contains(QStringLiteral("ACK")))
            label += QStringLiteral(" ack=") + QString::number(packet.ack);
        label += QStringLiteral(" len=") + QString::number(packet.len);
        return packet.retransmission ? label + QStringLiteral(" retransmission") : label;
    }
    if (packet.proto.startsWith(QLatin1String("ICMP")))
        return packet.proto + u' ' + packet.flags.join(u' ') + QStringLiteral(" len=") +
               QString::number(packet.len);
    const QString from = packet.src.section(u':', -1);
    const QString to = packet.dst.section(u':', -1);
    return packet.proto + u' ' + from + QStringLiteral(" → ") + to + QStringLiteral(" len=") +
           QString::number(packet.len);
}

QPen DiagramStyle::packetPen(PacketShape shape) const
{
    switch (shape) {
    case PacketShape::Syn:
        return QPen(syn, 2.5);
    case PacketShape::Fin:
        return QPen(fin, 2.0);
    case PacketShape::Reset:
        return QPen(reset, 2.0, Qt::DashLine);
    case PacketShape::Data:
        return QPen(data, 3.0);
    case PacketShape::Ack:
        return QPen(ack, 1.0);
    case PacketShape::Datagram:
        return QPen(datagram, 2.0, Qt::DashDotLine);
    }
    return QPen(text);
}

void DiagramStyle::drawArrowHead(QPainter &painter, PacketShape shape, QPointF from, QPointF to) const
{
    const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
    auto at = [&](double length, double spread) {
        return to - QPointF(std::cos(angle + spread) * length, std::sin(angle + spread) * length);
    };
    const QPointF left = at(11, 0.45);
    const QPointF right = at(11, -0.45);
    QPen pen = packetPen(shape);
    pen.setStyle(Qt::SolidLine);
    painter.setPen(pen);
    switch (shape) {
    case PacketShape::Syn:
        painter.setBrush(background);
        painter.drawPolygon(QPolygonF({to, left, right}));
        break;
    case PacketShape::Data:
    case PacketShape::Datagram:
    case PacketShape::Reset:
        painter.setBrush(pen.color());
        painter.drawPolygon(QPolygonF({to, left, right}));
        break;
    case PacketShape::Fin:
        painter.setBrush(pen.color());
        painter.drawPolygon(QPolygonF({to, left, right}));
        painter.drawLine(at(15, 0.6), at(15, -0.6));
        break;
    case PacketShape::Ack:
        painter.drawLine(to, left);
        painter.drawLine(to, right);
        break;
    }
    painter.setBrush(Qt::NoBrush);
}

QColor DiagramStyle::kindColor(SequenceLayout::ItemKind kind) const
{
    switch (kind) {
    case SequenceLayout::ItemKind::Call:
        return call;
    case SequenceLayout::ItemKind::Blocked:
        return blocked;
    case SequenceLayout::ItemKind::Packet:
        return data;
    case SequenceLayout::ItemKind::State:
        return state;
    case SequenceLayout::ItemKind::Transfer:
        return transfer;
    case SequenceLayout::ItemKind::Note:
        return muted;
    }
    return text;
}
