#pragma once

#include <QStringList>

class QFont;
class QFontMetricsF;
class QPainter;
class QRectF;
struct SessionSnapshot;
struct SnapshotSocket;
struct Theme;

/// A socket's card on the stage: its name, descriptor and type, its addresses, its queues (with a
/// bar for the accept queue) and the state the kernel reported, in a badge that shows the change
/// when the current step made one. Everything on it is told in words, never by colour alone.
namespace stagecard {

/// The lines of text on the card, top to bottom, as a reader sees them.
QStringList lines(const SnapshotSocket &socket);

/// The card's first line as it fits in `width` beside the state badge, in the bold font `bold`
/// measures: whole; without the type words (the socket table still has them); elided last.
QString title(const SnapshotSocket &socket, const QFontMetricsF &bold, qreal width);

/// Paints the card of `socket` into `card`; `snapshot` is the world it belongs to (for the current
/// step's changes and the calls that wait on it).
void paint(QPainter &painter, const Theme &theme, const QFont &font, const SessionSnapshot &snapshot,
           const SnapshotSocket &socket, const QRectF &card, bool selected);

} // namespace stagecard
