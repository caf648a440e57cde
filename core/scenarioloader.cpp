#include "scenarioloader.h"

#include "callspec.h"
#include "symbols.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

#include <arpa/inet.h>

QString ScenarioError::toString() const
{
    QString where = file;
    if (line > 0)
        where += u':' + QString::number(line) + u':' + QString::number(column);
    if (!path.isEmpty())
        where += QStringLiteral(": at ") + path;
    return where + QStringLiteral(": ") + reason;
}

namespace ScenarioLoader {
namespace {

const QStringList Levels = {QStringLiteral("first steps"), QStringLiteral("intermediate"),
                            QStringLiteral("advanced")};

// Thrown inside the validator only; parse() turns it into a ScenarioError.
struct Failure
{
    QString path;
    QString reason;
};

[[noreturn]] void fail(const QString &path, const QString &reason)
{
    throw Failure{path, reason};
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

QString requireString(const QJsonObject &object, const QString &key, const QString &path, bool required)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        if (required)
            fail(path, QStringLiteral("\"%1\" is missing").arg(key));
        return {};
    }
    if (!value.isString())
        fail(path + u'.' + key, QStringLiteral("must be a string, not %1").arg(typeName(value)));
    if (required && value.toString().trimmed().isEmpty())
        fail(path + u'.' + key, QStringLiteral("must not be empty"));
    return value.toString();
}

void rejectUnknownKeys(const QJsonObject &object, const QStringList &known, const QString &path)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            fail(path + u'.' + it.key(),
                 QStringLiteral("unknown key \"%1\" (expected one of: %2)").arg(it.key(), known.join(u", ")));
    }
}

bool isIdentifier(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_-]{0,39}$"));
    return pattern.match(text).hasMatch();
}

struct SocketInfo
{
    QString actor;
    QString domain;
    QString type;
    bool open = true;
};

// Addresses are loopback only: nothing a scenario does may leave this machine.
void checkAddress(const QString &address, const QString &domain, const QString &path)
{
    if (domain == QLatin1String("AF_UNIX")) {
        if (address.startsWith(u'@')) {
            if (address.size() < 2 || address.size() > 100)
                fail(path, QStringLiteral("an abstract Unix name needs 1 to 99 characters after '@'"));
            return;
        }
        if (address.isEmpty())
            fail(path, QStringLiteral("a Unix socket path must not be empty"));
        if (address.startsWith(u'/'))
            fail(path, QStringLiteral("Unix path \"%1\" is absolute; use a name relative to the session's own "
                                      "directory (\"echo.sock\") or an abstract name (\"@echo\")")
                           .arg(address));
        if (address.split(u'/').contains(QStringLiteral("..")))
            fail(path, QStringLiteral("Unix path \"%1\" leaves the session's own directory").arg(address));
        if (address.size() > 60)
            fail(path, QStringLiteral("Unix path \"%1\" is longer than 60 characters").arg(address));
        return;
    }
    const QByteArray text = address.toLatin1();
    if (domain == QLatin1String("AF_INET")) {
        in_addr v4{};
        if (inet_pton(AF_INET, text.constData(), &v4) != 1)
            fail(path, QStringLiteral("\"%1\" is not an IPv4 address").arg(address));
        if ((ntohl(v4.s_addr) >> 24) != 127)
            fail(path, QStringLiteral("%1 is not a loopback address: scenarios use 127.0.0.0/8 only, so that "
                                      "nothing leaves this machine")
                           .arg(address));
        return;
    }
    if (domain == QLatin1String("AF_INET6")) {
        in6_addr v6{};
        if (inet_pton(AF_INET6, text.constData(), &v6) != 1)
            fail(path, QStringLiteral("\"%1\" is not an IPv6 address").arg(address));
        if (!IN6_IS_ADDR_LOOPBACK(&v6))
            fail(path, QStringLiteral("%1 is not the loopback address: IPv6 scenarios use ::1 only").arg(address));
        return;
    }
    fail(path, QStringLiteral("the socket's address family is unknown, so \"%1\" cannot be checked").arg(address));
}

