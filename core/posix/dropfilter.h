#pragma once

#include <QStringList>

#include <linux/filter.h>

#include <vector>

// A socket filter that throws away arriving packets before the socket sees them: real loss, made
// where the receiver would lose them, so the sender's kernel notices nothing and must retransmit.
// Dropping on the sender's side would not do: its stack is told at once and retries immediately.
// The engine attaches it with SO_ATTACH_FILTER; the code generator prints the same instructions.

namespace dropfilter {

/// The classic BPF program that drops `percent` (0–100) of the packets that reach the socket:
/// everything at 100, a random share in between (the kernel's own random number per packet).
std::vector<sock_filter> program(int percent);

/// The same program as C initialisers, one instruction per line ("BPF_STMT(BPF_RET | BPF_K, 0),").
QStringList cSource(int percent);

} // namespace dropfilter
