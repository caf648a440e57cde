#pragma once

// The messages between SocketScope and its sandbox helper, over a SOCK_SEQPACKET socket pair
// (one message per request or reply). Plain C++: the helper links no Qt.

#include <cstdint>

namespace sandboxprotocol {

/// The descriptor number of the control socket in the helper.
constexpr int ControlFd = 3;

enum class Op : std::uint32_t {
    Socket = 1,       // socket(domain, type, protocol) inside the namespace
    PacketSocket = 2, // AF_PACKET, SOCK_RAW, protocol 0: receives nothing until bound, so a filter
                      // can be attached first; Reply::value is the index of lo to bind to
    DiagSocket = 3,   // AF_NETLINK, NETLINK_SOCK_DIAG
};

struct Request
{
    Op op = Op::Socket;
    std::int32_t domain = 0;
    std::int32_t type = 0;
    std::int32_t protocol = 0;
};

/// On success the descriptor travels with the reply as SCM_RIGHTS.
struct Reply
{
    std::int32_t error = 0; // errno, 0 on success
    std::int32_t value = 0;
};

/// The first message from the helper: whether the namespace is ready, and if not, why.
struct Hello
{
    std::int32_t error = 0;           // errno of the failed stage, 0 when ready
    std::int32_t pid = 0;             // the helper's pid (join it with nsenter -U -n -t PID)
    std::uint8_t segmentationOff = 0; // TSO and GSO are off on the private lo
    std::uint8_t pingAllowed = 0;     // ping_group_range admits the user
    char stage[64] = {};              // the stage that failed ("unshare", "uid_map", …)
};

} // namespace sandboxprotocol
