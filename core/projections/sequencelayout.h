#pragma once

#include "trace/traceevent.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <array>
#include <vector>

/// Where each event of a trace sits in the sequence diagram: a lane per actor and per socket, one
/// row per drawn event, packets and transfers as arrows from one lane to another.
///
/// Positions are computed once per event as it is ingested (amortised O(1): a few hash lookups),
/// so a view with 100,000 events only draws the rows it shows. Labels are not stored: a view
/// reads them from the trace for the visible rows.
class SequenceLayout
{
public:
    enum class ItemKind : quint8 { Call, Blocked, Packet, State, Transfer, Note };
    struct Lane
    {
        QString actor;  // empty for sockets the kernel made before anyone held them
        QString socket; // empty for the actor's own lane (calls on no socket, e.g. process)
    };
    struct Item
    {
        qint64 seq = -1;
        qint32 lane = -1;     // -1: unknown, or the whole width (notes)
        qint32 toLane = -1;   // arrows: the receiving lane
        qint32 waitFrom = -1; // a call that waited: the row of its "blocked" item
        ItemKind kind = ItemKind::Call;
    };
    static constexpr int KindCount = 6;

    /// `actors` fixes the order of the lanes (the scenario's actors).
    explicit SequenceLayout(QStringList actors = {});

    void setActors(const QStringList &actors);
    /// Places `event`; events must come in seq order. Queue events take no row.
    void ingest(const TraceEvent &event);
    void clear();

    const std::vector<Item> &items() const { return m_items; }
    qsizetype rowCount() const { return qsizetype(m_items.size()); }
    /// Number of rows whose event is before `cursor` (seq < cursor): the rows shown at that cursor.
    qsizetype rowsBefore(qint64 cursor) const;
    /// The row of the event `seq`, or -1 when it has none.
    qsizetype rowOf(qint64 seq) const;

    int laneCount() const { return int(m_lanes.size()); }
    const Lane &lane(int index) const { return m_lanes.at(index); }
    /// Left-to-right position of a lane (lanes of one actor side by side, actors in order).
    int column(int lane) const { return lane >= 0 && lane < int(m_columns.size()) ? m_columns.at(lane) : -1; }
    /// The lane of a socket by name, or -1.
    int laneOfSocket(const QString &socket) const { return m_laneBySocket.value(socket, -1); }

    /// Items per kind in `binCount` equal slices of rows [0, rows): the overview strip.
    std::vector<std::array<int, KindCount>> density(int binCount, qsizetype rows) const;

private:
    int laneFor(const QString &actor, const QString &socket);
    int laneOfAddress(const QString &local, const QString &peer) const;
    int laneOfLocal(const QString &local, const QString &peer) const;
    void learnAddress(int lane, const QString &local, const QString &peer);
    void resolvePending();
    void updateColumns();

    QStringList m_actors;
    std::vector<Lane> m_lanes;
    std::vector<int> m_columns;
    std::vector<Item> m_items;
    QHash<QString, int> m_laneBySocket;
    QHash<QString, int> m_actorLane;
    QHash<QString, int> m_laneByLocal;      // first socket with that local address (the listener)
    QHash<QString, int> m_laneByPair;       // "local|peer" of connected sockets
    QHash<QString, qsizetype> m_blockedRow; // "actor#step" → row of its blocked item
    struct Unresolved
    {
        qsizetype row;
        QString src;
        QString dst;
        bool handshake;
    };
    static constexpr size_t MaxUnresolved = 256;
    std::vector<Unresolved> m_unresolved; // packet rows with a lane not known yet
};
