#include "projections/sequencelayout.h"

#include <algorithm>

SequenceLayout::SequenceLayout(QStringList actors)
    : m_actors(std::move(actors))
{
    m_items.reserve(1024);
}

void SequenceLayout::setActors(const QStringList &actors)
{
    m_actors = actors;
    updateColumns();
}

void SequenceLayout::clear()
{
    m_lanes.clear();
    m_columns.clear();
    m_items.clear();
    m_laneBySocket.clear();
    m_actorLane.clear();
    m_laneByLocal.clear();
    m_laneByPair.clear();
    m_blockedRow.clear();
    m_unresolved.clear();
}

int SequenceLayout::laneFor(const QString &actor, const QString &socket)
{
    if (socket.isEmpty()) {
        if (const auto it = m_actorLane.constFind(actor); it != m_actorLane.cend())
            return it.value();
    } else if (const auto it = m_laneBySocket.constFind(socket); it != m_laneBySocket.cend()) {
        Lane &known = m_lanes[it.value()];
        // A socket first seen in a state event (no actor yet) belongs to whoever calls on it.
        if (known.actor.isEmpty() && !actor.isEmpty()) {
            known.actor = actor;
            updateColumns();
        }
        return it.value();
    }
    const int index = int(m_lanes.size());
    QString owner = actor;
    // A socket the kernel made for a listener ("listener:queued 127.0.0.1:40312") sits with it.
    if (owner.isEmpty() && socket.contains(u':')) {
        const int parent = m_laneBySocket.value(socket.section(u':', 0, 0), -1);
        if (parent >= 0)
            owner = m_lanes[parent].actor;
    }
    m_lanes.push_back({owner, socket});
    if (socket.isEmpty())
        m_actorLane.insert(actor, index);
    else
        m_laneBySocket.insert(socket, index);
    updateColumns();
    return index;
}

void SequenceLayout::updateColumns()
{
    std::vector<int> order(m_lanes.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    auto rank = [this](int lane) {
        const qsizetype actor = m_actors.indexOf(m_lanes.at(lane).actor);
        return actor < 0 ? m_actors.size() + (m_lanes.at(lane).actor.isEmpty() ? 1 : 0) : actor;
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return rank(a) < rank(b); });
    m_columns.assign(m_lanes.size(), 0);
    for (size_t position = 0; position < order.size(); ++position)
        m_columns[order[position]] = int(position);
}

int SequenceLayout::laneOfAddress(const QString &local, const QString &peer) const
{
    if (const auto it = m_laneByPair.constFind(local + u'|' + peer); it != m_laneByPair.cend())
        return it.value();
    return m_laneByLocal.value(local, -1);
}

int SequenceLayout::laneOfLocal(const QString &local, const QString &peer) const
{
    const int lane = m_laneByLocal.value(local, -1);
    return lane >= 0 ? lane : laneOfAddress(local, peer);
}

void SequenceLayout::learnAddress(int lane, const QString &local, const QString &peer)
{
    if (local.isEmpty())
        return;
    bool learned = false;
    if (!m_laneByLocal.contains(local)) {
        m_laneByLocal.insert(local, lane);
        learned = true;
    }
    if (!peer.isEmpty() && !m_laneByPair.contains(local + u'|' + peer)) {
        m_laneByPair.insert(local + u'|' + peer, lane);
        learned = true;
    }
    if (learned && !m_unresolved.empty())
        resolvePending();
}

void SequenceLayout::resolvePending()
{
    std::vector<Unresolved> still;
    for (const Unresolved &pending : m_unresolved) {
        Item &item = m_items[pending.row];
        if (item.lane < 0)
            item.lane = pending.handshake ? laneOfLocal(pending.src, pending.dst)
                                          : laneOfAddress(pending.src, pending.dst);
        if (item.toLane < 0)
            item.toLane = pending.handshake ? laneOfLocal(pending.dst, pending.src)
                                            : laneOfAddress(pending.dst, pending.src);
        if (item.lane < 0 || item.toLane < 0)
            still.push_back(pending);
    }
    m_unresolved.swap(still);
}

