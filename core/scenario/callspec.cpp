#include "scenario/callspec.h"

#include "posix/symbols.h"

const ArgSpec *CallSpec::arg(const QString &argName) const
{
    for (const ArgSpec &a : args) {
        if (a.name == argName)
            return &a;
    }
    return nullptr;
}

namespace callspecs {
namespace {

ArgSpec integer(const char *name, bool required, qint64 min, qint64 max, const char *help)
{
    return {QLatin1String(name), ArgSpec::Type::Integer, required, {}, min, max, QLatin1String(help)};
}

ArgSpec choice(const char *name, bool required, const QStringList &choices, const char *help)
{
    return {QLatin1String(name), ArgSpec::Type::Choice, required, choices, 0, 0, QLatin1String(help)};
}

ArgSpec flags(const char *help)
{
    return {QStringLiteral("flags"), ArgSpec::Type::Flags, false, symbols::messageFlagNames(), 0, 0,
            QLatin1String(help)};
}

ArgSpec text(const char *name, const char *help)
{
    return {QLatin1String(name), ArgSpec::Type::Text, false, {}, 0, 0, QLatin1String(help)};
}

ArgSpec boolean(const char *name, const char *help)
{
    return {QLatin1String(name), ArgSpec::Type::Boolean, false, {}, 0, 0, QLatin1String(help)};
}

ArgSpec address(bool required)
{
    return {QStringLiteral("address"),
            ArgSpec::Type::Address,
            required,
            {},
            0,
            0,
            QStringLiteral("loopback IP (127.x.y.z, ::1), Unix path in the session directory, or @abstract")};
}

ArgSpec port(bool required)
{
    return {QStringLiteral("port"), ArgSpec::Type::Port, required, {}, 0, 65535, QStringLiteral("0..65535")};
}

// What a sending call may carry: literal text, hex bytes, the bytes last received, repeated.
QList<ArgSpec> payloadArgs()
{
    return {text("data", "the bytes to send, as text"), text("data_hex", "the bytes to send, as hex digits"),
            boolean("echo", "send the bytes this actor received last (after any process step)"),
            integer("repeat", false, 1, 16 * 1024 * 1024, "send the data this many times over, in one call")};
}

enum class Waits { Never, Maybe };

// A call on an existing socket, the common case.
CallSpec onSocket(Call call, Waits waits, QList<ArgSpec> args, const char *help)
{
    return {call, true, false, waits == Waits::Maybe, true, std::move(args), QLatin1String(help)};
}

ArgSpec receiveLength()
{
    return integer("length", false, 1, 16 * 1024 * 1024, "size of the receive buffer");
}

// Making a socket and a connection, in the order a lesson meets them.
QList<CallSpec> connectionCalls()
{
    const CallSpec socket{
        Call::Socket,
        false,
        true,
        false,
        true,
        {choice("domain", true, symbols::domainNames(), "address family"),
         choice("type", true, symbols::socketTypeNames(), "socket type"),
         choice("protocol", false, symbols::protocolNames(), "protocol, 0 for the default")},
        QStringLiteral("create an endpoint and get its descriptor")};
    const CallSpec accept{Call::Accept,
                          true,
                          true,
                          true,
                          true,
                          {},
                          QStringLiteral("take the next finished connection from the accept queue")};
    return {
        socket,
        onSocket(Call::Bind, Waits::Never, {address(true), port(false)}, "give the socket its local address"),
        onSocket(Call::Listen, Waits::Never,
                 {integer("backlog", true, 0, 4096, "how many finished connections may wait")},
                 "turn the socket into a listener"),
        accept,
        onSocket(Call::Connect, Waits::Maybe, {address(true), port(false)},
                 "connect to a peer (TCP: the three-way handshake)")};
}

// Moving bytes: on a connection, then as datagrams.
QList<CallSpec> dataCalls()
{
    const QList<ArgSpec> sendArgs = payloadArgs() << flags("MSG_* flags");
    const QList<ArgSpec> sendToArgs =
        payloadArgs() << address(false) << port(false)
                      << boolean("reply", "send to the address the last recvfrom came from")
                      << choice("icmp", false, {QStringLiteral("echo-request")}, "build an ICMP echo request")
                      << integer("sequence", false, 0, 65535, "sequence number of the ICMP echo request")
                      << flags("MSG_* flags");
    return {onSocket(Call::Send, Waits::Maybe, sendArgs, "queue bytes for the peer"),
            onSocket(Call::Recv, Waits::Maybe, {receiveLength(), flags("MSG_* flags")},
                     "take bytes from the receive queue"),
            onSocket(Call::SendTo, Waits::Maybe, sendToArgs, "send one datagram to an address"),
            onSocket(Call::RecvFrom, Waits::Maybe, {receiveLength(), flags("MSG_* flags")},
                     "take one datagram and learn who sent it")};
}

// Closing, asking and setting; and the one step that is no system call.
QList<CallSpec> otherCalls()
{
    const CallSpec process{
        Call::Process,
        false,
        false,
        false,
        false,
        {choice("transform", true,
                {QStringLiteral("uppercase"), QStringLiteral("reverse"), QStringLiteral("http-response")},
                "what the program does with the bytes it received")},
        QStringLiteral("work on the received bytes in the program (no system call)")};
    return {onSocket(Call::Shutdown, Waits::Never,
                     {choice("how", true, symbols::shutdownHowNames(), "which direction to close")},
                     "close one or both directions of a connection"),
            onSocket(Call::Close, Waits::Never, {}, "release the descriptor"),
            onSocket(Call::GetSockName, Waits::Never, {}, "ask which local address the socket has"),
            onSocket(Call::GetPeerName, Waits::Never, {}, "ask which peer the socket is connected to"),
            onSocket(Call::SetSockOpt, Waits::Never,
                     {choice("option", true, symbols::socketOptionNames(), "the option"),
                      integer("value", true, 0, 64 * 1024 * 1024, "its value")},
                     "change an option of the socket"),
            onSocket(Call::Fcntl, Waits::Never,
                     {boolean("O_NONBLOCK", "true: calls return EAGAIN instead of waiting")},
                     "set the descriptor's flags"),
            process};
}

QList<CallSpec> makeAll()
{
    return connectionCalls() + dataCalls() + otherCalls();
}

} // namespace

const QList<CallSpec> &all()
{
    static const QList<CallSpec> calls = makeAll();
    return calls;
}

const CallSpec &of(Call call)
{
    for (const CallSpec &spec : all()) {
        if (spec.call == call)
            return spec;
    }
    // makeAll() has a spec for every call: tst_call checks it.
    Q_UNREACHABLE();
}

const CallSpec *find(QStringView name)
{
    const std::optional<Call> call = callFromName(name);
    return call ? &of(*call) : nullptr;
}

QStringList names()
{
    QStringList result;
    for (const CallSpec &spec : all())
        result << spec.name();
    return result;
}

} // namespace callspecs
