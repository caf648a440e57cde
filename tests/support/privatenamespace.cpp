#include "privatenamespace.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace testsupport {

bool bringLoopbackUp()
{
    const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (control < 0)
        return false;
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    ::ioctl(control, SIOCGIFFLAGS, &request);
    request.ifr_flags |= IFF_UP;
    const bool up = ::ioctl(control, SIOCSIFFLAGS, &request) == 0;
    ::close(control);
    return up;
}

std::shared_ptr<PrivateNamespaceFactory> PrivateNamespaceFactory::create(Options options)
{
    if (::geteuid() != 0)
        return nullptr;
    int ns = -1;
    // unshare() and setns() act on the calling thread only: a short-lived thread keeps the test's
    // own threads in the host's namespace.
    std::thread([&] {
        if (::unshare(CLONE_NEWNET) != 0 || !bringLoopbackUp())
            return;
        if (options.allowPing) {
            // /proc/sys/net shows the namespace of the thread that opens it: this one's.
            const int range = ::open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
            const bool written = range >= 0 && ::write(range, "0 2147483647", 12) == 12;
            if (range >= 0)
                ::close(range);
            if (!written)
                return;
        }
        ns = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    }).join();
    if (ns < 0)
        return nullptr;
    auto factory = std::make_shared<PrivateNamespaceFactory>();
    factory->m_namespace = ns;
    factory->m_canCapture = options.canCapture;
    return factory;
}

PrivateNamespaceFactory::~PrivateNamespaceFactory()
{
    if (m_namespace >= 0)
        ::close(m_namespace);
}

int PrivateNamespaceFactory::createSocket(int domain, int type, int protocol)
{
    int fd = -EINVAL;
    std::thread([&] {
        if (::setns(m_namespace, CLONE_NEWNET) != 0)
            fd = -errno;
        else if ((fd = ::socket(domain, type | SOCK_CLOEXEC, protocol)) < 0)
            fd = -errno;
    }).join();
    return fd;
}

} // namespace testsupport
