#include "engine/callrunner.h"

#include "engine/socketfactory.h"
#include "engine/sockettable.h"
#include "posix/addresspolicy.h"
#include "posix/dropfilter.h"
#include "posix/socketaddress.h"
#include "posix/symbols.h"
#include "scenario/httppage.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
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

quint16 internetChecksum(const QByteArray &bytes)
{
    quint32 sum = 0;
    for (qsizetype i = 0; i + 1 < bytes.size(); i += 2)
        sum += (quint8(bytes.at(i)) << 8) | quint8(bytes.at(i + 1));
    if (bytes.size() % 2)
        sum += quint8(bytes.back()) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return quint16(~sum);
}

// An ICMP echo request: type 8, code 0, checksum, identifier, sequence number, payload.
QByteArray icmpEchoRequest(const QByteArray &payload, quint16 identifier, quint16 sequence)
{
    QByteArray packet(8, '\0');
    packet[0] = char(ICMP_ECHO);
    packet[4] = char(identifier >> 8);
    packet[5] = char(identifier & 0xff);
    packet[6] = char(sequence >> 8);
    packet[7] = char(sequence & 0xff);
    packet += payload;
    const quint16 checksum = internetChecksum(packet);
    packet[2] = char(checksum >> 8);
    packet[3] = char(checksum & 0xff);
    return packet;
}

