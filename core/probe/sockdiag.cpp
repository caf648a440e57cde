#include "probe/sockdiag.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <type_traits>
#include <vector>

namespace {

// NLMSG_DATA without the macro's C-style cast: the payload that follows a message's header.
const void *messagePayload(const nlmsghdr *header)
{
    return reinterpret_cast<const char *>(header) + NLMSG_HDRLEN;
}

// The TCP states as linux/tcp_states.h numbers them.
constexpr const char *StateNames[] = {"",          "ESTABLISHED", "SYN_SENT", "SYN_RECV",   "FIN_WAIT1",
                                      "FIN_WAIT2", "TIME_WAIT",   "CLOSED",   "CLOSE_WAIT", "LAST_ACK",
                                      "LISTEN",    "CLOSING",     "SYN_RECV"};

QString endpoint(int family, const __be32 *address, quint16 port)
{
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, address, text, sizeof text);
    const QString host = QString::fromLatin1(text);
    return (family == AF_INET6 ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

void appendOp(std::vector<inet_diag_bc_op> &code, quint8 op, quint8 yes, quint16 no)
{
    code.push_back({op, yes, no});
}

// "sport == P1 or dport == P1 or sport == P2 …", laid out as ss does: every condition jumps on
// "no" to the next one, every "yes" leads to a JMP to the end (accept). The kernel's audit wants
// each "no" target on the chain of "yes" jumps, which this layout keeps.
std::vector<inet_diag_bc_op> portFilter(const QList<quint16> &ports)
{
    std::vector<inet_diag_bc_op> code;
    const int conditions = int(ports.size()) * 2;
    const int total = conditions * 8 + (conditions - 1) * 4;
    int at = 0;
    for (int i = 0; i < conditions; ++i) {
        const quint16 port = ports.at(i / 2);
        const quint8 op = i % 2 == 0 ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ;
        const bool last = i == conditions - 1;
        appendOp(code, op, 8, 12);
        appendOp(code, 0, 0, port);
        at += 8;
        if (!last) {
            appendOp(code, INET_DIAG_BC_JMP, 4, quint16(total - at));
            at += 4;
        }
    }
    return code;
}

} // namespace

QString tcpStateName(int state)
{
    if (state > 0 && state < int(std::size(StateNames)))
        return QLatin1String(StateNames[state]);
    return QStringLiteral("STATE_%1").arg(state);
}

SockDiag::SockDiag(int fd)
    : m_fd(fd)
{
}

SockDiag::~SockDiag()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SockDiag::sendRequest(const void *request, size_t length)
{
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    const ssize_t sent =
        ::sendto(m_fd, request, length, 0, reinterpret_cast<sockaddr *>(&kernel), sizeof kernel);
    if (sent != ssize_t(length)) {
        m_lastError = sent < 0 ? errno : EIO;
        return false;
    }
    return true;
}

// Reads the answer to the last request, message by message, until NLMSG_DONE ends a dump or
// `handler` (when it returns a bool) says it has what it asked for. An error ends the answer:
// false, with m_lastError set to the kernel's errno.
template <typename Handler> bool SockDiag::receiveAnswer(Handler &&handler)
{
    alignas(nlmsghdr) char buffer[32768];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_lastError = n < 0 ? errno : EIO;
            return false;
        }
        int remaining = int(n);
        for (auto *header = reinterpret_cast<nlmsghdr *>(buffer); NLMSG_OK(header, remaining);
             header = NLMSG_NEXT(header, remaining)) {
            if (header->nlmsg_seq != m_sequence)
                continue; // the answer to an earlier, abandoned request
            if (header->nlmsg_type == NLMSG_DONE)
                return true;
            if (header->nlmsg_type == NLMSG_ERROR) {
                const auto *error = static_cast<const nlmsgerr *>(messagePayload(header));
                m_lastError = header->nlmsg_len >= NLMSG_LENGTH(sizeof *error) ? -error->error : EIO;
                // Drain to DONE is not needed: an error ends a dump.
                return false;
            }
            if constexpr (std::is_same_v<std::invoke_result_t<Handler, const nlmsghdr *>, bool>) {
                if (handler(header))
                    return true;
            } else {
                handler(header);
            }
        }
    }
}

std::optional<QList<DiagSocket>> SockDiag::tcpSockets(int family, const QList<quint16> &ports)
{
    if (m_fd < 0) {
        m_lastError = EBADF;
        return std::nullopt;
    }
    const std::vector<inet_diag_bc_op> code =
        ports.isEmpty() ? std::vector<inet_diag_bc_op>() : portFilter(ports);
    const size_t codeBytes = code.size() * sizeof(inet_diag_bc_op);
    struct Request
    {
        nlmsghdr header;
        inet_diag_req_v2 body;
    };
    std::vector<char> request(NLMSG_ALIGN(sizeof(Request)) + RTA_SPACE(codeBytes), 0);
    auto *r = reinterpret_cast<Request *>(request.data());
    r->header.nlmsg_len = quint32(codeBytes ? request.size() : sizeof(Request));
    r->header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    r->header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    r->header.nlmsg_seq = ++m_sequence;
    r->body.sdiag_family = quint8(family);
    r->body.sdiag_protocol = IPPROTO_TCP;
    r->body.idiag_states = ~0u;
    if (codeBytes) {
        auto *attribute = reinterpret_cast<rtattr *>(request.data() + NLMSG_ALIGN(sizeof(Request)));
        attribute->rta_type = INET_DIAG_REQ_BYTECODE;
        attribute->rta_len = quint16(RTA_LENGTH(codeBytes));
        std::memcpy(RTA_DATA(attribute), code.data(), codeBytes);
    }
    if (!sendRequest(request.data(), r->header.nlmsg_len))
        return std::nullopt;
    QList<DiagSocket> sockets;
    const bool ok = receiveAnswer([&](const nlmsghdr *header) {
        if (header->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
            header->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg)))
            sockets << fromMessage(messagePayload(header));
    });
    if (!ok)
        return std::nullopt;
    return sockets;
}

