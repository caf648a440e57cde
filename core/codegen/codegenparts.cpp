#include "codegen/codegenparts.h"

namespace codegen {
namespace {

// What the step's call asks the program to declare before its steps.
void addCallNeeds(ProgramNeeds &needs, const ScenarioStep &step)
{
    switch (step.call) {
    case Call::RecvFrom:
        needs.sender = needs.printsAddress = true;
        needs.memory = needs.receivesData = true;
        break;
    case Call::Recv:
        needs.memory = needs.receivesData = true;
        break;
    case Call::Accept:
    case Call::GetSockName:
    case Call::GetPeerName:
        needs.printsAddress = true;
        break;
    case Call::Process:
        needs.memory = needs.receivesData = true;
        if (step.args.value(QStringLiteral("transform")).toString() == QLatin1String("http-response"))
            needs.httpResponse = true;
        break;
    case Call::SetSockOpt: {
        const QString option = step.args.value(QStringLiteral("option")).toString();
        if (option == QLatin1String("SO_ATTACH_FILTER"))
            needs.socketFilter = needs.filterOption = true;
        if (option == QLatin1String("SO_DETACH_FILTER"))
            needs.filterOption = true;
        break;
    }
    case Call::Socket:
    case Call::Bind:
    case Call::Listen:
    case Call::Connect:
    case Call::Send:
    case Call::SendTo:
    case Call::Shutdown:
    case Call::Close:
    case Call::Fcntl:
        break;
    }
}

} // namespace

ProgramNeeds needsOf(const Scenario &scenario, const QString &actor)
{
    ProgramNeeds needs;
    for (int i = 0; i < scenario.steps.size(); ++i) {
        const ScenarioStep &step = scenario.steps.at(i);
        if (step.actor != actor)
            continue;
        needs.steps << i;
        for (const QString &name : {step.creates, step.socket}) {
            if (!name.isEmpty() && !needs.sockets.contains(name))
                needs.sockets << name;
        }
        addCallNeeds(needs, step);
        if (step.args.value(QStringLiteral("echo")).toBool())
            needs.memory = true;
        if (step.args.value(QStringLiteral("reply")).toBool())
            needs.sender = true;
        if (step.args.contains(QStringLiteral("icmp")))
            needs.icmp = true;
    }
    return needs;
}

QString identifier(const QString &name, const QSet<QString> &reserved)
{
    QString result;
    for (const QChar c : name)
        result += (c.isLetterOrNumber() && c.unicode() < 128) || c == u'_' ? c : u'_';
    if (result.isEmpty() || result.front().isDigit())
        result.prepend(u'_');
    if (reserved.contains(result))
        result += QStringLiteral("_fd");
    return result;
}

std::optional<QByteArray> literalPayload(const ScenarioStep &step)
{
    if (step.args.contains(QStringLiteral("data")))
        return step.args.value(QStringLiteral("data")).toString().toUtf8();
    if (step.args.contains(QStringLiteral("data_hex")))
        return QByteArray::fromHex(step.args.value(QStringLiteral("data_hex")).toString().toLatin1());
    if (step.args.value(QStringLiteral("echo")).toBool())
        return std::nullopt;
    return QByteArray();
}

QString stepHeading(const ScenarioStep &step)
{
    QStringList parts;
    if (!step.socket.isEmpty())
        parts << step.socket;
    const QString address = step.args.value(QStringLiteral("address")).toString();
    if (!address.isEmpty()) {
        const QVariant port = step.args.value(QStringLiteral("port"));
        parts << (port.isValid() ? address + u':' + port.toString() : address);
    }
    for (const QString &key :
         {QStringLiteral("backlog"), QStringLiteral("how"), QStringLiteral("option"),
          QStringLiteral("transform"), QStringLiteral("domain"), QStringLiteral("type")}) {
        if (step.args.contains(key))
            parts << step.args.value(key).toString();
    }
    return callName(step.call) + u'(' + parts.join(QStringLiteral(", ")) + u')';
}

} // namespace codegen
