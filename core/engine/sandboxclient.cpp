#include "engine/sandboxclient.h"

// The message layout is the helper's; it is plain C++ so that both sides share one definition.
#include "engine/sandboxprotocol.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace {

constexpr int HelloTimeoutMs = 10000;

// Receives one message and the descriptor that may travel with it. Returns the message size,
// 0 at the end of the stream, or -errno.
ssize_t receive(int socket, void *data, size_t size, int *fd)
{
    iovec vector{data, size};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t got;
    do {
        got = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return -errno;
    if (fd)
        *fd = -1;
    for (cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
            int received = -1;
            std::memcpy(&received, CMSG_DATA(header), sizeof received);
            if (fd)
                *fd = received;
            else
                ::close(received);
        }
    }
    return got;
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

QString SandboxClient::helperPath()
{
    const QByteArray fromEnvironment = qgetenv("SOCKETSCOPE_SANDBOX");
    if (!fromEnvironment.isEmpty())
        return QString::fromLocal8Bit(fromEnvironment);
    const QString directory =
        QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString();
    return directory + QStringLiteral("/socketscope-sandbox");
}

std::shared_ptr<SandboxClient> SandboxClient::start()
{
    std::shared_ptr<SandboxClient> client(new SandboxClient);
    client->launch();
    return client;
}

void SandboxClient::launch()
{
    const QString path = helperPath();
    if (!QFileInfo(path).isExecutable()) {
        m_error = QStringLiteral("the sandbox helper %1 was not found").arg(path);
        return;
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        m_error = QStringLiteral("socketpair: %1").arg(errnoText(errno));
        return;
    }
    // Everything the child needs is prepared before fork(): between fork() and exec() a child of
    // a multi-threaded program may only make async-signal-safe calls.
    const QByteArray program = QFile::encodeName(path);
    const QByteArray parent = QByteArray::number(qint64(::getpid()));
    const char *argv[] = {"socketscope-sandbox", parent.constData(), nullptr};
    const int childEnd = pair[1];
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (childEnd == sandboxprotocol::ControlFd)
            ::fcntl(childEnd, F_SETFD, 0);
        else
            ::dup2(childEnd, sandboxprotocol::ControlFd);
        ::execv(program.constData(), const_cast<char *const *>(argv));
        ::_exit(127);
    }
    ::close(pair[1]);
    if (pid < 0) {
        m_error = QStringLiteral("fork: %1").arg(errnoText(errno));
        ::close(pair[0]);
        return;
    }
    m_pid = pid;
    m_control = pair[0];

    pollfd wait{m_control, POLLIN, 0};
    int ready;
    do {
        ready = ::poll(&wait, 1, HelloTimeoutMs);
    } while (ready < 0 && errno == EINTR);
    sandboxprotocol::Hello hello;
    const ssize_t got = ready > 0 ? receive(m_control, &hello, sizeof hello, nullptr) : -ETIMEDOUT;
    if (got != ssize_t(sizeof hello)) {
        m_error = got < 0 ? QStringLiteral("the sandbox helper did not answer: %1").arg(errnoText(int(-got)))
                          : QStringLiteral("the sandbox helper could not start");
        return;
    }
    if (hello.error != 0) {
        hello.stage[sizeof hello.stage - 1] = 0;
        m_error = QStringLiteral("%1: %2").arg(QString::fromLatin1(hello.stage), errnoText(hello.error));
        return;
    }
    m_ready = true;
    m_segmentationOff = hello.segmentationOff != 0;
    m_pingAllowed = hello.pingAllowed != 0;
}

SandboxClient::~SandboxClient()
{
    if (m_control >= 0)
        ::close(m_control); // the helper exits on this end of stream
    if (m_pid > 0) {
        // It has nothing to save: do not wait for it to notice.
        ::kill(m_pid, SIGKILL);
        while (::waitpid(m_pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
}

int SandboxClient::request(std::uint32_t op, int domain, int type, int protocol, int *value)
{
    if (!m_ready)
        return -ENETDOWN;
    std::lock_guard lock(m_mutex);
    sandboxprotocol::Request request;
    request.op = sandboxprotocol::Op(op);
    request.domain = domain;
    request.type = type;
    request.protocol = protocol;
    ssize_t sent;
    do {
        sent = ::send(m_control, &request, sizeof request, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != ssize_t(sizeof request))
        return -EPIPE;
    sandboxprotocol::Reply reply;
    int fd = -1;
    const ssize_t got = receive(m_control, &reply, sizeof reply, &fd);
    if (got != ssize_t(sizeof reply)) {
        if (fd >= 0)
            ::close(fd);
        return got < 0 ? int(got) : -EPIPE;
    }
    if (reply.error != 0 || fd < 0) {
        if (fd >= 0)
            ::close(fd);
        return -(reply.error ? reply.error : EPROTO);
    }
    if (value)
        *value = reply.value;
    return fd;
}

int SandboxClient::createSocket(int domain, int type, int protocol)
{
    return request(std::uint32_t(sandboxprotocol::Op::Socket), domain, type, protocol, nullptr);
}

int SandboxClient::createPacketSocket(int *loopbackIndex)
{
    return request(std::uint32_t(sandboxprotocol::Op::PacketSocket), 0, 0, 0, loopbackIndex);
}

int SandboxClient::createDiagSocket()
{
    return request(std::uint32_t(sandboxprotocol::Op::DiagSocket), 0, 0, 0, nullptr);
}

SandboxSocketFactory::SandboxSocketFactory(std::shared_ptr<SandboxClient> client)
    : m_client(std::move(client))
{
}

int SandboxSocketFactory::createSocket(int domain, int type, int protocol)
{
    return m_client->createSocket(domain, type & ~SOCK_CLOEXEC, protocol);
}

QString SandboxSocketFactory::description() const
{
    QString text = QStringLiteral("Sandbox: the sockets live in a private network namespace of their own, "
                                  "so every packet on its loopback belongs to this session and is captured.");
    if (!m_client->segmentationOff())
        text += QStringLiteral(" Segmentation offload could not be turned off: large sends may show as "
                               "one large segment.");
    // Abstract Unix names are per network namespace; paths are shared through the file system.
    return text + QStringLiteral(" Abstract Unix socket names are private to the sandbox; Unix socket "
                                 "paths are ordinary files.");
}
