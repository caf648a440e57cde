#pragma once

// Shared by the C and the Python generator; not part of codegen's public interface.

#include "codegen/codegen.h"
#include "scenario/scenario.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

class ProgramWriter;

namespace codegen {

/// What a program has to declare before its steps: only what it uses, so that the C compiles with
/// -Wall -Wextra -Werror (no unused helper).
struct ProgramNeeds
{
    QList<int> steps;           // the actor's steps, in script order
    QStringList sockets;        // socket names, in order of first use
    bool memory = false;        // the bytes last received (recv, recvfrom, echo, process)
    bool sender = false;        // the address of the last recvfrom
    bool receivesData = false;  // a call reports received bytes
    bool printsAddress = false; // accept, recvfrom, getsockname, getpeername
    bool icmp = false;
    bool httpResponse = false;
    bool socketFilter = false; // setsockopt(SO_ATTACH_FILTER): a classic BPF program
    bool filterOption = false; // SO_ATTACH_FILTER or SO_DETACH_FILTER, which Python may lack
};

ProgramNeeds needsOf(const Scenario &scenario, const QString &actor);

/// A variable name for `name` that is a valid identifier and none of `reserved`.
QString identifier(const QString &name, const QSet<QString> &reserved);
/// The payload bytes of a sending step when they are fixed in the scenario (data or data_hex).
std::optional<QByteArray> literalPayload(const ScenarioStep &step);
/// "bind(listener, 127.0.0.1:8080)" for the heading of a step.
QString stepHeading(const ScenarioStep &step);

void writeC(const Scenario &scenario, const QString &actor, const Options &options, ProgramWriter &writer);
/// The block of step `index` (its heading and narration written already); `names` are the C variables
/// of the sockets.
void writeCStep(ProgramWriter &writer, const Scenario &scenario, int index,
                const QHash<QString, QString> &names);
/// report(), report_data(), print_address(), remember(), … as far as `needs` asks for them.
void writeCHelpers(const ProgramNeeds &needs, const Options &options, ProgramWriter &writer);
void writePython(const Scenario &scenario, const QString &actor, const Options &options,
                 ProgramWriter &writer);
/// report(), failed(), format_address(), … as far as `needs` asks for them.
void writePythonHelpers(const ProgramNeeds &needs, const Options &options, ProgramWriter &writer);

} // namespace codegen
