// socketscope-sandbox: enters a private user + network namespace, prepares its loopback, and
// from then on creates sockets inside it on request, handing each descriptor back to SocketScope
// over the control socket (SCM_RIGHTS). A socket belongs to the namespace it was made in, so the
// app's later calls on it act in the sandbox while the app itself keeps no privilege.
//
// Single-threaded on purpose: unshare(CLONE_NEWUSER) refuses a multi-threaded caller.
// Usage (by SocketScope only): socketscope-sandbox PARENT_PID, control socket on descriptor 3.

#include "engine/sandboxprotocol.h"

#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <string>

namespace {

using namespace sandboxprotocol;

bool writeFile(const char *path, const std::string &text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}

bool fail(Hello &hello, const char *stage)
{
    hello.error = errno ? errno : EINVAL;
    std::snprintf(hello.stage, sizeof hello.stage, "%s", stage);
    return false;
}

// The user becomes root of a new user namespace that owns a new network namespace: enough to
// configure that namespace, and nothing outside it.
bool enterNamespace(Hello &hello)
{
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
        return fail(hello, "unshare");
    // Without "deny", an unprivileged writer may not map a group.
    if (!writeFile("/proc/self/setgroups", "deny") && errno != ENOENT)
        return fail(hello, "setgroups");
    if (!writeFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"))
        return fail(hello, "uid_map");
    if (!writeFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
        return fail(hello, "gid_map");
    return true;
}

bool bringLoopbackUp(Hello &hello, int control)
{
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(control, SIOCGIFFLAGS, &request) != 0)
        return fail(hello, "lo flags");
    request.ifr_flags = short(request.ifr_flags | IFF_UP);
    if (::ioctl(control, SIOCSIFFLAGS, &request) != 0)
        return fail(hello, "lo up");
    return true;
}

// Without segmentation offload a segment leaves at its real MSS, so a capture shows what a real
// network card would have sent instead of one 64 KiB super-packet.
bool turnOffSegmentationOffload(int control)
{
    bool ok = true;
    for (const std::uint32_t command : {std::uint32_t(ETHTOOL_STSO), std::uint32_t(ETHTOOL_SGSO)}) {
        ethtool_value value{};
        value.cmd = command;
        value.data = 0;
        ifreq request{};
        std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
        request.ifr_data = reinterpret_cast<char *>(&value);
        ok = ::ioctl(control, SIOCETHTOOL, &request) == 0 && ok;
    }
    return ok;
}

// Ping sockets (SOCK_DGRAM + IPPROTO_ICMP) are allowed for the groups in this range. The whole
// range needs every group mapped; the user's own group (0 inside) is what matters.
bool allowPingSockets()
{
    return writeFile("/proc/sys/net/ipv4/ping_group_range", "0 2147483647") ||
           writeFile("/proc/sys/net/ipv4/ping_group_range", "0 0");
}

bool sendMessage(const void *data, size_t size, int fd)
{
    iovec vector{const_cast<void *>(data), size};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    }
    for (;;) {
        if (::sendmsg(ControlFd, &message, MSG_NOSIGNAL) == ssize_t(size))
            return true;
        if (errno != EINTR)
            return false;
    }
}

int createSocket(const Request &request, Reply &reply)
{
    int fd = -1;
    switch (request.op) {
    case Op::Socket:
        fd = ::socket(request.domain, request.type | SOCK_CLOEXEC, request.protocol);
        break;
    case Op::PacketSocket:
        // Protocol 0: no frame is queued before the client has attached its filter and bound.
        fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        reply.value = int(::if_nametoindex("lo"));
        break;
    case Op::DiagSocket:
        fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        break;
    default:
        errno = EOPNOTSUPP;
    }
    reply.error = fd < 0 ? errno : 0;
    return fd;
}

void serve()
{
    for (;;) {
        Request request;
        const ssize_t got = ::recv(ControlFd, &request, sizeof request, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return; // the app closed its end or died: so does the sandbox
        Reply reply;
        int fd = -1;
        if (got != ssize_t(sizeof request))
            reply.error = EPROTO;
        else
            fd = createSocket(request, reply);
        const bool sent = sendMessage(&reply, sizeof reply, fd);
        if (fd >= 0)
            ::close(fd);
        if (!sent)
            return;
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // Die with the app even when it is killed outright. The parent may already be gone by now:
    // then the control socket is at EOF too, but leave at once.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (argc < 2 || ::getppid() != pid_t(std::atol(argv[1]))) {
        std::fprintf(stderr, "socketscope-sandbox: started by SocketScope only\n");
        return 2;
    }
    // Nothing but the control socket is ours to keep.
    ::syscall(SYS_close_range, ControlFd + 1, ~0U, 0);
    std::signal(SIGPIPE, SIG_IGN);

    Hello hello;
    hello.pid = ::getpid();
    bool ready = enterNamespace(hello);
    if (ready) {
        const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ready = control >= 0 ? bringLoopbackUp(hello, control) : fail(hello, "control socket");
        if (ready)
            hello.segmentationOff = turnOffSegmentationOffload(control) ? 1 : 0;
        if (control >= 0)
            ::close(control);
    }
    if (ready)
        hello.pingAllowed = allowPingSockets() ? 1 : 0;
    if (!sendMessage(&hello, sizeof hello, -1) || !ready)
        return ready ? 1 : 0;
    serve();
    return 0;
}
