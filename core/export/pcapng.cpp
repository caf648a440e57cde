#include "export/pcapng.h"

#include "projections/eventtext.h"
#include "trace/trace.h"

#include <QSaveFile>

#include <cstring>

namespace pcapng {
namespace {

constexpr quint32 SectionHeaderBlock = 0x0A0D0D0A;
constexpr quint32 InterfaceDescriptionBlock = 1;
constexpr quint32 EnhancedPacketBlock = 6;
constexpr quint32 ByteOrderMagic = 0x1A2B3C4D;
constexpr quint16 LinkTypeEthernet = 1;
constexpr quint16 OptionEnd = 0;
constexpr quint16 OptionComment = 1;
constexpr quint16 OptionApplication = 4; // shb_userappl
constexpr quint16 OptionInterfaceName = 2;
constexpr quint16 OptionTimestampResolution = 9;

// Builds one block: its type and length in front, the length again at the end, every field
// padded to 32 bits as the format requires.
class Block
{
public:
    explicit Block(quint32 type)
    {
        add32(type);
        add32(0); // the length, filled in by finish()
    }
    void add16(quint16 value) { append(&value, sizeof value); }
    void add32(quint32 value) { append(&value, sizeof value); }
    void add64(quint64 value) { append(&value, sizeof value); }
    void addPadded(const QByteArray &bytes)
    {
        m_bytes += bytes;
        m_bytes.append((4 - bytes.size() % 4) % 4, '\0');
    }
    void addOption(quint16 code, const QByteArray &value)
    {
        add16(code);
        add16(quint16(value.size()));
        addPadded(value);
    }
    QByteArray finish()
    {
        add16(OptionEnd);
        add16(0);
        const quint32 length = quint32(m_bytes.size() + 4);
        std::memcpy(m_bytes.data() + 4, &length, sizeof length);
        add32(length);
        return m_bytes;
    }

private:
    void append(const void *data, int size) { m_bytes.append(static_cast<const char *>(data), size); }
    QByteArray m_bytes;
};

QByteArray sectionHeader()
{
    Block block(SectionHeaderBlock);
    block.add32(ByteOrderMagic);
    block.add16(1); // version 1.0
    block.add16(0);
    block.add64(~quint64(0)); // section length not given
    block.addOption(OptionApplication, QByteArrayLiteral("SocketScope"));
    return block.finish();
}

QByteArray interfaceDescription()
{
    Block block(InterfaceDescriptionBlock);
    block.add16(LinkTypeEthernet);
    block.add16(0);
    block.add32(0); // no snapshot limit
    block.addOption(OptionInterfaceName, QByteArrayLiteral("lo"));
    block.addOption(OptionTimestampResolution, QByteArray(1, char(9))); // 10^-9 s
    return block.finish();
}

QByteArray enhancedPacket(const Trace &trace, const TraceEvent &event)
{
    const PacketInfo &packet = *event.packet();
    // The kernel's capture time; a packet without one keeps its place on the session's clock.
    const quint64 timestamp = quint64(packet.kernelTimeNs > 0 ? packet.kernelTimeNs : event.tNs);
    Block block(EnhancedPacketBlock);
    block.add32(0); // interface 0
    block.add32(quint32(timestamp >> 32));
    block.add32(quint32(timestamp));
    block.add32(quint32(packet.frame.size()));
    // More than the bytes captured when the tap kept only the headers of a flood's frames, so
    // that a reader sees the frame was cut.
    block.add32(quint32(packet.frameLength()));
    block.addPadded(packet.frame);
    block.addOption(OptionComment, causeComment(trace, event).toUtf8());
    return block.finish();
}

} // namespace

QString causeComment(const Trace &trace, const TraceEvent &packet)
{
    if (packet.cause < 0 || packet.cause >= trace.size())
        return QStringLiteral("before the first step");
    const CallInfo *call = trace.at(packet.cause).call();
    if (!call)
        return QStringLiteral("event %1").arg(packet.cause);
    return QStringLiteral("step %1: %2 %3")
        .arg(call->step + 1)
        .arg(call->actor, eventtext::callSignature(*call));
}

QByteArray encode(const Trace &trace)
{
    QByteArray bytes = sectionHeader() + interfaceDescription();
    const qint64 count = trace.size();
    for (qint64 seq = 0; seq < count; ++seq) {
        const TraceEvent &event = trace.at(seq);
        if (event.packet() && !event.packet()->frame.isEmpty())
            bytes += enhancedPacket(trace, event);
    }
    return bytes;
}

QString write(const Trace &trace, const QString &fileName)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
    file.write(encode(trace));
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
    return {};
}

} // namespace pcapng
