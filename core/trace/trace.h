#pragma once

#include "trace/traceevent.h"

#include <QObject>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

/// The append-only event log of one session: the single source of truth for every view.
///
/// Any thread may append; appends are serialised and numbered. Readers on any thread see a
/// consistent prefix without taking a lock: events live in fixed chunks that never move, and the
/// count is published only after an event is complete. "Now" is not the trace's: a Player holds it.
class Trace : public QObject
{
    Q_OBJECT
public:
    explicit Trace(QObject *parent = nullptr);
    ~Trace() override;

    /// Appends `event`, stamping its seq and (when zero) its time. Returns the seq. Thread-safe.
    qint64 append(TraceEvent event);

    /// Number of events published so far. Thread-safe.
    qint64 size() const { return m_size.load(std::memory_order_acquire); }
    /// The event with sequence number `seq` (0 <= seq < size()). Thread-safe.
    const TraceEvent &at(qint64 seq) const;

    /// Nanoseconds since the trace was started (steady clock).
    qint64 nowNs() const;

Q_SIGNALS:
    /// Emitted from the appending thread; connect queued to reach another thread.
    void eventAppended(qint64 seq);

private:
    static constexpr int ChunkBits = 12;
    static constexpr qint64 ChunkSize = qint64(1) << ChunkBits;
    static constexpr qint64 MaxChunks = 1 << 14; // 67 million events
    using Chunk = std::array<TraceEvent, ChunkSize>;

    std::unique_ptr<std::atomic<Chunk *>[]> m_chunks;
    std::atomic<qint64> m_size{0};
    std::chrono::steady_clock::time_point m_start;

    std::mutex m_appendMutex;
};
