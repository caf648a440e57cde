#include "scenario/stepvalidator.h"

#include "posix/addresspolicy.h"
#include "posix/symbols.h"
#include "scenario/callspec.h"
#include "scenario/jsoncheck.h"

#include <QRegularExpression>

using jsoncheck::fail;
using jsoncheck::typeName;

namespace {

// Whether the call's result carries bytes an expectation can check.
bool movesBytes(Call call)
{
    switch (call) {
    case Call::Send:
    case Call::SendTo:
    case Call::Recv:
    case Call::RecvFrom:
    case Call::Process:
        return true;
    case Call::Socket:
    case Call::Bind:
    case Call::Listen:
    case Call::Accept:
    case Call::Connect:
    case Call::Shutdown:
    case Call::Close:
    case Call::GetSockName:
    case Call::GetPeerName:
    case Call::SetSockOpt:
    case Call::Fcntl:
        return false;
    }
    return false;
}

// JSON numbers are doubles: beyond 2^53 a whole number is no longer exact.
constexpr qint64 LargestExactNumber = qint64(1) << 53;

bool isIcmp(const QString &protocol)
{
    return protocol == QLatin1String("IPPROTO_ICMP") || protocol == QLatin1String("IPPROTO_ICMPV6");
}

QVariant checkArg(const ArgSpec &spec, const QJsonValue &value, const QString &path)
{
    switch (spec.type) {
    case ArgSpec::Type::Integer:
        return jsoncheck::wholeNumber(value, path, spec.minimum, spec.maximum);
    case ArgSpec::Type::Port:
        return jsoncheck::wholeNumber(value, path, spec.minimum, spec.maximum, QStringLiteral("port"));
    case ArgSpec::Type::Text:
    case ArgSpec::Type::Address:
        if (!value.isString())
            fail(path, QStringLiteral("must be a string, not %1").arg(typeName(value)));
        return value.toString();
    case ArgSpec::Type::Choice: {
        if (!(value.isString() || value.isDouble()))
            fail(path, QStringLiteral("must be a string, not %1").arg(typeName(value)));
        // A protocol may be written as the number 0, as in C.
        const QString text = value.isDouble() ? QString::number(jsoncheck::wholeNumber(
                                                    value, path, -LargestExactNumber, LargestExactNumber))
                                              : value.toString();
        if (!spec.choices.contains(text))
            fail(path, QStringLiteral("unknown %1 \"%2\" (expected one of: %3)")
                           .arg(spec.name, text, spec.choices.join(u", ")));
        return text;
    }
    case ArgSpec::Type::Flags: {
        if (!(value.isString() || value.isArray()))
            fail(path, QStringLiteral("must be a flag name or a list of them, not %1").arg(typeName(value)));
        const QJsonArray items = value.isString() ? QJsonArray{value} : value.toArray();
        QStringList list;
        for (const QJsonValue item : items) {
            if (!item.isString())
                fail(
                    path,
                    QStringLiteral("a flag must be a name such as \"MSG_PEEK\", not %1").arg(typeName(item)));
            if (!spec.choices.contains(item.toString()))
                fail(path, QStringLiteral("unknown flag \"%1\" (expected one of: %2)")
                               .arg(item.toString(), spec.choices.join(u", ")));
            list << item.toString();
        }
        return list;
    }
    case ArgSpec::Type::Boolean:
        return jsoncheck::boolean(value, path);
    }
    return {};
}

} // namespace

StepValidator::StepValidator(const Scenario &scenario, const QJsonArray &steps)
    : m_scenario(scenario)
{
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QString created = steps.at(i).toObject().value(QLatin1String("creates")).toString();
        if (!created.isEmpty() && !m_firstCreation.contains(created))
            m_firstCreation.insert(created, i);
    }
}

