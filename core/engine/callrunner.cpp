#include "engine/callrunner.h"

#include "engine/icmpecho.h"
#include "engine/socketfactory.h"
#include "engine/sockettable.h"
#include "posix/addresspolicy.h"
#include "posix/dropfilter.h"
#include "posix/socketaddress.h"
#include "posix/symbols.h"
#include "scenario/httppage.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int flagsOf(const ScenarioStep &step)
{
    int flags = 0;
    for (const QString &name : step.args.value(QStringLiteral("flags")).toStringList())
        flags |= symbols::messageFlag(name).value_or(0);
    return flags;
}

bool isNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK);
}

enum class Wait { Ready, Cancelled };

// Waits until `fd` is ready for `events` (or the session is cancelled). Returns at once when the
// descriptor is non-blocking or invalid: then the call itself reports EAGAIN or EBADF, as it would
// in any program.
Wait waitUntilReady(int fd, short events, int callFlags, CallContext &context, CallResult &result)
{
    if (fd < 0 || (callFlags & MSG_DONTWAIT) || isNonBlocking(fd))
        return Wait::Ready;
    pollfd probe{fd, events, 0};
    if (::poll(&probe, 1, 0) > 0)
        return Wait::Ready;
    result.blocked = true;
    if (context.aboutToBlock)
        context.aboutToBlock(fd, events);
    pollfd fds[2] = {{fd, events, 0}, {context.cancelFd, POLLIN, 0}};
    for (;;) {
        const int n = ::poll(fds, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (fds[1].revents & POLLIN)
            return Wait::Cancelled;
        return Wait::Ready;
    }
}

SocketAddress addressFromArgs(const ScenarioStep &step, int domain, const CallContext &context)
{
    return SocketAddress::make(domain, step.args.value(QStringLiteral("address")).toString(),
                               step.args.value(QStringLiteral("port")).toInt(), context.unixDirectory);
}

void fillAddresses(CallResult &result, int fd, const CallContext &context)
{
    if (fd < 0)
        return;
    result.local = localAddressOf(fd, context.unixDirectory);
    result.peer = peerAddressOf(fd, context.unixDirectory);
}

} // namespace

QByteArray payloadOf(const ScenarioStep &step, const ActorMemory &memory)
{
    QByteArray bytes;
    if (step.args.contains(QStringLiteral("data")))
        bytes = step.args.value(QStringLiteral("data")).toString().toUtf8();
    else if (step.args.contains(QStringLiteral("data_hex")))
        bytes = QByteArray::fromHex(step.args.value(QStringLiteral("data_hex")).toString().toLatin1());
    else if (step.args.value(QStringLiteral("echo")).toBool())
        bytes = memory.received;
    // An ICMP echo request without "data" carries no payload.
    const int repeat = step.args.value(QStringLiteral("repeat"), 1).toInt();
    return repeat > 1 ? bytes.repeated(repeat) : bytes;
}

QByteArray processBytes(const QString &transform, const QByteArray &input)
{
    if (transform == QLatin1String("uppercase"))
        return input.toUpper();
    if (transform == QLatin1String("reverse")) {
        QByteArray reversed = input;
        std::reverse(reversed.begin(), reversed.end());
        return reversed;
    }
    if (transform == QLatin1String("http-response")) {
        // The page of scenario/httppage, which the generated programs' http_response() fills alike.
        return httpResponse(input);
    }
    return input;
}

namespace {

// One call on its way through the kernel: the step, the socket it names, and the clock around the
// system call itself.
struct Invocation
{
    const ScenarioStep &step;
    CallContext &context;
    std::optional<SessionSocket> socket;
    int fd = -1;
    int domain = 0;
    CallResult result;
    qint64 started = 0;

    Invocation(const ScenarioStep &s, CallContext &c)
        : step(s)
        , context(c)
        , socket(s.socket.isEmpty() ? std::nullopt : c.sockets->find(s.socket))
        , fd(socket ? socket->fd : -1)
        , domain(socket ? socket->domain : 0)
    {
        result.fd = fd;
    }

