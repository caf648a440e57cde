#include "posix/dropfilter.h"

namespace dropfilter {

namespace {

struct Instruction
{
    sock_filter code;
    const char *source;
};

std::vector<Instruction> instructions(int percent)
{
    const auto share = __u32(percent);
    if (percent >= 100)
        return {{BPF_STMT(BPF_RET | BPF_K, 0), "BPF_STMT(BPF_RET | BPF_K, 0), /* keep 0 bytes: drop */"}};
    if (percent <= 0)
        return {{BPF_STMT(BPF_RET | BPF_K, 0xffffffffU),
                 "BPF_STMT(BPF_RET | BPF_K, 0xffffffff), /* keep the whole packet */"}};
    return {
        {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, __u32(SKF_AD_OFF + SKF_AD_RANDOM)),
         "BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_RANDOM), /* a random number */"},
        {BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 100), "BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 100), /* 0..99 */"},
        {BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, share, 0, 1), nullptr},
        {BPF_STMT(BPF_RET | BPF_K, 0xffffffffU), "BPF_STMT(BPF_RET | BPF_K, 0xffffffff), /* keep */"},
        {BPF_STMT(BPF_RET | BPF_K, 0), "BPF_STMT(BPF_RET | BPF_K, 0), /* drop */"},
    };
}

} // namespace

std::vector<sock_filter> program(int percent)
{
    std::vector<sock_filter> result;
    for (const Instruction &instruction : instructions(percent))
        result.push_back(instruction.code);
    return result;
}

QStringList cSource(int percent)
{
    QStringList lines;
    for (const Instruction &instruction : instructions(percent)) {
        lines << (instruction.source ? QString::fromLatin1(instruction.source)
                                     : QStringLiteral("BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, %1, 0, 1), "
                                                      "/* below %1: drop */")
                                           .arg(percent));
    }
    return lines;
}

} // namespace dropfilter