QVariant checkArg(const ArgSpec &spec, const QJsonValue &value, const QString &path)
{
    switch (spec.type) {
    case ArgSpec::Type::Integer:
    case ArgSpec::Type::Port: {
        if (!value.isDouble() || value.toDouble() != double(qint64(value.toDouble())))
            fail(path, QStringLiteral("must be a whole number, not %1").arg(typeName(value)));
        const qint64 number = qint64(value.toDouble());
        if (number < spec.minimum || number > spec.maximum) {
            fail(path, spec.type == ArgSpec::Type::Port
                           ? QStringLiteral("port %1 is out of range (0 to 65535)").arg(number)
                           : QStringLiteral("%1 is out of range (%2 to %3)")
                                 .arg(number)
                                 .arg(spec.minimum)
                                 .arg(spec.maximum));
        }
        return number;
    }
    case ArgSpec::Type::Text:
    case ArgSpec::Type::Address:
        if (!value.isString())
            fail(path, QStringLiteral("must be a string, not %1").arg(typeName(value)));
        return value.toString();
    case ArgSpec::Type::Choice: {
        QString text = value.isDouble() ? QString::number(value.toInt()) : value.toString();
        if (!(value.isString() || value.isDouble()))
            fail(path, QStringLiteral("must be a string, not %1").arg(typeName(value)));
        if (!spec.choices.contains(text))
            fail(path, QStringLiteral("unknown %1 \"%2\" (expected one of: %3)")
                           .arg(spec.name, text, spec.choices.join(u", ")));
        return text;
    }
    case ArgSpec::Type::Flags: {
        const QJsonArray items = value.isString() ? QJsonArray{value} : value.toArray();
        if (!(value.isString() || value.isArray()))
            fail(path, QStringLiteral("must be a flag name or a list of them, not %1").arg(typeName(value)));
        QStringList list;
        for (const QJsonValue &item : items) {
            if (!spec.choices.contains(item.toString()))
                fail(path, QStringLiteral("unknown flag \"%1\" (expected one of: %2)")
                               .arg(item.toString(), spec.choices.join(u", ")));
            list << item.toString();
        }
        return list;
    }
    case ArgSpec::Type::Boolean:
        if (!value.isBool())
            fail(path, QStringLiteral("must be true or false, not %1").arg(typeName(value)));
        return value.toBool();
    }
    return {};
}

Expectation parseExpectation(const QJsonValue &value, const QString &path)
{
    Expectation expect;
    if (value.isUndefined())
        return expect;
    if (!value.isObject())
        fail(path, QStringLiteral("must be an object such as {\"result\": 0} or {\"errno\": \"EADDRINUSE\"}"));
    const QJsonObject object = value.toObject();
    rejectUnknownKeys(object,
                      {QStringLiteral("result"), QStringLiteral("ok"), QStringLiteral("errno"),
                       QStringLiteral("data"), QStringLiteral("blocks")},
                      path);
    if (object.contains(QLatin1String("result"))) {
        const QJsonValue result = object.value(QLatin1String("result"));
        if (!result.isDouble())
            fail(path + QStringLiteral(".result"), QStringLiteral("must be a number, not %1").arg(typeName(result)));
        expect.result = qint64(result.toDouble());
    }
    if (object.contains(QLatin1String("ok"))) {
        if (!object.value(QLatin1String("ok")).isBool())
            fail(path + QStringLiteral(".ok"), QStringLiteral("must be true or false"));
        expect.ok = object.value(QLatin1String("ok")).toBool();
    }
    if (object.contains(QLatin1String("errno"))) {
        expect.errnoName = requireString(object, QStringLiteral("errno"), path, true);
        if (!symbols::errnoValue(expect.errnoName))
            fail(path + QStringLiteral(".errno"), QStringLiteral("unknown errno name \"%1\"").arg(expect.errnoName));
    }
    if (object.contains(QLatin1String("data")))
        expect.data = requireString(object, QStringLiteral("data"), path, false).toUtf8();
    if (object.contains(QLatin1String("blocks"))) {
        if (!object.value(QLatin1String("blocks")).isBool())
            fail(path + QStringLiteral(".blocks"), QStringLiteral("must be true or false"));
        expect.blocks = object.value(QLatin1String("blocks")).toBool();
    }
    if (!expect.errnoName.isEmpty() && (expect.result || expect.ok || expect.data))
        fail(path, QStringLiteral("a call cannot both fail with an errno and succeed"));
    return expect;
}

