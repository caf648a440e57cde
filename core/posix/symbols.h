#pragma once

#include <QString>
#include <QStringList>

#include <optional>

// The symbolic names a scenario uses, and the numbers the kernel wants. One table serves the
// validator, the engine and the code generator, so all three agree on what a name means.

namespace symbols {

std::optional<int> domain(const QString &name);      // "AF_INET"
std::optional<int> socketType(const QString &name);  // "SOCK_STREAM"
std::optional<int> protocol(const QString &name);    // "IPPROTO_ICMP", "0"
std::optional<int> shutdownHow(const QString &name); // "SHUT_WR"
std::optional<int> messageFlag(const QString &name); // "MSG_PEEK"

struct SocketOption
{
    int level;
    int name;
    const char *levelName; // "SOL_SOCKET"
};
std::optional<SocketOption> socketOption(const QString &name); // "SO_REUSEADDR"

QStringList domainNames();
QStringList socketTypeNames();
QStringList protocolNames();
QStringList shutdownHowNames();
QStringList messageFlagNames();
QStringList socketOptionNames();

/// "ECONNREFUSED" for ECONNREFUSED; "E<number>" for an errno without a name.
QString errnoName(int error);
/// The errno for a name, or nullopt.
std::optional<int> errnoValue(const QString &name);

} // namespace symbols