// What an ICMP socket received, in words. A raw socket gets the IP header in front of the ICMP
// message; a ping socket (SOCK_DGRAM, IPPROTO_ICMP) gets the ICMP message alone.
QString icmpReceived(const QByteArray &data, bool withIpHeader)
{
    const auto byte = [&](qsizetype i) { return i < data.size() ? quint8(data.at(i)) : quint8(0); };
    qsizetype at = 0;
    QString text;
    if (withIpHeader) {
        at = (byte(0) & 0x0f) * 4;
        if ((byte(0) >> 4) != 4 || at < 20 || data.size() < at)
            return QStringLiteral("; not an IPv4 datagram");
        text = QStringLiteral("; an IPv4 header (%1 bytes) first, then").arg(at);
    } else {
        text = QStringLiteral("; the ICMP message alone (no IP header):");
    }
    if (data.size() < at + 8)
        return text + QStringLiteral(" a truncated ICMP header");
    const int type = byte(at);
    const QString word = type == ICMP_ECHOREPLY      ? QStringLiteral("echo-reply")
                         : type == ICMP_ECHO         ? QStringLiteral("echo-request")
                         : type == ICMP_DEST_UNREACH ? QStringLiteral("destination-unreachable")
                                                     : QStringLiteral("type %1").arg(type);
    text += u' ' + word + QStringLiteral(" code %1").arg(byte(at + 1));
    if (type == ICMP_ECHOREPLY || type == ICMP_ECHO)
        text += QStringLiteral(" id=0x%1 seq=%2")
                    .arg(byte(at + 4) << 8 | byte(at + 5), 4, 16, QLatin1Char('0'))
                    .arg(byte(at + 6) << 8 | byte(at + 7));
    return text + QStringLiteral(", %1 data bytes").arg(data.size() - at - 8);
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
    else if (step.args.contains(QStringLiteral("icmp")))
        bytes = step.args.value(QStringLiteral("data")).toString().toUtf8();
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

CallResult performCall(const ScenarioStep &step, CallContext &context)
{
    CallResult result;
    const QString &call = step.call;
    const std::optional<SessionSocket> socket =
        step.socket.isEmpty() ? std::nullopt : context.sockets->find(step.socket);
    const int fd = socket ? socket->fd : -1;
    const int domain = socket ? socket->domain : 0;
    result.fd = fd;
    qint64 started = 0;
    auto enter = [&] {
        if (context.enteringKernel)
            context.enteringKernel();
        started = monotonicNs();
    };
    auto leave = [&](qint64 value) {
        result.durationNs = monotonicNs() - started;
        result.result = value;
        result.error = value < 0 ? errno : 0;
    };

    if (call == QLatin1String("socket")) {
        const int d = symbols::domain(step.args.value(QStringLiteral("domain")).toString()).value_or(-1);
        const int t = symbols::socketType(step.args.value(QStringLiteral("type")).toString()).value_or(-1);
        const int p =
            symbols::protocol(step.args.value(QStringLiteral("protocol"), QStringLiteral("0")).toString())
                .value_or(0);
        enter();
        const int created = context.factory->createSocket(d, t, p);
        result.durationNs = monotonicNs() - started;
        result.result = created >= 0 ? created : -1;
        result.error = created >= 0 ? 0 : -created;
        if (created >= 0) {
            context.sockets->add({step.creates, step.actor, created, created, d, t, p, false});
            result.created = step.creates;
            result.fd = created;
        }
        return result;
    }
    if (call == QLatin1String("bind") || call == QLatin1String("connect")) {
        const SocketAddress address = addressFromArgs(step, domain, context);
        const bool isBind = call == QLatin1String("bind");
        // A blocking connect may wait inside the kernel (SYN retries on a full backlog); the session
        // notices the wait by its length, and a reset wakes it with shutdown().
        enter();
        leave(isBind ? ::bind(fd, address.data(), address.length)
                     : ::connect(fd, address.data(), address.length));
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("listen")) {
        // A stream socket that is not bound to loopback (its bind failed, say) would be bound to
        // every interface by listen(): on the host that is the real network.
        if ((domain == AF_INET || domain == AF_INET6) && socket->type == SOCK_STREAM && fd >= 0) {
            SocketAddress local;
            local.length = sizeof local.storage;
            if (::getsockname(fd, local.data(), &local.length) == 0 &&
                !addresspolicy::isLoopback(local.data(), local.length)) {
                result.refused =
                    QStringLiteral("listen() was not called: the socket is bound to %1, not to a loopback "
                                   "address, so it would take connections from the network")
                        .arg(local.toString());
                return result;
            }
        }
        enter();
        leave(::listen(fd, step.args.value(QStringLiteral("backlog")).toInt()));
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("accept")) {
        if (waitUntilReady(fd, POLLIN, 0, context, result) == Wait::Cancelled) {
            result.cancelled = true;
            return result;
        }
        SocketAddress peer;
        peer.length = sizeof peer.storage;
        enter();
        const int created = ::accept4(fd, peer.data(), &peer.length, SOCK_CLOEXEC);
        leave(created);
        if (created >= 0) {
            context.sockets->add({step.creates, step.actor, created, created, socket->domain, socket->type,
                                  socket->protocol, false});
            result.created = step.creates;
            result.detail = QStringLiteral("from ") + peer.toString(context.unixDirectory);
            fillAddresses(result, created, context);
        }
        return result;
    }
    if (call == QLatin1String("send") || call == QLatin1String("sendto")) {
        QByteArray bytes = payloadOf(step, *context.memory);
        const int flags = flagsOf(step);
        SocketAddress to;
        if (step.args.value(QStringLiteral("reply")).toBool()) {
            to.length = socklen_t(context.memory->lastSenderAddress.size());
            std::memcpy(&to.storage, context.memory->lastSenderAddress.constData(),
                        qMin<size_t>(sizeof to.storage, context.memory->lastSenderAddress.size()));
            result.detail = QStringLiteral("to ") + context.memory->lastSender;
        } else if (step.args.contains(QStringLiteral("address"))) {
            to = addressFromArgs(step, domain, context);
            result.detail = QStringLiteral("to ") + to.toString(context.unixDirectory);
        }
        if (to.isValid() && !addresspolicy::isLoopback(to.data(), to.length)) {
            result.refused =
                QStringLiteral("%1() was not called: %2 is not a loopback address, and nothing a "
                               "scenario sends may leave this machine")
                    .arg(call, to.toString(context.unixDirectory));
            return result;
        }
        if (step.args.contains(QStringLiteral("icmp")))
            bytes = icmpEchoRequest(bytes, 0x5353,
                                    quint16(step.args.value(QStringLiteral("sequence"), 1).toInt()));
        if (waitUntilReady(fd, POLLOUT, flags, context, result) == Wait::Cancelled) {
            result.cancelled = true;
            return result;
        }
        enter();
        // MSG_NOSIGNAL: a write to a closed connection must come back as EPIPE, not end the program.
        const ssize_t sent = to.isValid() ? ::sendto(fd, bytes.constData(), bytes.size(),
                                                     flags | MSG_NOSIGNAL, to.data(), to.length)
                                          : ::send(fd, bytes.constData(), bytes.size(), flags | MSG_NOSIGNAL);
        leave(sent);
        if (sent > 0)
            result.data = bytes.left(sent);
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("recv") || call == QLatin1String("recvfrom")) {
        const int flags = flagsOf(step);
        const int length = step.args.value(QStringLiteral("length"), 1024).toInt();
        if (waitUntilReady(fd, POLLIN, flags, context, result) == Wait::Cancelled) {
            result.cancelled = true;
            return result;
        }
        QByteArray buffer(length, Qt::Uninitialized);
        SocketAddress from;
        from.length = sizeof from.storage;
        enter();
        const ssize_t received =
            call == QLatin1String("recv")
                ? ::recv(fd, buffer.data(), buffer.size(), flags)
                : ::recvfrom(fd, buffer.data(), buffer.size(), flags, from.data(), &from.length);
        leave(received);
        if (received >= 0) {
            result.data = buffer.left(qMin<qsizetype>(received, buffer.size()));
            if (!(flags & MSG_PEEK))
                context.memory->received = result.data;
            if (call == QLatin1String("recvfrom") && from.length > 0) {
                context.memory->lastSender = from.toString(context.unixDirectory);
                context.memory->lastSenderAddress =
                    QByteArray(reinterpret_cast<const char *>(&from.storage), from.length);
                result.detail = QStringLiteral("from ") + context.memory->lastSender;
            }
            if (received == 0 && length > 0)
                result.detail = QStringLiteral("end of stream: the peer closed its side");
            if (received > 0 && socket->protocol == IPPROTO_ICMP && socket->domain == AF_INET) {
                // ICMP has no ports: the 0 the kernel puts in sin_port means nothing.
                if (result.detail.endsWith(QLatin1String(":0")))
                    result.detail.chop(2);
                result.detail += icmpReceived(result.data, socket->type == SOCK_RAW);
            }
        }
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("shutdown")) {
        enter();
        leave(::shutdown(
            fd, symbols::shutdownHow(step.args.value(QStringLiteral("how")).toString()).value_or(SHUT_RDWR)));
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("close")) {
        fillAddresses(result, fd, context);
        enter();
        leave(::close(fd));
        if (fd >= 0)
            context.sockets->markClosed(step.socket);
        return result;
    }
    if (call == QLatin1String("getsockname") || call == QLatin1String("getpeername")) {
        SocketAddress address;
        address.length = sizeof address.storage;
        enter();
        leave(call == QLatin1String("getsockname") ? ::getsockname(fd, address.data(), &address.length)
                                                   : ::getpeername(fd, address.data(), &address.length));
        if (result.result == 0)
            result.detail = address.toString(context.unixDirectory);
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("setsockopt")) {
        const auto option = symbols::socketOption(step.args.value(QStringLiteral("option")).toString());
        const int value = step.args.value(QStringLiteral("value")).toInt();
        enter();
        if (option && option->name == SO_LINGER && option->level == SOL_SOCKET) {
            const linger lingerValue{1, value};
            leave(::setsockopt(fd, option->level, option->name, &lingerValue, sizeof lingerValue));
        } else if (option && option->name == SO_ATTACH_FILTER && option->level == SOL_SOCKET) {
            std::vector<sock_filter> program = dropfilter::program(value);
            const sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
            leave(::setsockopt(fd, option->level, option->name, &filter, sizeof filter));
        } else if (option) {
            leave(::setsockopt(fd, option->level, option->name, &value, sizeof value));
        }
        fillAddresses(result, fd, context);
        return result;
    }
    if (call == QLatin1String("fcntl")) {
        const bool nonBlocking = step.args.value(QStringLiteral("O_NONBLOCK"), true).toBool();
        enter();
        int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0)
            flags = ::fcntl(fd, F_SETFL, nonBlocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
        leave(flags < 0 ? -1 : 0);
        return result;
    }
    if (call == QLatin1String("process")) {
        const QByteArray before = context.memory->received;
        context.memory->received =
            processBytes(step.args.value(QStringLiteral("transform")).toString(), before);
        result.result = context.memory->received.size();
        result.data = context.memory->received;
        return result;
    }
    result.result = -1;
    result.error = ENOSYS;
    return result;
}
