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

QList<CallSpec> makeAll()
{
    QList<CallSpec> calls;
    calls << CallSpec{Call::Socket,
                      false,
                      true,
                      false,
                      true,
                      {choice("domain", true, symbols::domainNames(), "address family"),
                       choice("type", true, symbols::socketTypeNames(), "socket type"),
                       choice("protocol", false, symbols::protocolNames(), "protocol, 0 for the default")},
                      QStringLiteral("create an endpoint and get its descriptor")};
    calls << CallSpec{Call::Bind,
                      true,
                      false,
                      false,
                      true,
                      {address(true), port(false)},
                      QStringLiteral("give the socket its local address")};
    calls << CallSpec{Call::Listen,
                      true,
                      false,
                      false,
                      true,
                      {integer("backlog", true, 0, 4096, "how many finished connections may wait")},
                      QStringLiteral("turn the socket into a listener")};
    calls << CallSpec{Call::Accept,
                      true,
                      true,
                      true,
                      true,
                      {},
                      QStringLiteral("take the next finished connection from the accept queue")};
    calls << CallSpec{Call::Connect,
                      true,
                      false,
                      true,
                      true,
                      {address(true), port(false)},
                      QStringLiteral("connect to a peer (TCP: the three-way handshake)")};
    {
        QList<ArgSpec> args = payloadArgs();
        args << flags("MSG_* flags");
        calls << CallSpec{
            Call::Send, true, false, true, true, args, QStringLiteral("queue bytes for the peer")};
    }
    calls << CallSpec{
        Call::Recv,
        true,
        false,
        true,
        true,
        {integer("length", false, 1, 16 * 1024 * 1024, "size of the receive buffer"), flags("MSG_* flags")},
        QStringLiteral("take bytes from the receive queue")};
    {
        QList<ArgSpec> args = payloadArgs();
        args << address(false) << port(false)
             << boolean("reply", "send to the address the last recvfrom came from")
             << choice("icmp", false, {QStringLiteral("echo-request")}, "build an ICMP echo request")
             << integer("sequence", false, 0, 65535, "sequence number of the ICMP echo request")
             << flags("MSG_* flags");
        calls << CallSpec{
            Call::SendTo, true, false, true, true, args, QStringLiteral("send one datagram to an address")};
    }
    calls << CallSpec{
        Call::RecvFrom,
        true,
        false,
        true,
        true,
        {integer("length", false, 1, 16 * 1024 * 1024, "size of the receive buffer"), flags("MSG_* flags")},
        QStringLiteral("take one datagram and learn who sent it")};
    calls << CallSpec{Call::Shutdown,
                      true,
                      false,
                      false,
                      true,
                      {choice("how", true, symbols::shutdownHowNames(), "which direction to close")},
                      QStringLiteral("close one or both directions of a connection")};
    calls << CallSpec{Call::Close, true, false, false, true, {}, QStringLiteral("release the descriptor")};
    calls << CallSpec{Call::GetSockName,
                      true,
                      false,
                      false,
                      true,
                      {},
                      QStringLiteral("ask which local address the socket has")};
    calls << CallSpec{Call::GetPeerName,
                      true,
                      false,
                      false,
                      true,
                      {},
                      QStringLiteral("ask which peer the socket is connected to")};
    calls << CallSpec{Call::SetSockOpt,
                      true,
                      false,
                      false,
                      true,
                      {choice("option", true, symbols::socketOptionNames(), "the option"),
                       integer("value", true, 0, 64 * 1024 * 1024, "its value")},
                      QStringLiteral("change an option of the socket")};
    calls << CallSpec{Call::Fcntl,
                      true,
                      false,
                      false,
                      true,
                      {boolean("O_NONBLOCK", "true: calls return EAGAIN instead of waiting")},
                      QStringLiteral("set the descriptor's flags")};
    calls << CallSpec{
        Call::Process,
        false,
        false,
        false,
        false,
        {choice("transform", true,
                {QStringLiteral("uppercase"), QStringLiteral("reverse"), QStringLiteral("http-response")},
                "what the program does with the bytes it received")},
        QStringLiteral("work on the received bytes in the program (no system call)")};
    return calls;
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
