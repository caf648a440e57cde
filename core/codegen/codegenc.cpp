// The C program of one actor. Kept close to what a student would write by hand: the calls of the
// course, one block per step, and a line printed after each call so that a run can be checked.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"

namespace codegen {
namespace {

const QSet<QString> &cReserved()
{
    static const QSet<QString> names = {QStringLiteral("auto"),
                                        QStringLiteral("break"),
                                        QStringLiteral("case"),
                                        QStringLiteral("char"),
                                        QStringLiteral("const"),
                                        QStringLiteral("continue"),
                                        QStringLiteral("default"),
                                        QStringLiteral("do"),
                                        QStringLiteral("double"),
                                        QStringLiteral("else"),
                                        QStringLiteral("enum"),
                                        QStringLiteral("extern"),
                                        QStringLiteral("float"),
                                        QStringLiteral("for"),
                                        QStringLiteral("goto"),
                                        QStringLiteral("if"),
                                        QStringLiteral("int"),
                                        QStringLiteral("long"),
                                        QStringLiteral("register"),
                                        QStringLiteral("return"),
                                        QStringLiteral("short"),
                                        QStringLiteral("signed"),
                                        QStringLiteral("sizeof"),
                                        QStringLiteral("static"),
                                        QStringLiteral("struct"),
                                        QStringLiteral("switch"),
                                        QStringLiteral("typedef"),
                                        QStringLiteral("union"),
                                        QStringLiteral("unsigned"),
                                        QStringLiteral("void"),
                                        QStringLiteral("volatile"),
                                        QStringLiteral("while"),
                                        QStringLiteral("inline"),
                                        QStringLiteral("restrict"),
                                        QStringLiteral("bool"),
                                        QStringLiteral("main"),
                                        QStringLiteral("socket"),
                                        QStringLiteral("bind"),
                                        QStringLiteral("listen"),
                                        QStringLiteral("accept"),
                                        QStringLiteral("connect"),
                                        QStringLiteral("send"),
                                        QStringLiteral("recv"),
                                        QStringLiteral("sendto"),
                                        QStringLiteral("recvfrom"),
                                        QStringLiteral("shutdown"),
                                        QStringLiteral("close"),
                                        QStringLiteral("fcntl"),
                                        QStringLiteral("getsockname"),
                                        QStringLiteral("getpeername"),
                                        QStringLiteral("setsockopt"),
                                        QStringLiteral("report"),
                                        QStringLiteral("report_data"),
                                        QStringLiteral("print_address"),
                                        QStringLiteral("remember"),
                                        QStringLiteral("received"),
                                        QStringLiteral("received_length"),
                                        QStringLiteral("sender"),
                                        QStringLiteral("sender_length"),
                                        QStringLiteral("result"),
                                        QStringLiteral("address"),
                                        QStringLiteral("length"),
                                        QStringLiteral("peer"),
                                        QStringLiteral("peer_length"),
                                        QStringLiteral("message"),
                                        QStringLiteral("message_length"),
                                        QStringLiteral("buffer"),
                                        QStringLiteral("flags"),
                                        QStringLiteral("from"),
                                        QStringLiteral("from_length"),
                                        QStringLiteral("packet"),
                                        QStringLiteral("packet_length"),
                                        QStringLiteral("piece"),
                                        QStringLiteral("value"),
                                        QStringLiteral("filter"),
                                        QStringLiteral("program"),
                                        QStringLiteral("wait_for_turn"),
                                        QStringLiteral("errno"),
                                        QStringLiteral("icmp_echo_request"),
                                        QStringLiteral("http_response"),
                                        QStringLiteral("unlink"),
                                        QStringLiteral("printf"),
                                        QStringLiteral("free"),
                                        QStringLiteral("malloc"),
                                        QStringLiteral("i"),
                                        QStringLiteral("stdin"),
                                        QStringLiteral("stdout"),
                                        QStringLiteral("stderr")};
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
