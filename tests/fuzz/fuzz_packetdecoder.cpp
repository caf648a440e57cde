#include "decode/packetdecoder.h"

#include <cstddef>
#include <cstdint>

// Arbitrary bytes as a captured frame: decoding, the field tree and the summary must stay inside
// the bytes they were given, whatever those bytes claim about their own lengths.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // A copy that owns exactly `size` bytes, so that any read past the end is caught.
    const QByteArray frame(reinterpret_cast<const char *>(data), qsizetype(size));
    std::optional<PacketInfo> packet = packetdecoder::decode(frame);
    if (packet) {
        RelativeSequencer sequencer;
        sequencer.apply(*packet);
        packetdecoder::summarize(*packet);
        if (packet->len < 0 || packet->len > frame.size())
            __builtin_trap();
    }
    const auto check = [&](const auto &self, const QList<DecodedField> &fields) -> void {
        for (const DecodedField &field : fields) {
            if (field.offset < 0 || field.length < 0 || field.offset + field.length > frame.size())
                __builtin_trap();
            self(self, field.children);
        }
    };
    check(check, packetdecoder::fields(frame));
    return 0;
}