void checkStepArgs(const Scenario &scenario, const ScenarioStep &step, const CallSpec &,
                   const QHash<QString, SocketInfo> &sockets, const QString &path)
{
    const QVariantMap &args = step.args;
    const QString domain = step.call == QLatin1String("socket") ? args.value(QStringLiteral("domain")).toString()
                                                                : sockets.value(step.socket).domain;
    const QString type = step.call == QLatin1String("socket") ? args.value(QStringLiteral("type")).toString()
                                                              : sockets.value(step.socket).type;
    const QString argsPath = path + QStringLiteral(".args");
    Q_UNUSED(scenario);

    if (step.call == QLatin1String("socket")) {
        const QString protocol = args.value(QStringLiteral("protocol")).toString();
        if (domain == QLatin1String("AF_UNIX") && type == QLatin1String("SOCK_RAW"))
            fail(argsPath + QStringLiteral(".type"), QStringLiteral("AF_UNIX has no SOCK_RAW"));
        if (type == QLatin1String("SOCK_RAW") && protocol != QLatin1String("IPPROTO_ICMP")
            && protocol != QLatin1String("IPPROTO_ICMPV6"))
            fail(argsPath + QStringLiteral(".protocol"),
                 QStringLiteral("a raw socket needs protocol IPPROTO_ICMP or IPPROTO_ICMPV6"));
        return;
    }

    const bool hasAddress = args.contains(QStringLiteral("address"));
    if (hasAddress)
        checkAddress(args.value(QStringLiteral("address")).toString(), domain, argsPath + QStringLiteral(".address"));
    const bool inet = domain == QLatin1String("AF_INET") || domain == QLatin1String("AF_INET6");
    const bool portless = type == QLatin1String("SOCK_RAW") || (inet && sockets.value(step.socket).type.isEmpty());
    const bool addressCall = step.call == QLatin1String("bind") || step.call == QLatin1String("connect")
                             || (step.call == QLatin1String("sendto") && hasAddress);
    if (addressCall && inet && !portless && !args.contains(QStringLiteral("port")))
        fail(argsPath, QStringLiteral("\"port\" is missing (an %1 address is an IP address and a port)").arg(domain));
    if (args.contains(QStringLiteral("port")) && domain == QLatin1String("AF_UNIX"))
        fail(argsPath + QStringLiteral(".port"), QStringLiteral("a Unix socket has no ports: its address is a path"));

    if (step.call == QLatin1String("send") || step.call == QLatin1String("sendto")) {
        int sources = 0;
        for (const char *key : {"data", "data_hex", "echo"})
            sources += args.contains(QLatin1String(key)) ? 1 : 0;
        const bool icmp = args.contains(QStringLiteral("icmp"));
        if (icmp ? sources > 1 : sources != 1)
            fail(argsPath, QStringLiteral("give exactly one of \"data\", \"data_hex\", \"echo\"%1")
                               .arg(step.call == QLatin1String("sendto") ? QStringLiteral(" or \"icmp\"") : QString()));
        if (args.contains(QStringLiteral("data_hex"))) {
            static const QRegularExpression hex(QStringLiteral("^([0-9a-fA-F]{2})*$"));
            if (!hex.match(args.value(QStringLiteral("data_hex")).toString().remove(u' ')).hasMatch())
                fail(argsPath + QStringLiteral(".data_hex"), QStringLiteral("must be pairs of hex digits"));
        }
    }
    if (step.call == QLatin1String("setsockopt")) {
        const QString option = args.value(QStringLiteral("option")).toString();
        if (option.startsWith(QLatin1String("TCP_")) && (type != QLatin1String("SOCK_STREAM") || !inet))
            fail(argsPath + QStringLiteral(".option"), QStringLiteral("%1 applies to TCP sockets only").arg(option));
    }
}

