#include "scenario/call.h"

const QList<Call> &allCalls()
{
    static const QList<Call> calls = {
        Call::Socket,      Call::Bind,       Call::Listen,   Call::Accept,   Call::Connect, Call::Send,
        Call::Recv,        Call::SendTo,     Call::RecvFrom, Call::Shutdown, Call::Close,   Call::GetSockName,
        Call::GetPeerName, Call::SetSockOpt, Call::Fcntl,    Call::Process,
    };
    return calls;
}

QString callName(Call call)
{
    switch (call) {
    case Call::Socket:
        return QStringLiteral("socket");
    case Call::Bind:
        return QStringLiteral("bind");
    case Call::Listen:
        return QStringLiteral("listen");
    case Call::Accept:
        return QStringLiteral("accept");
    case Call::Connect:
        return QStringLiteral("connect");
    case Call::Send:
        return QStringLiteral("send");
    case Call::Recv:
        return QStringLiteral("recv");
    case Call::SendTo:
        return QStringLiteral("sendto");
    case Call::RecvFrom:
        return QStringLiteral("recvfrom");
    case Call::Shutdown:
        return QStringLiteral("shutdown");
    case Call::Close:
        return QStringLiteral("close");
    case Call::GetSockName:
        return QStringLiteral("getsockname");
    case Call::GetPeerName:
        return QStringLiteral("getpeername");
    case Call::SetSockOpt:
        return QStringLiteral("setsockopt");
    case Call::Fcntl:
        return QStringLiteral("fcntl");
    case Call::Process:
        return QStringLiteral("process");
    }
    return {};
}

std::optional<Call> callFromName(QStringView name)
{
    for (const Call call : allCalls()) {
        if (callName(call) == name)
            return call;
    }
    return std::nullopt;
}

bool sendsData(Call call)
{
    return call == Call::Send || call == Call::SendTo;
}

bool receivesData(Call call)
{
    return call == Call::Recv || call == Call::RecvFrom;
}

bool givesProgramBytes(Call call)
{
    return receivesData(call) || call == Call::Process;
}
