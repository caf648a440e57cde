#pragma once

#include <QHash>
#include <QRectF>
#include <QString>

class QFont;
struct Scenario;
struct SessionSnapshot;

/// Where the stage draws things at a cursor: one process box per actor, side by side; each actor's
/// socket cards inside its box, below the words that say what it does; the kernel band with the
/// loopback wire and a line for the timing along the bottom. A function of the snapshot, the font
/// and the stage's size only, so it is laid out again on every step, resize and zoom.
struct StageLayout
{
    QHash<QString, QRectF> actors;  // process boxes, by actor id
    QHash<QString, QRectF> sockets; // socket cards, by socket name
    QRectF kernel;
    qreal wireY = 0;

    static StageLayout compute(const SessionSnapshot &snapshot, const Scenario &scenario, const QFont &font,
                               const QRectF &stage);
    /// What the process box of `actorId` says below its title: what it waits for, its next call, or
    /// that it is done. Empty for an unknown actor.
    static QString actorStatus(const SessionSnapshot &snapshot, const Scenario &scenario,
                               const QString &actorId);
};
