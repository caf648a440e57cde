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
        m_lastAppendNs.store(nowNs(), std::memory_order_relaxed);
        (*chunk)[seq & (ChunkSize - 1)] = std::move(event);
        m_size.store(seq + 1, std::memory_order_release);
    }
    m_appended.notify_all();
    Q_EMIT eventAppended(seq);
    return seq;
}

const TraceEvent &Trace::at(qint64 seq) const
{
    Q_ASSERT(seq >= 0 && seq < size());
    const Chunk *chunk = m_chunks[seq >> ChunkBits].load(std::memory_order_acquire);
    return (*chunk)[seq & (ChunkSize - 1)];
}

bool Trace::waitForQuiet(std::chrono::microseconds quiet, std::chrono::microseconds limit)
{
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + limit;
    std::unique_lock lock(m_appendMutex);
    for (;;) {
        if (m_woken) {
            m_woken = false;
            return false;
        }
        const auto now = steady_clock::now();
        const auto sinceLast = nanoseconds(nowNs() - m_lastAppendNs.load(std::memory_order_relaxed));
        if (sinceLast >= quiet)
            return true;
        if (now >= deadline)
            return false;
        const auto quietAt = now + (quiet - sinceLast);
        m_appended.wait_until(lock, std::min(quietAt, deadline));
    }
}

bool Trace::waitForGrowth(qint64 seq, std::chrono::microseconds limit)
{
    std::unique_lock lock(m_appendMutex);
    const bool grew = m_appended.wait_for(lock, limit, [&] { return m_woken || size() > seq; });
    m_woken = false;
    return grew && size() > seq;
}

void Trace::touch()
{
    m_lastAppendNs.store(nowNs(), std::memory_order_relaxed);
    m_appended.notify_all();
}

void Trace::wake()
{
    {
        std::lock_guard lock(m_appendMutex);
        m_woken = true;
    }
    m_appended.notify_all();
}

void Trace::clear()
{
    {
        std::lock_guard lock(m_appendMutex);
        const qint64 n = m_size.load(std::memory_order_relaxed);
        for (qint64 i = 0; i < MaxChunks && (i << ChunkBits) < n; ++i) {
            delete m_chunks[i].load(std::memory_order_relaxed);
            m_chunks[i].store(nullptr, std::memory_order_relaxed);
        }
        m_size.store(0, std::memory_order_release);
        m_lastAppendNs.store(0, std::memory_order_relaxed);
        m_start = std::chrono::steady_clock::now();
        m_woken = false;
    }
    Q_EMIT cleared();
}
