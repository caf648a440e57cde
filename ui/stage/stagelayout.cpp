#include "stage/stagelayout.h"

#include "projections/sessionsnapshot.h"
#include "scenario/scenario.h"

#include <QFont>
#include <QFontMetricsF>
#include <QStringList>

StageLayout StageLayout::compute(const SessionSnapshot &snapshot, const Scenario &scenario, const QFont &font,
                                 const QRectF &stage)
{
    StageLayout layout;
    const QFontMetricsF fm(font);
    const qreal line = fm.height();
    const qreal margin = line * 0.6;
    const qreal timingHeight = line * 1.6;
    const qreal kernelHeight = line * 4.8;
    const QRectF area = stage.adjusted(margin, margin, -margin, -margin);
    layout.kernel =
        QRectF(area.left(), area.bottom() - timingHeight - kernelHeight, area.width(), kernelHeight);
    layout.wireY = layout.kernel.top() + line * 1.9;
    const qsizetype count = qMax<qsizetype>(1, snapshot.actors.size());
    const qreal gap = margin * 2;
    const qreal width = (area.width() - gap * qreal(count - 1)) / qreal(count);
    const qreal bottom = layout.kernel.top() - margin;
    for (qsizetype i = 0; i < snapshot.actors.size(); ++i) {
        const SnapshotActor &actor = snapshot.actors.at(i);
        const QRectF box(area.left() + qreal(i) * (width + gap), area.top(), width, bottom - area.top());
        layout.actors.insert(actor.id, box);
        // Cards start below the status words, which wrap when the actor waits.
        const QString status = (actor.blockedStep >= 0 ? QStringLiteral("BLOCKED: ") : QString()) +
                               actorStatus(snapshot, scenario, actor.id);
        const qreal statusHeight = fm.boundingRect(QRectF(0, 0, box.width() - line, line * 10),
                                                   Qt::AlignLeft | Qt::TextWordWrap, status)
                                       .height();
        const qreal top = box.top() + line * 2.0 + qMax(line, statusHeight);
        const qreal cardHeight = line * 4.4;
        const qreal cardGap = margin * 0.7;
        QStringList names;
        for (const SnapshotSocket &socket : snapshot.sockets) {
            // A queued connection that accept() took lives on as the accepted socket's card.
            if (socket.actor == actor.id && socket.acceptedAs.isEmpty())
                names << socket.name;
        }
        // Cards stack; when the box is too short for them (large type on a short screen) they
        // stand side by side in as many columns as it takes.
        const qsizetype rows =
            qMax<qsizetype>(1, qsizetype((box.bottom() - margin - top + cardGap) / (cardHeight + cardGap)));
        const qsizetype columns = qMax<qsizetype>(1, (names.size() + rows - 1) / rows);
        const qreal cardWidth = (box.width() - 2 * margin - margin * qreal(columns - 1)) / qreal(columns);
        for (qsizetype n = 0; n < names.size(); ++n) {
            const qsizetype column = n / rows;
            const qsizetype row = n % rows;
            layout.sockets.insert(names.at(n),
                                  QRectF(box.left() + margin + qreal(column) * (cardWidth + margin),
                                         top + qreal(row) * (cardHeight + cardGap), cardWidth, cardHeight));
        }
    }
    return layout;
}

QString StageLayout::actorStatus(const SessionSnapshot &snapshot, const Scenario &scenario,
                                 const QString &actorId)
{
    const SnapshotActor *actor = snapshot.actor(actorId);
    if (!actor)
        return {};
    if (actor->blockedStep >= 0)
        return QStringLiteral("waits in ") + actor->blockedCall + QStringLiteral("() for ") + actor->waitsFor;
    if (actor->nextStep >= 0)
        return QStringLiteral("next: ") + callName(scenario.steps.at(actor->nextStep).call) +
               QStringLiteral("()");
    return QStringLiteral("done");
}