Scenario validate(const QJsonObject &root)
{
    Scenario scenario;
    rejectUnknownKeys(root,
                      {QStringLiteral("$schema"), QStringLiteral("id"), QStringLiteral("title"),
                       QStringLiteral("summary"), QStringLiteral("level"), QStringLiteral("tags"),
                       QStringLiteral("actors"), QStringLiteral("steps")},
                      QStringLiteral("$"));
    scenario.id = requireString(root, QStringLiteral("id"), QStringLiteral("$"), true);
    if (!isIdentifier(scenario.id))
        fail(QStringLiteral("$.id"),
             QStringLiteral("\"%1\" is not a valid id (lowercase letters, digits, '-' and '_')").arg(scenario.id));
    scenario.title = requireString(root, QStringLiteral("title"), QStringLiteral("$"), true);
    scenario.summary = requireString(root, QStringLiteral("summary"), QStringLiteral("$"), false);
    scenario.level = requireString(root, QStringLiteral("level"), QStringLiteral("$"), false);
    if (!scenario.level.isEmpty() && !Levels.contains(scenario.level))
        fail(QStringLiteral("$.level"),
             QStringLiteral("unknown level \"%1\" (expected one of: %2)").arg(scenario.level, Levels.join(u", ")));
    if (root.contains(QLatin1String("tags"))) {
        if (!root.value(QLatin1String("tags")).isArray())
            fail(QStringLiteral("$.tags"), QStringLiteral("must be an array of strings"));
        const QJsonArray tags = root.value(QLatin1String("tags")).toArray();
        for (qsizetype i = 0; i < tags.size(); ++i) {
            if (!tags.at(i).isString())
                fail(QStringLiteral("$.tags[%1]").arg(i), QStringLiteral("must be a string"));
            scenario.tags << tags.at(i).toString();
        }
    }

    const QJsonValue actorsValue = root.value(QLatin1String("actors"));
    if (!actorsValue.isArray() || actorsValue.toArray().isEmpty())
        fail(QStringLiteral("$.actors"), QStringLiteral("must be a non-empty array of actors"));
    const QJsonArray actors = actorsValue.toArray();
    for (qsizetype i = 0; i < actors.size(); ++i) {
        const QString path = QStringLiteral("$.actors[%1]").arg(i);
        if (!actors.at(i).isObject())
            fail(path, QStringLiteral("must be an object such as {\"id\": \"server\"}"));
        const QJsonObject object = actors.at(i).toObject();
        rejectUnknownKeys(object, {QStringLiteral("id"), QStringLiteral("title")}, path);
        ScenarioActor actor;
        actor.id = requireString(object, QStringLiteral("id"), path, true);
        if (!isIdentifier(actor.id))
            fail(path + QStringLiteral(".id"), QStringLiteral("\"%1\" is not a valid actor id").arg(actor.id));
        if (scenario.actor(actor.id))
            fail(path + QStringLiteral(".id"), QStringLiteral("duplicate actor id \"%1\"").arg(actor.id));
        actor.title = requireString(object, QStringLiteral("title"), path, false);
        if (actor.title.isEmpty())
            actor.title = actor.id.at(0).toUpper() + actor.id.mid(1);
        scenario.actors << actor;
    }

    const QJsonValue stepsValue = root.value(QLatin1String("steps"));
    if (!stepsValue.isArray() || stepsValue.toArray().isEmpty())
        fail(QStringLiteral("$.steps"), QStringLiteral("must be a non-empty array of steps"));
    const QJsonArray steps = stepsValue.toArray();
    QHash<QString, SocketInfo> sockets;
    QSet<QString> stepIds;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QString path = QStringLiteral("$.steps[%1]").arg(i);
        if (!steps.at(i).isObject())
            fail(path, QStringLiteral("must be an object"));
        const QJsonObject object = steps.at(i).toObject();
        rejectUnknownKeys(object,
                          {QStringLiteral("id"), QStringLiteral("actor"), QStringLiteral("call"),
                           QStringLiteral("args"), QStringLiteral("socket"), QStringLiteral("creates"),
                           QStringLiteral("narration"), QStringLiteral("expect")},
                          path);
        ScenarioStep step;
        step.id = requireString(object, QStringLiteral("id"), path, false);
        if (!step.id.isEmpty()) {
            if (stepIds.contains(step.id))
                fail(path + QStringLiteral(".id"), QStringLiteral("duplicate step id \"%1\"").arg(step.id));
            stepIds.insert(step.id);
        }
        step.actor = requireString(object, QStringLiteral("actor"), path, true);
        if (!scenario.actor(step.actor))
            fail(path + QStringLiteral(".actor"), QStringLiteral("unknown actor \"%1\"").arg(step.actor));
        step.call = requireString(object, QStringLiteral("call"), path, true);
        const CallSpec *spec = callspecs::find(step.call);
        if (!spec)
            fail(path + QStringLiteral(".call"), QStringLiteral("unknown call \"%1\" (known calls: %2)")
                                                      .arg(step.call, callspecs::names().join(u", ")));
        step.narration = requireString(object, QStringLiteral("narration"), path, false);
        step.socket = requireString(object, QStringLiteral("socket"), path, spec->usesSocket);
        step.creates = requireString(object, QStringLiteral("creates"), path, spec->createsSocket);
        if (!spec->usesSocket && object.contains(QLatin1String("socket")))
            fail(path + QStringLiteral(".socket"), QStringLiteral("%1() does not use a socket").arg(step.call));
        if (!spec->createsSocket && object.contains(QLatin1String("creates")))
            fail(path + QStringLiteral(".creates"), QStringLiteral("%1() does not create a socket").arg(step.call));

        if (spec->usesSocket) {
            if (!sockets.contains(step.socket))
                fail(path + QStringLiteral(".socket"),
                     QStringLiteral("unknown socket \"%1\": no earlier step creates it").arg(step.socket));
            if (sockets.value(step.socket).actor != step.actor)
                fail(path + QStringLiteral(".socket"),
                     QStringLiteral("socket \"%1\" belongs to actor \"%2\"; a descriptor is private to its process")
                         .arg(step.socket, sockets.value(step.socket).actor));
        }

        const QJsonValue argsValue = object.value(QLatin1String("args"));
        if (!argsValue.isUndefined() && !argsValue.isObject())
            fail(path + QStringLiteral(".args"), QStringLiteral("must be an object, not %1").arg(typeName(argsValue)));
        const QJsonObject args = argsValue.toObject();
        for (auto it = args.begin(); it != args.end(); ++it) {
            const ArgSpec *argSpec = spec->arg(it.key());
            if (!argSpec) {
                QStringList known;
                for (const ArgSpec &a : spec->args)
                    known << a.name;
                fail(path + QStringLiteral(".args.") + it.key(),
                     QStringLiteral("%1() has no argument \"%2\"%3")
                         .arg(step.call, it.key(),
                              known.isEmpty() ? QString() : QStringLiteral(" (expected: %1)").arg(known.join(u", "))));
            }
            step.args.insert(it.key(), checkArg(*argSpec, it.value(), path + QStringLiteral(".args.") + it.key()));
        }
        for (const ArgSpec &argSpec : spec->args) {
            if (argSpec.required && !args.contains(argSpec.name))
                fail(path + QStringLiteral(".args"), QStringLiteral("argument \"%1\" is missing").arg(argSpec.name));
        }
        checkStepArgs(scenario, step, *spec, sockets, path);
        step.expect = parseExpectation(object.value(QLatin1String("expect")), path + QStringLiteral(".expect"));

        if (spec->createsSocket) {
            if (!isIdentifier(step.creates))
                fail(path + QStringLiteral(".creates"), QStringLiteral("\"%1\" is not a valid socket name").arg(step.creates));
            if (sockets.contains(step.creates) && sockets.value(step.creates).open)
                fail(path + QStringLiteral(".creates"),
                     QStringLiteral("socket \"%1\" already exists and is still open").arg(step.creates));
            SocketInfo info;
            info.actor = step.actor;
            if (step.call == QLatin1String("socket")) {
                info.domain = step.args.value(QStringLiteral("domain")).toString();
                info.type = step.args.value(QStringLiteral("type")).toString();
            } else {
                info.domain = sockets.value(step.socket).domain;
                info.type = sockets.value(step.socket).type;
            }
            sockets.insert(step.creates, info);
        }
        if (step.call == QLatin1String("close") && sockets.contains(step.socket))
            sockets[step.socket].open = false;
        scenario.steps << step;
    }
    return scenario;
}