ScenarioStep StepValidator::validate(const QJsonObject &object, qsizetype index)
{
    const QString path = QStringLiteral("$.steps[%1]").arg(index);
    jsoncheck::rejectUnknownKeys(object,
                                 {QStringLiteral("id"), QStringLiteral("actor"), QStringLiteral("call"),
                                  QStringLiteral("args"), QStringLiteral("socket"), QStringLiteral("creates"),
                                  QStringLiteral("narration"), QStringLiteral("expect")},
                                 path);
    ScenarioStep step;
    step.id = jsoncheck::string(object, QStringLiteral("id"), path, false);
    if (object.contains(QLatin1String("id"))) {
        if (step.id.trimmed().isEmpty())
            fail(path + QStringLiteral(".id"), QStringLiteral("must not be empty"));
        if (m_stepIds.contains(step.id))
            fail(path + QStringLiteral(".id"), QStringLiteral("duplicate step id \"%1\"").arg(step.id));
        m_stepIds.insert(step.id);
    }
    step.actor = jsoncheck::string(object, QStringLiteral("actor"), path, true);
    if (!m_scenario.actor(step.actor))
        fail(path + QStringLiteral(".actor"), QStringLiteral("unknown actor \"%1\"").arg(step.actor));
    const QString callText = jsoncheck::string(object, QStringLiteral("call"), path, true);
    const CallSpec *spec = callspecs::find(callText);
    if (!spec)
        fail(path + QStringLiteral(".call"), QStringLiteral("unknown call \"%1\" (known calls: %2)")
                                                 .arg(callText, callspecs::names().join(u", ")));
    step.call = spec->call;
    step.narration = jsoncheck::string(object, QStringLiteral("narration"), path, false);
    if (!spec->usesSocket && object.contains(QLatin1String("socket")))
        fail(path + QStringLiteral(".socket"),
             QStringLiteral("%1() does not use an existing socket").arg(spec->name()));
    if (!spec->createsSocket && object.contains(QLatin1String("creates")))
        fail(path + QStringLiteral(".creates"),
             QStringLiteral("%1() does not create a socket").arg(spec->name()));
    step.socket = jsoncheck::string(object, QStringLiteral("socket"), path, spec->usesSocket);
    step.creates = jsoncheck::string(object, QStringLiteral("creates"), path, spec->createsSocket);
    if (spec->usesSocket)
        checkSocketUse(step, path);

    step.args = checkArgs(*spec, object.value(QLatin1String("args")), path + QStringLiteral(".args"));
    if (step.call == Call::Socket) {
        checkSocketCall(step, path + QStringLiteral(".args"));
    } else if (spec->usesSocket) {
        const SocketInfo socket = m_sockets.value(step.socket);
        checkAddressing(step, socket, path + QStringLiteral(".args"));
        checkPayload(step, socket, path + QStringLiteral(".args"));
        const QString option = step.args.value(QStringLiteral("option")).toString();
        const bool tcp =
            socket.type == QLatin1String("SOCK_STREAM") && socket.domain != QLatin1String("AF_UNIX");
        if (option.startsWith(QLatin1String("TCP_")) && !tcp)
            fail(path + QStringLiteral(".args.option"),
                 QStringLiteral("%1 applies to TCP sockets only").arg(option));
        if (option == QLatin1String("SO_ATTACH_FILTER") &&
            step.args.value(QStringLiteral("value")).toInt() > 100)
            fail(path + QStringLiteral(".args.value"),
                 QStringLiteral("SO_ATTACH_FILTER takes the share of arriving packets to drop, 0 to 100"));
    }
    step.expect =
        checkExpectation(*spec, object.value(QLatin1String("expect")), path + QStringLiteral(".expect"));
    if (spec->usesSocket)
        checkExposure(step, path);
    if (step.call == Call::Bind && step.expect.errnoName.isEmpty())
        m_sockets[step.socket].bound = true;
    if (spec->createsSocket)
        recordSocket(step, path + QStringLiteral(".creates"));
    // A closed socket keeps its name: using it again is the EBADF lesson, so it stays known.
    if (step.call == Call::Close)
        m_sockets[step.socket].open = false;
    return step;
}