    QVariant arg(const QString &name, const QVariant &fallback = {}) const
    {
        return step.args.value(name, fallback);
    }
    void enter()
    {
        if (context.enteringKernel)
            context.enteringKernel();
        started = monotonicNs();
    }
    void leave(qint64 value)
    {
        result.durationNs = monotonicNs() - started;
        result.result = value;
        result.error = value < 0 ? errno : 0;
    }
    // Waits for the socket to become ready; false when the session was cancelled meanwhile.
    bool waitFor(short events, int callFlags)
    {
        if (waitUntilReady(fd, events, callFlags, context, result) == Wait::Ready)
            return true;
        result.cancelled = true;
        return false;
    }
};

// The loopback policy, checked by the engine itself right before the system call, whatever the
// loader let through. An empty string means the call may go ahead.

// A stream socket that is not bound to loopback (its bind failed, say) would be bound to every
// interface by listen(): on the host that is the real network.
QString listenRefusal(const Invocation &call)
{
    if ((call.domain != AF_INET && call.domain != AF_INET6) || call.socket->type != SOCK_STREAM ||
        call.fd < 0)
        return {};
    SocketAddress local;
    local.length = sizeof local.storage;
    if (::getsockname(call.fd, local.data(), &local.length) != 0 ||
        addresspolicy::isLoopback(local.data(), local.length))
        return {};
    return QStringLiteral("listen() was not called: the socket is bound to %1, not to a loopback "
                          "address, so it would take connections from the network")
        .arg(local.toString());
}

QString sendRefusal(Call call, const SocketAddress &to, const CallContext &context)
{
    if (!to.isValid() || addresspolicy::isLoopback(to.data(), to.length))
        return {};
    return QStringLiteral("%1() was not called: %2 is not a loopback address, and nothing a "
                          "scenario sends may leave this machine")
        .arg(callName(call), to.toString(context.unixDirectory));
}

void callSocket(Invocation &call)
{
    const int d = symbols::domain(call.arg(QStringLiteral("domain")).toString()).value_or(-1);
    const int t = symbols::socketType(call.arg(QStringLiteral("type")).toString()).value_or(-1);
    const int p =
        symbols::protocol(call.arg(QStringLiteral("protocol"), QStringLiteral("0")).toString()).value_or(0);
    call.enter();
    // The factory returns the descriptor, or the errno negated: the socket is made in the sandbox.
    const int created = call.context.factory->createSocket(d, t, p);
    call.result.durationNs = monotonicNs() - call.started;
    call.result.result = created >= 0 ? created : -1;
    call.result.error = created >= 0 ? 0 : -created;
    if (created >= 0) {
        call.context.sockets->add({call.step.creates, call.step.actor, created, created, d, t, p, false});
        call.result.created = call.step.creates;
        call.result.fd = created;
    }
}

// A blocking connect may wait inside the kernel (SYN retries on a full backlog); the session notices
// the wait by its length, and a reset wakes it with shutdown().
void callBindOrConnect(Invocation &call)
{
    const SocketAddress address = addressFromArgs(call.step, call.domain, call.context);
    call.enter();
    call.leave(call.step.call == Call::Bind ? ::bind(call.fd, address.data(), address.length)
                                            : ::connect(call.fd, address.data(), address.length));
    fillAddresses(call.result, call.fd, call.context);
}

void callListen(Invocation &call)
{
    call.result.refused = listenRefusal(call);
    if (!call.result.refused.isEmpty())
        return;
    call.enter();
    call.leave(::listen(call.fd, call.arg(QStringLiteral("backlog")).toInt()));
    fillAddresses(call.result, call.fd, call.context);
}

void callAccept(Invocation &call)
{
    if (!call.waitFor(POLLIN, 0))
        return;
    SocketAddress peer;
    peer.length = sizeof peer.storage;
    call.enter();
    const int created = ::accept4(call.fd, peer.data(), &peer.length, SOCK_CLOEXEC);
    call.leave(created);
    if (created < 0)
        return;
    const SessionSocket &listener = *call.socket;
    call.context.sockets->add({call.step.creates, call.step.actor, created, created, listener.domain,
                               listener.type, listener.protocol, false});
    call.result.created = call.step.creates;
    call.result.detail = QStringLiteral("from ") + peer.toString(call.context.unixDirectory);
    fillAddresses(call.result, created, call.context);
}

// Where a sending step goes: the last sender ("reply"), the step's address, or the connected peer
// (an invalid address).
SocketAddress destinationOf(Invocation &call)
{
    SocketAddress to;
    const ActorMemory &memory = *call.context.memory;
    if (call.arg(QStringLiteral("reply")).toBool()) {
        to.length = socklen_t(memory.lastSenderAddress.size());
        std::memcpy(&to.storage, memory.lastSenderAddress.constData(),
                    qMin<size_t>(sizeof to.storage, memory.lastSenderAddress.size()));
        call.result.detail = QStringLiteral("to ") + memory.lastSender;
    } else if (call.step.args.contains(QStringLiteral("address"))) {
        to = addressFromArgs(call.step, call.domain, call.context);
        call.result.detail = QStringLiteral("to ") + to.toString(call.context.unixDirectory);
    }
    return to;
}

// send and sendto: a sendto without an address is a send on a connected socket, as in C.
void callSend(Invocation &call)
{
    QByteArray bytes = payloadOf(call.step, *call.context.memory);
    const int flags = flagsOf(call.step);
    const SocketAddress to = destinationOf(call);
    call.result.refused = sendRefusal(call.step.call, to, call.context);
    if (!call.result.refused.isEmpty())
        return;
    if (call.step.args.contains(QStringLiteral("icmp")))
        bytes =
            icmpecho::echoRequest(bytes, 0x5353, quint16(call.arg(QStringLiteral("sequence"), 1).toInt()));
    if (!call.waitFor(POLLOUT, flags))
        return;
    call.enter();
    // MSG_NOSIGNAL: a write to a closed connection must come back as EPIPE, not end the program.
    const ssize_t sent =
        to.isValid()
            ? ::sendto(call.fd, bytes.constData(), bytes.size(), flags | MSG_NOSIGNAL, to.data(), to.length)
            : ::send(call.fd, bytes.constData(), bytes.size(), flags | MSG_NOSIGNAL);
    call.leave(sent);
    if (sent > 0)
        call.result.data = bytes.left(sent);
    fillAddresses(call.result, call.fd, call.context);
}

// What a receiving call learnt besides its bytes: who sent them, the end of a stream, an ICMP
// message in words.
void describeArrival(Invocation &call, const SocketAddress &from, int length)
{
    ActorMemory &memory = *call.context.memory;
    const qint64 received = call.result.result;
    if (call.step.call == Call::RecvFrom && from.length > 0) {
        memory.lastSender = from.toString(call.context.unixDirectory);
        memory.lastSenderAddress = QByteArray(reinterpret_cast<const char *>(&from.storage), from.length);
        call.result.detail = QStringLiteral("from ") + memory.lastSender;
    }
    if (received == 0 && length > 0)
        call.result.detail = QStringLiteral("end of stream: the peer closed its side");
    if (received > 0 && call.socket->protocol == IPPROTO_ICMP && call.socket->domain == AF_INET) {
        // ICMP has no ports: the 0 the kernel puts in sin_port means nothing.
        if (call.result.detail.endsWith(QLatin1String(":0")))
            call.result.detail.chop(2);
        call.result.detail += icmpecho::describeReceived(call.result.data, call.socket->type == SOCK_RAW);
    }
}

// recv and recvfrom.
void callReceive(Invocation &call)
{
    const int flags = flagsOf(call.step);
    const int length = call.arg(QStringLiteral("length"), 1024).toInt();
    if (!call.waitFor(POLLIN, flags))
        return;
    QByteArray buffer(length, Qt::Uninitialized);
    SocketAddress from;
    from.length = sizeof from.storage;
    call.enter();
    const ssize_t received =
        call.step.call == Call::Recv
            ? ::recv(call.fd, buffer.data(), buffer.size(), flags)
            : ::recvfrom(call.fd, buffer.data(), buffer.size(), flags, from.data(), &from.length);
    call.leave(received);
    if (received >= 0) {
        call.result.data = buffer.left(qMin<qsizetype>(received, buffer.size()));
        if (!(flags & MSG_PEEK))
            call.context.memory->received = call.result.data;
        describeArrival(call, from, length);
    }
    fillAddresses(call.result, call.fd, call.context);
}

void callShutdown(Invocation &call)
{
    const QString how = call.arg(QStringLiteral("how")).toString();
    call.enter();
    call.leave(::shutdown(call.fd, symbols::shutdownHow(how).value_or(SHUT_RDWR)));
    fillAddresses(call.result, call.fd, call.context);
}

void callClose(Invocation &call)
{
    // The addresses first: after close() the descriptor names nothing.
    fillAddresses(call.result, call.fd, call.context);
    call.enter();
    call.leave(::close(call.fd));
    if (call.fd >= 0)
        call.context.sockets->markClosed(call.step.socket);
}

// getsockname and getpeername.
void callAddressQuery(Invocation &call)
{
    SocketAddress address;
    address.length = sizeof address.storage;
    call.enter();
    call.leave(call.step.call == Call::GetSockName ? ::getsockname(call.fd, address.data(), &address.length)
                                                   : ::getpeername(call.fd, address.data(), &address.length));
    if (call.result.result == 0)
        call.result.detail = address.toString(call.context.unixDirectory);
    fillAddresses(call.result, call.fd, call.context);
}

void callSetSockOpt(Invocation &call)
{
    const auto option = symbols::socketOption(call.arg(QStringLiteral("option")).toString());
    const int value = call.arg(QStringLiteral("value")).toInt();
    const int fd = call.fd;
    call.enter();
    if (option && option->name == SO_LINGER && option->level == SOL_SOCKET) {
        const linger lingerValue{1, value};
        call.leave(::setsockopt(fd, option->level, option->name, &lingerValue, sizeof lingerValue));
    } else if (option && option->name == SO_ATTACH_FILTER && option->level == SOL_SOCKET) {
        std::vector<sock_filter> program = dropfilter::program(value);
        const sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
        call.leave(::setsockopt(fd, option->level, option->name, &filter, sizeof filter));
    } else if (option) {
        call.leave(::setsockopt(fd, option->level, option->name, &value, sizeof value));
    }
    fillAddresses(call.result, fd, call.context);
}

void callFcntl(Invocation &call)
{
    const bool nonBlocking = call.arg(QStringLiteral("O_NONBLOCK"), true).toBool();
    call.enter();
    int flags = ::fcntl(call.fd, F_GETFL);
    if (flags >= 0)
        flags = ::fcntl(call.fd, F_SETFL, nonBlocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
    call.leave(flags < 0 ? -1 : 0);
}

// No system call: the program works on the bytes it received last.
void callProcess(Invocation &call)
{
    ActorMemory &memory = *call.context.memory;
    memory.received = processBytes(call.arg(QStringLiteral("transform")).toString(), memory.received);
    call.result.result = memory.received.size();
    call.result.data = memory.received;
}

} // namespace

CallResult performCall(const ScenarioStep &step, CallContext &context)
{
    Invocation call(step, context);
    switch (step.call) {
    case Call::Socket:
        callSocket(call);
        break;
    case Call::Bind:
    case Call::Connect:
        callBindOrConnect(call);
        break;
    case Call::Listen:
        callListen(call);
        break;
    case Call::Accept:
        callAccept(call);
        break;
    case Call::Send:
    case Call::SendTo:
        callSend(call);
        break;
    case Call::Recv:
    case Call::RecvFrom:
        callReceive(call);
        break;
    case Call::Shutdown:
        callShutdown(call);
        break;
    case Call::Close:
        callClose(call);
        break;
    case Call::GetSockName:
    case Call::GetPeerName:
        callAddressQuery(call);
        break;
    case Call::SetSockOpt:
        callSetSockOpt(call);
        break;
    case Call::Fcntl:
        callFcntl(call);
        break;
    case Call::Process:
        callProcess(call);
        break;
    }
    return call.result;
}
