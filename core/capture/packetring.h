#pragma once

#include <QString>

#include <linux/if_packet.h>

#include <cstddef>
#include <memory>

/// One frame as the kernel wrote it into a ring block (TPACKET_V3): a view, valid as long as its
/// block is (the ring's block until released, or a BlockCopy).
struct RingFrame
{
    const char *bytes = nullptr; // from the link-layer header on
    quint32 capturedLength = 0;  // bytes present
    quint32 originalLength = 0;  // bytes on the wire; more than captured when the kernel cut it
    qint64 kernelTimeNs = 0;     // CLOCK_REALTIME
    bool outgoing = false;       // lo's second copy of a frame, as it left
};

/// Calls `visit(const RingFrame &)` for each frame of a block that starts at `block` (a ring block,
/// or a copy of one made while its frames were there).
template <typename Visit> void forEachRingFrame(const char *block, Visit &&visit);

/// The receive ring a packet socket shares with the kernel: blocks that the kernel fills with
/// frames and hands over whole (when full, or when its timeout expires), and that the reader
/// gives back. Mapping it makes every one of its pages resident, so it is kept small; a reader
/// that cannot keep up copies blocks out (BlockCopy) rather than holding them.
class PacketRing
{
public:
    // Holds the largest frame on lo (64 KiB), and is less than what a flood fills in the
    // kernel's block timeout, so that a flood's blocks go over full.
    static constexpr size_t BlockSize = size_t(1) << 17;
    /// Holds a bulk transfer of 100,000 segments cut to their headers (PacketTap::SnapLength)
    /// while the decoder waits for the processor.
    static constexpr size_t DefaultBytes = size_t(48) << 20;

    PacketRing() = default;
    ~PacketRing();
    PacketRing(const PacketRing &) = delete;
    PacketRing &operator=(const PacketRing &) = delete;

    /// Asks the kernel for a ring of `bytes` (rounded to whole blocks, at least two) on `socket`
    /// and maps it. False with `error` set when the kernel refuses.
    bool setUp(int socket, size_t bytes, QString *error);
    /// Unmaps the ring and gives it back to the kernel; the socket may get a new one then.
    void tearDown(int socket);
    size_t bytes() const { return m_blockCount * BlockSize; }

    size_t blockCount() const { return m_blockCount; }
    /// The next block the kernel handed over, in order, or null when it still fills it.
    const char *readyBlock() const;
    /// How many blocks the kernel has handed over and the reader not taken yet, and their bytes.
    size_t readyCount() const;
    size_t readyBytes() const;
    /// Blocks the kernel has handed over since the ring was set up: when this does not grow,
    /// no frame came (a block that is not full is handed over after a millisecond).
    quint64 handedOver() const { return m_taken + readyCount(); }
    /// The bytes of frames in those blocks (headers and frames as the kernel laid them out).
    quint64 handedOverBytes() const { return m_takenBytes + readyBytes(); }
    /// The bytes of the ready block that hold its header and frames.
    static size_t usedBytes(const char *block);
    static unsigned frameCount(const char *block);
    /// Moves on past the ready block, which stays the reader's until giveBack(): another thread
    /// may decode it in place meanwhile.
    const char *take();
    /// Hands a block from take() back to the kernel to fill again.
    static void giveBack(const char *block);
    /// take() and giveBack() at once.
    void release() { giveBack(take()); }

private:
    tpacket_block_desc *blockAt(size_t index) const;

    char *m_map = nullptr;
    size_t m_blockCount = 0;
    size_t m_next = 0;
    quint64 m_taken = 0;
    quint64 m_takenBytes = 0;
    mutable size_t m_knownReady = 0; // blocks from m_next on seen handed over
    mutable size_t m_knownReadyBytes = 0;
};

/// A copy of a ring block, taken so that the block can go back to the kernel at once. Its memory
/// is mapped for it alone, so that the copies a burst needed leave nothing resident afterwards.
class BlockCopy
{
public:
    BlockCopy() = default;
    ~BlockCopy();
    BlockCopy(BlockCopy &&other) noexcept;
    BlockCopy &operator=(BlockCopy &&other) noexcept;
    BlockCopy(const BlockCopy &) = delete;
    BlockCopy &operator=(const BlockCopy &) = delete;

    /// Copies the header and frames of `block` (a PacketRing block). False when no memory could
    /// be had for it; the copy is then empty.
    bool assign(const char *block);
    bool isEmpty() const { return !m_bytes || m_size == 0; }
    const char *data() const { return m_bytes; }
    size_t size() const { return m_size; }

private:
    char *m_bytes = nullptr; // PacketRing::BlockSize bytes, reused by the next assign()
    size_t m_size = 0;
};

template <typename Visit> void forEachRingFrame(const char *block, Visit &&visit)
{
    const auto *header = reinterpret_cast<const tpacket_block_desc *>(block);
    const char *at = block + header->hdr.bh1.offset_to_first_pkt;
    for (quint32 i = 0; i < header->hdr.bh1.num_pkts; ++i) {
        const auto *frame = reinterpret_cast<const tpacket3_hdr *>(at);
        const auto *link = reinterpret_cast<const sockaddr_ll *>(at + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
        visit(RingFrame{at + frame->tp_mac, frame->tp_snaplen, frame->tp_len,
                        qint64(frame->tp_sec) * 1000000000 + frame->tp_nsec,
                        link->sll_pkttype == PACKET_OUTGOING});
        at += frame->tp_next_offset;
    }
}