void StepValidator::checkSocketUse(const ScenarioStep &step, const QString &path) const
{
    if (!m_sockets.contains(step.socket)) {
        const auto creation = m_firstCreation.constFind(step.socket);
        if (creation != m_firstCreation.constEnd())
            fail(path + QStringLiteral(".socket"),
                 QStringLiteral("socket \"%1\" is used before it is created (at $.steps[%2])")
                     .arg(step.socket)
                     .arg(*creation));
        fail(path + QStringLiteral(".socket"),
             QStringLiteral("unknown socket \"%1\": no step creates it").arg(step.socket));
    }
    const QString owner = m_sockets.value(step.socket).actor;
    if (owner != step.actor)
        fail(path + QStringLiteral(".socket"),
             QStringLiteral("socket \"%1\" belongs to actor \"%2\"; a descriptor is private to its process")
                 .arg(step.socket, owner));
}

QVariantMap StepValidator::checkArgs(const CallSpec &spec, const QJsonValue &argsValue,
                                     const QString &path) const
{
    if (!argsValue.isUndefined() && !argsValue.isObject())
        fail(path, QStringLiteral("must be an object, not %1").arg(typeName(argsValue)));
    const QJsonObject args = argsValue.toObject();
    QVariantMap result;
    for (auto it = args.begin(); it != args.end(); ++it) {
        const ArgSpec *argSpec = spec.arg(it.key());
        if (!argSpec) {
            QStringList known;
            for (const ArgSpec &a : spec.args)
                known << a.name;
            fail(path + u'.' + it.key(),
                 QStringLiteral("%1() has no argument \"%2\"%3")
                     .arg(spec.name(), it.key(),
                          known.isEmpty() ? QStringLiteral(" (it takes none)")
                                          : QStringLiteral(" (expected: %1)").arg(known.join(u", "))));
        }
        result.insert(it.key(), checkArg(*argSpec, it.value(), path + u'.' + it.key()));
    }
    for (const ArgSpec &argSpec : spec.args) {
        if (argSpec.required && !args.contains(argSpec.name))
            fail(path, QStringLiteral("argument \"%1\" is missing").arg(argSpec.name));
    }
    return result;
}

void StepValidator::checkSocketCall(const ScenarioStep &step, const QString &path) const
{
    const QString domain = step.args.value(QStringLiteral("domain")).toString();
    const QString type = step.args.value(QStringLiteral("type")).toString();
    const QString protocol = step.args.value(QStringLiteral("protocol")).toString();
    if (domain == QLatin1String("AF_UNIX") && (type == QLatin1String("SOCK_RAW") || isIcmp(protocol)))
        fail(path + (isIcmp(protocol) ? QStringLiteral(".protocol") : QStringLiteral(".type")),
             QStringLiteral("AF_UNIX has no %1").arg(isIcmp(protocol) ? protocol : type));
    if (type == QLatin1String("SOCK_RAW") && !isIcmp(protocol))
        fail(path + QStringLiteral(".protocol"),
             QStringLiteral("a raw socket needs protocol IPPROTO_ICMP or IPPROTO_ICMPV6"));
    if (protocol == QLatin1String("IPPROTO_ICMP") && domain == QLatin1String("AF_INET6"))
        fail(path + QStringLiteral(".protocol"),
             QStringLiteral("AF_INET6 uses IPPROTO_ICMPV6, not IPPROTO_ICMP"));
    if (protocol == QLatin1String("IPPROTO_ICMPV6") && domain == QLatin1String("AF_INET"))
        fail(path + QStringLiteral(".protocol"),
             QStringLiteral("AF_INET uses IPPROTO_ICMP, not IPPROTO_ICMPV6"));
}

