#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

/// A call a scenario step makes: the course's vocabulary. A scenario file names it ("recvfrom");
/// the loader parses that name once, and everything after it switches over the value, so that a
/// new call is one new enumerator and the compiler lists every place that must learn it.
enum class Call {
    Socket,
    Bind,
    Listen,
    Accept,
    Connect,
    Send,
    Recv,
    SendTo,
    RecvFrom,
    Shutdown,
    Close,
    GetSockName,
    GetPeerName,
    SetSockOpt,
    Fcntl,
    Process, // user space only: the program works on the bytes it received
};

/// Every call, in the order the course teaches them.
const QList<Call> &allCalls();
/// The call's name in files and on screen: "recvfrom", as in C.
QString callName(Call call);
/// The call named `name` (exactly, as callName spells it), or nothing.
std::optional<Call> callFromName(QStringView name);

/// The call puts bytes on the wire (send, sendto).
bool sendsData(Call call);
/// The call takes bytes from the socket's receive queue (recv, recvfrom).
bool receivesData(Call call);
/// The program holds bytes after the call: those it received (recv, recvfrom) or made of them
/// (process).
bool givesProgramBytes(Call call);