QPair<int, int> lineAndColumn(const QByteArray &text, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

ScenarioLoadResult parse(const QByteArray &json, const QString &source)
{
    ScenarioLoadResult result;
    result.error.file = source;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const auto [line, column] = lineAndColumn(json, parseError.offset);
        result.error.line = line;
        result.error.column = column;
        result.error.reason = QStringLiteral("the text is not valid JSON: ") + parseError.errorString();
        return result;
    }
    if (!document.isObject()) {
        result.error.path = QStringLiteral("$");
        result.error.reason = QStringLiteral("a scenario must be a JSON object");
        return result;
    }
    try {
        result.scenario = validate(document.object());
        result.scenario.source = source;
    } catch (const Failure &failure) {
        result.error.path = failure.path;
        result.error.reason = failure.reason;
    }
    return result;
}

ScenarioLoadResult loadFile(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        ScenarioLoadResult result;
        result.error.file = fileName;
        result.error.reason = QStringLiteral("cannot read the file: ") + file.errorString();
        return result;
    }
    return parse(file.readAll(), fileName);
}

QStringList builtinIds()
{
    QFile index(QStringLiteral(":/scenarios/index.txt"));
    QStringList ids;
    if (index.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : index.readAll().split('\n')) {
            const QString id = QString::fromUtf8(line.trimmed());
            if (!id.isEmpty() && !id.startsWith(u'#'))
                ids << id;
        }
    }
    return ids;
}

ScenarioLoadResult builtin(const QString &id)
{
    const QString resource = QStringLiteral(":/scenarios/%1.json").arg(id);
    if (!isIdentifier(id) || !QFile::exists(resource)) {
        ScenarioLoadResult result;
        result.error.file = id;
        result.error.reason = QStringLiteral("no built-in scenario has this id (see 'socketscope list')");
        return result;
    }
    return loadFile(resource);
}

ScenarioLoadResult load(const QString &idOrFile)
{
    if (QFileInfo(idOrFile).isFile())
        return loadFile(idOrFile);
    if (idOrFile.endsWith(QLatin1String(".json")) || idOrFile.contains(u'/')) {
        ScenarioLoadResult result;
        result.error.file = idOrFile;
        result.error.reason = QStringLiteral("no such file");
        return result;
    }
    return builtin(idOrFile);
}

} // namespace ScenarioLoader