void StepValidator::checkAddressing(const ScenarioStep &step, const SocketInfo &socket,
                                    const QString &path) const
{
    const bool hasAddress = step.args.contains(QStringLiteral("address"));
    const bool hasPort = step.args.contains(QStringLiteral("port"));
    if (hasAddress) {
        const QString refusal =
            addresspolicy::refusal(socket.domain, step.args.value(QStringLiteral("address")).toString());
        if (!refusal.isEmpty())
            fail(path + QStringLiteral(".address"), refusal);
    }
    if (hasPort && socket.domain == QLatin1String("AF_UNIX"))
        fail(path + QStringLiteral(".port"),
             QStringLiteral("a Unix socket has no ports: its address is a path"));
    if (hasPort && !hasAddress)
        fail(path + QStringLiteral(".port"), QStringLiteral("a port needs an \"address\" beside it"));
    if (step.args.value(QStringLiteral("reply")).toBool() && hasAddress)
        fail(path + QStringLiteral(".reply"),
             QStringLiteral("give either \"reply\": true or an \"address\", not both"));
    // ICMP has no ports: a raw or ping socket is addressed by IP alone.
    const bool inet = socket.domain == QLatin1String("AF_INET") || socket.domain == QLatin1String("AF_INET6");
    const bool needsPort = inet && !isIcmp(socket.protocol) && socket.type != QLatin1String("SOCK_RAW");
    if (hasAddress && needsPort && !hasPort)
        fail(path, QStringLiteral("\"port\" is missing (an %1 address is an IP address and a port)")
                       .arg(socket.domain));
}

// A stream socket the scenario never bound gets its address from listen(): every interface, with a
// port the kernel picks. Without the sandbox that is the host's real network, and whoever connects
// from it would get the lesson's replies.
void StepValidator::checkExposure(const ScenarioStep &step, const QString &path) const
{
    const SocketInfo socket = m_sockets.value(step.socket);
    const bool inet = socket.domain == QLatin1String("AF_INET") || socket.domain == QLatin1String("AF_INET6");
    // listen() on a datagram socket fails with EOPNOTSUPP: a lesson, and it opens nothing.
    const bool canListen =
        socket.type == QLatin1String("SOCK_STREAM") || socket.type == QLatin1String("SOCK_SEQPACKET");
    if (step.call == Call::Listen && inet && canListen && !socket.bound)
        fail(path + QStringLiteral(".socket"),
             QStringLiteral(
                 "listen() on \"%1\", which no earlier step binds, would listen on every interface; "
                 "bind it to a loopback address first")
                 .arg(step.socket));
}

void StepValidator::checkPayload(const ScenarioStep &step, const SocketInfo &socket,
                                 const QString &path) const
{
    if (!sendsData(step.call))
        return;
    const QVariantMap &args = step.args;
    if (args.contains(QStringLiteral("echo")) && !args.value(QStringLiteral("echo")).toBool())
        fail(path + QStringLiteral(".echo"), QStringLiteral("\"echo\": false sends nothing; leave it out"));
    int sources = 0;
    for (const char *key : {"data", "data_hex", "echo"})
        sources += args.contains(QLatin1String(key)) ? 1 : 0;
    const bool icmp = args.contains(QStringLiteral("icmp"));
    if (icmp ? sources > 1 : sources != 1)
        fail(path, QStringLiteral("give exactly one of \"data\", \"data_hex\", \"echo\"%1")
                       .arg(step.call == Call::SendTo ? QStringLiteral(" or \"icmp\"") : QString()));
    if (args.contains(QStringLiteral("data_hex"))) {
        static const QRegularExpression hex(QStringLiteral("^([0-9a-fA-F]{2})*$"));
        if (!hex.match(args.value(QStringLiteral("data_hex")).toString().remove(u' ')).hasMatch())
            fail(path + QStringLiteral(".data_hex"), QStringLiteral("must be pairs of hex digits"));
    }
    if (icmp && !isIcmp(socket.protocol))
        fail(path + QStringLiteral(".icmp"),
             QStringLiteral("an ICMP message needs a socket made with protocol IPPROTO_ICMP"));
    if (args.contains(QStringLiteral("sequence")) && !icmp)
        fail(path + QStringLiteral(".sequence"),
             QStringLiteral("a sequence number belongs to an \"icmp\" echo request"));
}

