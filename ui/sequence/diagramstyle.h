#pragma once

#include "projections/sequencelayout.h"

#include <QColor>
#include <QPalette>
#include <QPen>

class QPainter;
struct PacketInfo;

/// Colours and shapes of the diagrams, from the widget's palette (so light, dark and
/// high-contrast themes carry over) and the Okabe–Ito palette, which stays distinct for the common
/// colour-vision deficiencies. Nothing is told apart by colour alone: every packet kind has its
/// own line and arrow head, and every label says its flags in words.
struct DiagramStyle
{
    explicit DiagramStyle(const QPalette &palette);

    enum class PacketShape {
        Syn,      // opening a connection: hollow triangle head, thick line
        Fin,      // closing: a head with a bar behind it
        Reset,    // abort: dashed line, a cross at its start
        Data,     // carries payload: filled head, thick line
        Ack,      // acknowledgement only: thin line, open "V" head
        Datagram, // UDP, ICMP: dash-dot line, filled head
    };
    static PacketShape shapeOf(const PacketInfo &packet);
    /// "[SYN, ACK] seq=0 ack=1 len=0", "UDP 9091 → 9090 len=4", "ICMP echo request len=4".
    static QString packetLabel(const PacketInfo &packet);
    static QString shapeName(PacketShape shape);

    QPen packetPen(PacketShape shape) const;
    void drawArrowHead(QPainter &painter, PacketShape shape, QPointF from, QPointF to) const;
    QColor kindColor(SequenceLayout::ItemKind kind) const;

    QColor background;
    QColor header;
    QColor text;
    QColor muted;
    QColor lane;
    QColor selection;
    QColor cursor;
    QColor call;
    QColor error;
    QColor errorText;
    QColor blocked;
    QColor state;
    QColor stateFill;
    QColor transfer;
    QColor syn;
    QColor fin;
    QColor reset;
    QColor data;
    QColor ack;
    QColor datagram;
};
