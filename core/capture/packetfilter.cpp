#include "capture/packetfilter.h"

#include <netinet/in.h>

namespace {

constexpr quint16 EtherIPv4 = 0x0800;
constexpr quint16 EtherIPv6 = 0x86dd;

sock_filter statement(quint16 code, quint32 k)
{
    return sock_filter{code, 0, 0, k};
}

sock_filter jump(quint16 code, quint32 k, quint8 yes, quint8 no)
{
    return sock_filter{code, yes, no, k};
}

} // namespace

namespace packetfilter {

std::vector<sock_filter> allIp()
{
    return {
        statement(BPF_LD | BPF_H | BPF_ABS, 12),
        jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv4, 1, 0),
        jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv6, 0, 1),
        statement(BPF_RET | BPF_K, 0x40000),
        statement(BPF_RET | BPF_K, 0),
    };
}

// Layout: one block per IP version that loads the transport protocol and the two ports, each
// block ending in jumps to the shared "accept" and "drop" at the end.
std::vector<sock_filter> ports(const QList<quint16> &wanted)
{
    // Jumps reach at most 255 instructions ahead: a scenario uses a handful of ports.
    const QList<quint16> ports = wanted.mid(0, 40);
    std::vector<sock_filter> program;
    std::vector<size_t> toAccept;
    std::vector<size_t> toDrop;
    auto acceptIf = [&](quint32 value) {
        toAccept.push_back(program.size());
        program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 0));
    };
    auto matchPorts = [&](quint32 offset, bool indexed) {
        for (const quint32 which : {offset, offset + 2}) {
            program.push_back(statement(BPF_LD | BPF_H | (indexed ? BPF_IND : BPF_ABS), which));
            for (const quint16 port : ports)
                acceptIf(port);
        }
        toDrop.push_back(program.size());
        program.push_back(statement(BPF_JMP | BPF_JA, 0));
    };
    program.push_back(statement(BPF_LD | BPF_H | BPF_ABS, 12));
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv4, 0, 0));
    const size_t toIPv6 = program.size() - 1;

    // IPv4: ICMP always; TCP and UDP by port, first fragments only.
    program.push_back(statement(BPF_LD | BPF_B | BPF_ABS, 23));
    acceptIf(IPPROTO_ICMP);
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0));
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 0));
    toDrop.push_back(program.size() - 1);
    program.push_back(statement(BPF_LD | BPF_H | BPF_ABS, 20));
    program.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 0, 0));
    const size_t fragment = program.size() - 1;
    program.push_back(statement(BPF_LDX | BPF_B | BPF_MSH, 14));
    matchPorts(14, true);
    program[fragment].jt = quint8(program.size() - fragment - 2); // to the drop that ends the block
    program[toIPv6].jf = quint8(program.size() - toIPv6 - 1);

    // IPv6 without extension headers, as the loopback stack sends it.
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, EtherIPv6, 0, 0));
    toDrop.push_back(program.size() - 1);
    program.push_back(statement(BPF_LD | BPF_B | BPF_ABS, 20));
    acceptIf(IPPROTO_ICMPV6);
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0));
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 0));
    toDrop.push_back(program.size() - 1);
    matchPorts(54, false);

    const size_t accept = program.size();
    program.push_back(statement(BPF_RET | BPF_K, 0x40000));
    const size_t drop = program.size();
    program.push_back(statement(BPF_RET | BPF_K, 0));
    for (const size_t at : toAccept)
        program[at].jt = quint8(accept - at - 1);
    for (const size_t at : toDrop) {
        sock_filter &instruction = program[at];
        if (BPF_OP(instruction.code) == BPF_JA)
            instruction.k = quint32(drop - at - 1);
        else
            instruction.jf = quint8(drop - at - 1);
    }
    return program;
}

std::vector<sock_filter> withSnapLength(std::vector<sock_filter> program, quint32 snapLength)
{
    for (sock_filter &instruction : program) {
        if (instruction.code == (BPF_RET | BPF_K) && instruction.k > snapLength)
            instruction.k = snapLength;
    }
    return program;
}

} // namespace packetfilter