Expectation StepValidator::checkExpectation(const CallSpec &spec, const QJsonValue &value,
                                            const QString &path) const
{
    Expectation expect;
    if (value.isUndefined())
        return expect;
    if (!value.isObject())
        fail(path, QStringLiteral(
                       "must be an object such as {\"result\": 0} or {\"errno\": \"EADDRINUSE\"}, not %1")
                       .arg(typeName(value)));
    const QJsonObject object = value.toObject();
    jsoncheck::rejectUnknownKeys(object,
                                 {QStringLiteral("result"), QStringLiteral("ok"), QStringLiteral("errno"),
                                  QStringLiteral("data"), QStringLiteral("blocks")},
                                 path);
    if (object.contains(QLatin1String("result")))
        expect.result = jsoncheck::wholeNumber(object.value(QLatin1String("result")),
                                               path + QStringLiteral(".result"), -1, LargestExactNumber);
    if (object.contains(QLatin1String("ok"))) {
        expect.ok = jsoncheck::boolean(object.value(QLatin1String("ok")), path + QStringLiteral(".ok"));
        if (!expect.ok)
            fail(path + QStringLiteral(".ok"),
                 QStringLiteral("\"ok\": false checks nothing; to expect a failure give \"errno\""));
    }
    if (object.contains(QLatin1String("errno"))) {
        const QString name = jsoncheck::string(object, QStringLiteral("errno"), path, true);
        const auto errnoValue = symbols::errnoValue(name);
        if (!errnoValue)
            fail(path + QStringLiteral(".errno"), QStringLiteral("unknown errno name \"%1\"").arg(name));
        // The run compares names: EWOULDBLOCK must match the EAGAIN the kernel reports.
        expect.errnoName = symbols::errnoName(*errnoValue);
    }
    if (object.contains(QLatin1String("data"))) {
        expect.data = jsoncheck::string(object, QStringLiteral("data"), path, false).toUtf8();
        if (!movesBytes(spec.call))
            fail(path + QStringLiteral(".data"),
                 QStringLiteral("%1() moves no bytes, so there is no data to check").arg(spec.name()));
    }
    if (object.contains(QLatin1String("blocks"))) {
        expect.blocks =
            jsoncheck::boolean(object.value(QLatin1String("blocks")), path + QStringLiteral(".blocks"));
        if (!expect.blocks)
            fail(path + QStringLiteral(".blocks"),
                 QStringLiteral("only \"blocks\": true is checked; leave the key out"));
        if (!spec.mayBlock)
            fail(path + QStringLiteral(".blocks"), QStringLiteral("%1() never waits").arg(spec.name()));
    }
    const bool succeeds = (expect.result && *expect.result >= 0) || expect.ok || expect.data;
    if (!expect.errnoName.isEmpty() && succeeds)
        fail(path, QStringLiteral("a call cannot both fail with an errno and succeed"));
    return expect;
}

void StepValidator::recordSocket(const ScenarioStep &step, const QString &path)
{
    if (!jsoncheck::isIdentifier(step.creates))
        fail(path,
             QStringLiteral("\"%1\" is not a valid socket name (lowercase letters, digits, '-' and '_')")
                 .arg(step.creates));
    if (m_sockets.contains(step.creates) && m_sockets.value(step.creates).open)
        fail(path, QStringLiteral("socket \"%1\" already exists and is still open").arg(step.creates));
    SocketInfo info;
    info.actor = step.actor;
    if (step.call == Call::Socket) {
        info.domain = step.args.value(QStringLiteral("domain")).toString();
        info.type = step.args.value(QStringLiteral("type")).toString();
        info.protocol = step.args.value(QStringLiteral("protocol")).toString();
    } else {
        // An accepted socket has the listener's family and type.
        const SocketInfo listener = m_sockets.value(step.socket);
        info.domain = listener.domain;
        info.type = listener.type;
        info.protocol = listener.protocol;
        info.bound = true; // it has the listener's local address
    }
    m_sockets.insert(step.creates, info);
}
