#include "capture/packetring.h"

#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace {

constexpr unsigned FrameSize = 2048; // nominal: version 3 frames take the size they need
// A block that is not full is handed over after this long, so a lone packet is seen within a few
// milliseconds. The kernel hands over whatever the open block holds at each such tick, so with a
// millisecond a flood's blocks went over two thirds full; with four they go over full. (At
// HZ=250 the kernel rounds a millisecond up to four anyway.)
constexpr unsigned BlockTimeoutMs = 4;

} // namespace

PacketRing::~PacketRing()
{
    if (m_map)
        ::munmap(m_map, bytes());
}

bool PacketRing::setUp(int socket, size_t wanted, QString *error)
{
    auto fail = [&](const char *what) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(QLatin1String(what),
                                                  QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    };
    const size_t blocks = std::max<size_t>(2, (wanted + BlockSize - 1) / BlockSize);
    const int version = TPACKET_V3;
    if (::setsockopt(socket, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
        return fail("the packet ring version");
    // Nanosecond kernel timestamps come with every frame of the ring.
    tpacket_req3 ring{};
    ring.tp_block_size = unsigned(BlockSize);
    ring.tp_block_nr = unsigned(blocks);
    ring.tp_frame_size = FrameSize;
    ring.tp_frame_nr = unsigned(BlockSize / FrameSize * blocks);
    ring.tp_retire_blk_tov = BlockTimeoutMs;
    if (::setsockopt(socket, SOL_PACKET, PACKET_RX_RING, &ring, sizeof ring) != 0)
        return fail("the packet ring");
    void *mapped = ::mmap(nullptr, BlockSize * blocks, PROT_READ | PROT_WRITE, MAP_SHARED, socket, 0);
    if (mapped == MAP_FAILED) {
        const int why = errno;
        tearDown(socket);
        errno = why;
        return fail("mapping the packet ring");
    }
    m_map = static_cast<char *>(mapped);
    m_blockCount = blocks;
    m_next = 0;
    m_taken = 0;
    m_takenBytes = 0;
    m_knownReady = 0;
    m_knownReadyBytes = 0;
    return true;
}

void PacketRing::tearDown(int socket)
{
    if (m_map)
        ::munmap(m_map, bytes());
    m_map = nullptr;
    m_blockCount = 0;
    m_next = 0;
    m_knownReady = 0;
    m_knownReadyBytes = 0;
    tpacket_req3 none{};
    ::setsockopt(socket, SOL_PACKET, PACKET_RX_RING, &none, sizeof none);
}

tpacket_block_desc *PacketRing::blockAt(size_t index) const
{
    return reinterpret_cast<tpacket_block_desc *>(m_map + index * BlockSize);
}

const char *PacketRing::readyBlock() const
{
    if (!m_map)
        return nullptr;
    tpacket_block_desc *block = blockAt(m_next);
    if (!(__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
        return nullptr;
    return reinterpret_cast<const char *>(block);
}

// Blocks once seen handed over stay so until taken: only the ones after them are looked at
// again, since each look at a block header is a cache miss on a page of its own.
size_t PacketRing::readyCount() const
{
    while (m_knownReady < m_blockCount) {
        const tpacket_block_desc *block = blockAt((m_next + m_knownReady) % m_blockCount);
        if (!(__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
            break;
        m_knownReadyBytes += usedBytes(reinterpret_cast<const char *>(block));
        ++m_knownReady;
    }
    return m_knownReady;
}

size_t PacketRing::readyBytes() const
{
    readyCount();
    return m_knownReadyBytes;
}

size_t PacketRing::usedBytes(const char *block)
{
    // blk_len counts from the block's start to the end of its last frame.
    const auto *header = reinterpret_cast<const tpacket_block_desc *>(block);
    return std::min<size_t>(header->hdr.bh1.blk_len, BlockSize);
}

unsigned PacketRing::frameCount(const char *block)
{
    return reinterpret_cast<const tpacket_block_desc *>(block)->hdr.bh1.num_pkts;
}

const char *PacketRing::take()
{
    const char *block = reinterpret_cast<const char *>(blockAt(m_next));
    const size_t used = usedBytes(block);
    if (m_knownReady > 0) {
        --m_knownReady;
        m_knownReadyBytes -= used;
    }
    m_takenBytes += used;
    m_next = (m_next + 1) % m_blockCount;
    ++m_taken;
    return block;
}

void PacketRing::giveBack(const char *block)
{
    auto *header = reinterpret_cast<tpacket_block_desc *>(const_cast<char *>(block));
    __atomic_store_n(&header->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}

BlockCopy::~BlockCopy()
{
    if (m_bytes)
        ::munmap(m_bytes, PacketRing::BlockSize);
}

BlockCopy::BlockCopy(BlockCopy &&other) noexcept
    : m_bytes(std::exchange(other.m_bytes, nullptr))
    , m_size(std::exchange(other.m_size, 0))
{
}

BlockCopy &BlockCopy::operator=(BlockCopy &&other) noexcept
{
    if (this != &other) {
        if (m_bytes)
            ::munmap(m_bytes, PacketRing::BlockSize);
        m_bytes = std::exchange(other.m_bytes, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

bool BlockCopy::assign(const char *block)
{
    if (!m_bytes) {
        // Populated at once: one call instead of a page fault per page while the burst runs.
        void *mapped = ::mmap(nullptr, PacketRing::BlockSize, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (mapped == MAP_FAILED) {
            m_size = 0;
            return false;
        }
        m_bytes = static_cast<char *>(mapped);
    }
    m_size = PacketRing::usedBytes(block);
    std::memcpy(m_bytes, block, m_size);
    return true;
}
