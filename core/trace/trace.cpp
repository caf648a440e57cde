#include "trace/trace.h"

#include <QtGlobal>

Trace::Trace(QObject *parent)
    : QObject(parent)
    , m_chunks(new std::atomic<Chunk *>[MaxChunks])
    , m_start(std::chrono::steady_clock::now())
{
    for (qint64 i = 0; i < MaxChunks; ++i)
        m_chunks[i].store(nullptr, std::memory_order_relaxed);
}

Trace::~Trace()
{
    for (qint64 i = 0; i < MaxChunks; ++i)
        delete m_chunks[i].load(std::memory_order_relaxed);
}

qint64 Trace::nowNs() const
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - m_start)
        .count();
}

qint64 Trace::append(TraceEvent event)
{
    qint64 seq;
    {
        std::lock_guard lock(m_appendMutex);
        seq = m_size.load(std::memory_order_relaxed);
        const qint64 chunkIndex = seq >> ChunkBits;
        Q_ASSERT(chunkIndex < MaxChunks);
        Chunk *chunk = m_chunks[chunkIndex].load(std::memory_order_relaxed);
        if (!chunk) {
            chunk = new Chunk;
            m_chunks[chunkIndex].store(chunk, std::memory_order_release);
        }
        event.seq = seq;
        if (event.tNs == 0)
            event.tNs = nowNs();
        (*chunk)[seq & (ChunkSize - 1)] = std::move(event);
        m_size.store(seq + 1, std::memory_order_release);
    }
    Q_EMIT eventAppended(seq);
    return seq;
}

const TraceEvent &Trace::at(qint64 seq) const
{
    Q_ASSERT(seq >= 0 && seq < size());
    const Chunk *chunk = m_chunks[seq >> ChunkBits].load(std::memory_order_acquire);
    return (*chunk)[seq & (ChunkSize - 1)];
}