void SequenceLayout::ingest(const TraceEvent &event)
{
    Item item;
    item.seq = event.seq;
    switch (event.kind()) {
    case TraceEvent::Kind::Call: {
        const CallInfo &call = *event.call();
        const QString socket = call.socket.isEmpty() ? call.created : call.socket;
        item.lane = laneFor(call.actor, socket);
        const QString key = call.actor + u'#' + QString::number(call.step);
        if (call.phase == CallInfo::Phase::Blocked) {
            item.kind = ItemKind::Blocked;
            m_blockedRow.insert(key, rowCount());
        } else {
            item.kind = ItemKind::Call;
            if (const auto it = m_blockedRow.find(key); it != m_blockedRow.end()) {
                item.waitFrom = qint32(it.value());
                m_blockedRow.erase(it);
            }
            if (!call.created.isEmpty() && call.created != socket)
                learnAddress(laneFor(call.actor, call.created), call.local, call.peer);
            else
                learnAddress(item.lane, call.local, call.peer);
        }
        break;
    }
    case TraceEvent::Kind::Packet: {
        const PacketInfo &packet = *event.packet();
        item.kind = ItemKind::Packet;
        // The handshake is the listener's: a SYN reaches it and its kernel answers, before accept()
        // names the connected socket.
        const bool handshake = packet.flags.contains(QStringLiteral("SYN"));
        item.lane = handshake ? laneOfLocal(packet.src, packet.dst) : laneOfAddress(packet.src, packet.dst);
        item.toLane = handshake ? laneOfLocal(packet.dst, packet.src) : laneOfAddress(packet.dst, packet.src);
        // The sending socket may be named only when its call returns (connect): place it then.
        if ((item.lane < 0 || item.toLane < 0) && m_unresolved.size() < MaxUnresolved)
            m_unresolved.push_back({rowCount(), packet.src, packet.dst, handshake});
        break;
    }
    case TraceEvent::Kind::State:
        item.kind = ItemKind::State;
        item.lane = laneFor(QString(), event.state()->socket);
        learnAddress(item.lane, event.state()->local, event.state()->peer);
        break;
    case TraceEvent::Kind::Transfer:
        item.kind = ItemKind::Transfer;
        item.lane = laneFor(QString(), event.transfer()->from);
        item.toLane = laneFor(QString(), event.transfer()->to);
        break;
    case TraceEvent::Kind::Note:
        item.kind = ItemKind::Note;
        break;
    case TraceEvent::Kind::Queue:
        // accept() took a queued connection: from now on its 4-tuple is the accepted socket's.
        if (const QueueInfo *queue = event.queue(); !queue->taken.isEmpty()) {
            const int queued = m_laneBySocket.value(queue->taken, -1);
            const int accepted = m_laneBySocket.value(queue->takenAs, -1);
            if (queued >= 0 && accepted >= 0) {
                for (auto it = m_laneByPair.begin(); it != m_laneByPair.end(); ++it) {
                    if (it.value() == queued)
                        it.value() = accepted;
                }
            }
        }
        return;
    }
    m_items.push_back(item);
}

qsizetype SequenceLayout::rowsBefore(qint64 cursor) const
{
    const auto it = std::lower_bound(m_items.cbegin(), m_items.cend(), cursor,
                                     [](const Item &item, qint64 value) { return item.seq < value; });
    return it - m_items.cbegin();
}

qsizetype SequenceLayout::rowOf(qint64 seq) const
{
    const qsizetype row = rowsBefore(seq);
    return row < rowCount() && m_items[row].seq == seq ? row : -1;
}

std::vector<std::array<int, SequenceLayout::KindCount>> SequenceLayout::density(int binCount,
                                                                                qsizetype rows) const
{
    std::vector<std::array<int, KindCount>> bins(std::max(binCount, 0), std::array<int, KindCount>{});
    rows = std::min(rows, rowCount());
    if (binCount <= 0 || rows <= 0)
        return bins;
    for (qsizetype row = 0; row < rows; ++row) {
        const qsizetype bin = row * binCount / rows;
        ++bins[bin][int(m_items[row].kind)];
    }
    return bins;
}