DiagSocket SockDiag::fromMessage(const void *data)
{
    const auto *message = static_cast<const inet_diag_msg *>(data);
    DiagSocket socket;
    socket.family = message->idiag_family;
    socket.state = message->idiag_state;
    socket.localPort = ntohs(message->id.idiag_sport);
    socket.peerPort = ntohs(message->id.idiag_dport);
    socket.local = endpoint(socket.family, message->id.idiag_src, socket.localPort);
    socket.peer = endpoint(socket.family, message->id.idiag_dst, socket.peerPort);
    socket.receiveQueue = message->idiag_rqueue;
    socket.sendQueue = message->idiag_wqueue;
    socket.expiresMs = message->idiag_timer != 0 ? int(message->idiag_expires) : -1;
    socket.inode = message->idiag_inode;
    return socket;
}

bool SockDiag::tcpSocket(const QString &local, const QString &peer, std::optional<DiagSocket> *found)
{
    found->reset();
    if (m_fd < 0) {
        m_lastError = EBADF;
        return false;
    }
    struct
    {
        nlmsghdr header;
        inet_diag_req_v2 body;
    } request{};
    // "[::1]:8080" or "127.0.0.1:8080" back into the kernel's form.
    const auto parse = [](const QString &text, int *family, void *address, __be16 *port) {
        const qsizetype colon = text.lastIndexOf(u':');
        QString host = text.left(colon);
        *family = host.startsWith(u'[') ? AF_INET6 : AF_INET;
        if (*family == AF_INET6)
            host = host.mid(1, host.size() - 2);
        *port = htons(text.mid(colon + 1).toUShort());
        return colon > 0 && ::inet_pton(*family, host.toLatin1().constData(), address) == 1;
    };
    int family = 0, peerFamily = 0;
    if (!parse(local, &family, request.body.id.idiag_src, &request.body.id.idiag_sport) ||
        !parse(peer, &peerFamily, request.body.id.idiag_dst, &request.body.id.idiag_dport) ||
        family != peerFamily) {
        m_lastError = EINVAL;
        return false;
    }
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = ++m_sequence;
    request.body.sdiag_family = quint8(family);
    request.body.sdiag_protocol = IPPROTO_TCP;
    request.body.idiag_states = ~0u;
    request.body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    request.body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (!sendRequest(&request, sizeof request))
        return false;
    const bool ok = receiveAnswer([&](const nlmsghdr *header) {
        if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
            header->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
            return false;
        *found = fromMessage(messagePayload(header));
        return true;
    });
    if (ok)
        return true;
    if (m_lastError != ENOENT)
        return false;
    m_lastError = 0; // no such socket: it has left the kernel, which is an answer too
    return true;
}

std::optional<QList<UnixDiagSocket>> SockDiag::unixSockets()
{
    if (m_fd < 0) {
        m_lastError = EBADF;
        return std::nullopt;
    }
    struct
    {
        nlmsghdr header;
        unix_diag_req body;
    } request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++m_sequence;
    request.body.sdiag_family = AF_UNIX;
    request.body.udiag_states = ~0u;
    request.body.udiag_show = UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN;
    if (!sendRequest(&request, sizeof request))
        return std::nullopt;
    QList<UnixDiagSocket> sockets;
    const bool ok = receiveAnswer([&](const nlmsghdr *header) {
        if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
            header->nlmsg_len < NLMSG_LENGTH(sizeof(unix_diag_msg)))
            return;
        const auto *message = static_cast<const unix_diag_msg *>(messagePayload(header));
        UnixDiagSocket socket;
        socket.inode = message->udiag_ino;
        socket.state = message->udiag_state;
        int length = int(header->nlmsg_len - NLMSG_LENGTH(sizeof *message));
        for (auto *attribute = reinterpret_cast<const rtattr *>(message + 1); RTA_OK(attribute, length);
             attribute = RTA_NEXT(attribute, length)) {
            if (attribute->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(attribute) >= sizeof(quint32)) {
                quint32 peer = 0;
                std::memcpy(&peer, RTA_DATA(attribute), sizeof peer);
                socket.peerInode = peer;
            } else if (attribute->rta_type == UNIX_DIAG_RQLEN &&
                       RTA_PAYLOAD(attribute) >= sizeof(unix_diag_rqlen)) {
                unix_diag_rqlen queue{};
                std::memcpy(&queue, RTA_DATA(attribute), sizeof queue);
                socket.receiveQueue = queue.udiag_rqueue;
                socket.sendQueue = queue.udiag_wqueue;
            }
        }
        sockets << socket;
    });
    if (!ok)
        return std::nullopt;
    return sockets;
}
