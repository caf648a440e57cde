#include "stage/stagecard.h"

#include "projections/sessionsnapshot.h"
#include "theme/theme.h"

#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QRectF>

namespace {

QString typeWords(const QString &type, const QString &domain)
{
    QString words;
    if (type == QLatin1String("SOCK_STREAM"))
        words =
            domain == QLatin1String("AF_UNIX") ? QStringLiteral("Unix stream") : QStringLiteral("TCP stream");
    else if (type == QLatin1String("SOCK_DGRAM"))
        words = domain == QLatin1String("AF_UNIX") ? QStringLiteral("Unix datagram")
                                                   : QStringLiteral("UDP datagram");
    else if (type == QLatin1String("SOCK_SEQPACKET"))
        words = QStringLiteral("seqpacket");
    else if (type == QLatin1String("SOCK_RAW"))
        words = QStringLiteral("raw");
    else
        words = type;
    return words;
}

QString queueWords(const SnapshotSocket &socket)
{
    QStringList parts;
    if (socket.acceptQueue >= 0)
        parts << QStringLiteral("accept queue %1/%2").arg(socket.acceptQueue).arg(socket.backlog);
    if (socket.receiveQueue >= 0)
        parts << QStringLiteral("recv-Q %1 B").arg(socket.receiveQueue);
    if (socket.sendQueue >= 0)
        parts << QStringLiteral("send-Q %1 B").arg(socket.sendQueue);
    return parts.isEmpty() ? QStringLiteral("queues not reported") : parts.join(QStringLiteral(" · "));
}

QString nameAndDescriptor(const SnapshotSocket &socket)
{
    return socket.name + QStringLiteral("  fd ") +
           (socket.fd >= 0 ? QString::number(socket.fd) : QStringLiteral("–"));
}

} // namespace

namespace stagecard {

QString title(const SnapshotSocket &socket, const QFontMetricsF &bold, qreal width)
{
    QString whole = nameAndDescriptor(socket) + QStringLiteral("  ") + typeWords(socket.type, socket.domain);
    if (bold.horizontalAdvance(whole) <= width)
        return whole;
    return bold.elidedText(nameAndDescriptor(socket), Qt::ElideRight, width);
}

QStringList lines(const SnapshotSocket &socket)
{
    QStringList lines;
    lines << nameAndDescriptor(socket) + QStringLiteral("  ") + typeWords(socket.type, socket.domain);
    lines << (socket.local.isEmpty() ? QStringLiteral("no local address") : socket.local) +
                 QStringLiteral(" → ") + (socket.peer.isEmpty() ? QStringLiteral("no peer") : socket.peer);
    lines << queueWords(socket);
    QString state = socket.closed ? QStringLiteral("closed by the program") : QString();
    if (!socket.state.isEmpty())
        state = (state.isEmpty() ? QString() : state + QStringLiteral("; ")) + QStringLiteral("kernel: ") +
                socket.state;
    else if (!socket.closed)
        state = QStringLiteral("state not reported");
    lines << state;
    return lines;
}

void paint(QPainter &painter, const Theme &theme, const QFont &font, const SessionSnapshot &snapshot,
           const SnapshotSocket &socket, const QRectF &card, bool selected)
{
    const QFontMetricsF fm(font);
    const qreal line = fm.height();
    QPen border(selected ? theme.accent : theme.socketBorder, selected ? 3 : 1);
    if (socket.closed)
        border.setStyle(Qt::DotLine);
    painter.setPen(border);
    painter.setBrush(theme.socket);
    painter.drawRoundedRect(card, line * 0.25, line * 0.25);

    const QStringList text = lines(socket);
    const qreal x = card.left() + line * 0.4;
    const qreal w = card.width() - line * 0.8;
    // State badge at the top right: the kernel's word for the state, outlined when it changed in
    // the current step (with the state it came from), so the change is told in text.
    const bool changed = socket.stateSeq >= 0 && snapshot.stepEvents.contains(socket.stateSeq);
    QString badge = socket.state.isEmpty() ? QString() : socket.state;
    if (changed && !socket.previousState.isEmpty())
        badge = socket.previousState + QStringLiteral(" → ") + socket.state;
    qreal badgeWidth = 0;
    if (!badge.isEmpty()) {
        badgeWidth = fm.horizontalAdvance(badge) + line * 0.6;
        const QRectF badgeRect(card.right() - badgeWidth - line * 0.3, card.top() + line * 0.2, badgeWidth,
                               line);
        painter.setPen(QPen(changed ? theme.highlight : theme.socketBorder, changed ? 2.5 : 1));
        painter.setBrush(changed ? theme.highlight.lighter(theme.name == QLatin1String("light") ? 170 : 60)
                                 : theme.socket);
        painter.drawRoundedRect(badgeRect, line * 0.5, line * 0.5);
        painter.setPen(theme.text);
        painter.drawText(badgeRect, Qt::AlignCenter, badge);
    }
    QFont bold = font;
    bold.setBold(true);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const qreal top = card.top() + line * (0.2 + qreal(i));
        const qreal width = i == 0 ? w - badgeWidth - line * 0.3 : w;
        painter.setFont(i == 0 ? bold : font);
        painter.setPen(i == 0 ? theme.text : theme.mutedText);
        painter.drawText(QRectF(x, top, width, line), Qt::AlignLeft | Qt::AlignVCenter,
                         i == 0 ? title(socket, QFontMetricsF(bold), width)
                                : fm.elidedText(text.at(i), Qt::ElideRight, width));
    }
    painter.setFont(font);
    // Queue fill: a bar under the queue words, only for figures the kernel reported.
    if (socket.acceptQueue >= 0 && socket.backlog > 0) {
        const QRectF bar(card.right() - line * 4.4, card.top() + line * 2.35, line * 4, line * 0.5);
        painter.setPen(QPen(theme.socketBorder, 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(bar);
        const qreal fill = qMin(1.0, qreal(socket.acceptQueue) / qreal(socket.backlog + 1));
        painter.fillRect(QRectF(bar.left(), bar.top(), bar.width() * fill, bar.height()), theme.queueFill);
    }
    // A call waits on this socket: say so on the card too.
    for (const SnapshotActor &actor : snapshot.actors) {
        if (actor.blockedStep >= 0 && actor.blockedSocket == socket.name) {
            painter.setPen(QPen(theme.blocked, 2, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(card.adjusted(-3, -3, 3, 3), line * 0.3, line * 0.3);
        }
    }
}

} // namespace stagecard
