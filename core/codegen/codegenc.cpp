// The C program of one actor. Kept close to what a student would write by hand: the calls of the
// course, one block per step, and a line printed after each call so that a run can be checked.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"

namespace codegen {
namespace {

// The words a C program cannot use as a variable's name: its keywords, and the names the generated
// program itself uses.
constexpr const char *CReservedWords =
    "auto break case char const continue default do double else enum extern float for goto if "
    "int long register return short signed sizeof static struct switch typedef union unsigned "
    "void volatile while inline restrict bool main socket bind listen accept connect send recv "
    "sendto recvfrom shutdown close fcntl getsockname getpeername setsockopt report "
    "report_data print_address remember received received_length sender sender_length result "
    "address length peer peer_length message message_length buffer flags from from_length "
    "packet packet_length piece value filter program wait_for_turn errno icmp_echo_request "
    "http_response unlink printf free malloc i stdin stdout stderr";

const QSet<QString> &cReserved()
{
    static const QSet<QString> names = [] {
        const QStringList words = QString::fromLatin1(CReservedWords).split(u' ');
        return QSet<QString>(words.cbegin(), words.cend());
    }();
    return names;
}

} // namespace

void writeC(const Scenario &scenario, const QString &actor, const Options &options, ProgramWriter &w)
{
    const ProgramNeeds needs = needsOf(scenario, actor);
    const ScenarioActor *info = scenario.actor(actor);
    const QString title = info && !info->title.isEmpty() ? info->title : actor;
    const QString file = identifier(actor, {}) + QStringLiteral(".c");
    w.line(QStringLiteral("/* SocketScope: the %1 of \"%2\" (%3).")
               .arg(title.toLower(), scenario.title, scenario.id));
    w.line(QStringLiteral(" * Generated from the scenario's steps: each block below is one call the %1 made,")
               .arg(title.toLower()));
    w.line(QStringLiteral(" * with the narration of that step. After each call the program prints a line"));
    w.line(QStringLiteral(" * \"step N call = result\" (and the errno's name when the call failed)."));
    w.line(QStringLiteral(" *"));
    w.line(QStringLiteral(" * Build and run:  cc -Wall -Wextra -o %1 %2 && ./%1")
               .arg(identifier(actor, {}), file));
    if (options.inStep) {
        w.line(
            QStringLiteral(" * This copy runs in step with the other actors' programs: before each step it"));
        w.line(QStringLiteral(" * waits for the step's number on standard input, which the runner writes."));
    }
    w.line(QStringLiteral(" */"));
    w.lines({QStringLiteral("#define _GNU_SOURCE"), QStringLiteral("#include <arpa/inet.h>"),
             QStringLiteral("#include <ctype.h>"), QStringLiteral("#include <errno.h>"),
             QStringLiteral("#include <fcntl.h>")});
    if (needs.socketFilter)
        w.line(QStringLiteral("#include <linux/filter.h>"));
    w.lines({QStringLiteral("#include <netinet/in.h>"),
             QStringLiteral("#include <netinet/tcp.h>"),
             QStringLiteral("#include <stddef.h>"),
             QStringLiteral("#include <stdio.h>"),
             QStringLiteral("#include <stdlib.h>"),
             QStringLiteral("#include <string.h>"),
             QStringLiteral("#include <sys/socket.h>"),
             QStringLiteral("#include <sys/un.h>"),
             QStringLiteral("#include <unistd.h>"),
             {}});
    writeCHelpers(needs, options, w);
    w.line(QStringLiteral("int main(void)"));
    w.line(QStringLiteral("{"));
    w.indent();
    QHash<QString, QString> names;
    QSet<QString> taken = cReserved();
    for (const QString &socket : needs.sockets) {
        const QString name = identifier(socket, taken);
        taken.insert(name);
        names.insert(socket, name);
        w.line(QStringLiteral("int %1 = -1; /* the descriptor of the socket \"%2\" */").arg(name, socket));
    }
    if (needs.steps.isEmpty())
        w.line(QStringLiteral("/* The %1 makes no call in this scenario. */").arg(title.toLower()));
    for (const int index : needs.steps) {
        const ScenarioStep &step = scenario.steps.at(index);
        w.line();
        w.beginStep(index);
        w.line(QStringLiteral("/* Step %1: %2").arg(index + 1).arg(stepHeading(step)));
        for (const QString &text : ProgramWriter::wrap(step.narration, 92))
            w.line(QStringLiteral(" * ") +
                   QString(text).replace(QStringLiteral("*/"), QStringLiteral("* /")));
        w.line(QStringLiteral(" */"));
        if (options.inStep)
            w.line(QStringLiteral("wait_for_turn(%1);").arg(index + 1));
        writeCStep(w, scenario, index, names);
        w.endStep();
    }
    w.line();
    if (options.inStep)
        w.line(QStringLiteral("wait_for_turn(0); /* the sockets stay open until the others are done */"));
    w.line(QStringLiteral("return 0;"));
    w.dedent();
    w.line(QStringLiteral("}"));
}

} // namespace codegen
