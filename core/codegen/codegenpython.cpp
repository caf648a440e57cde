// The Python program of one actor: the same calls through the socket module, one block per step.
// Python raises OSError where C returns -1, so each call sits in a try block that prints the same
// report line as the C program.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"
#include "posix/dropfilter.h"
#include "posix/symbols.h"

namespace codegen {
namespace {

const QSet<QString> &pythonReserved()
{
    static const QSet<QString> names = {QStringLiteral("False"),
                                        QStringLiteral("None"),
                                        QStringLiteral("True"),
                                        QStringLiteral("and"),
                                        QStringLiteral("as"),
                                        QStringLiteral("assert"),
                                        QStringLiteral("async"),
                                        QStringLiteral("await"),
                                        QStringLiteral("break"),
                                        QStringLiteral("class"),
                                        QStringLiteral("continue"),
                                        QStringLiteral("def"),
                                        QStringLiteral("del"),
                                        QStringLiteral("elif"),
                                        QStringLiteral("else"),
                                        QStringLiteral("except"),
                                        QStringLiteral("finally"),
                                        QStringLiteral("for"),
                                        QStringLiteral("from"),
                                        QStringLiteral("global"),
                                        QStringLiteral("if"),
                                        QStringLiteral("import"),
                                        QStringLiteral("in"),
                                        QStringLiteral("is"),
                                        QStringLiteral("lambda"),
                                        QStringLiteral("nonlocal"),
                                        QStringLiteral("not"),
                                        QStringLiteral("or"),
                                        QStringLiteral("pass"),
                                        QStringLiteral("raise"),
                                        QStringLiteral("return"),
                                        QStringLiteral("try"),
                                        QStringLiteral("while"),
                                        QStringLiteral("with"),
                                        QStringLiteral("yield"),
                                        QStringLiteral("socket"),
                                        QStringLiteral("errno"),
                                        QStringLiteral("fcntl"),
                                        QStringLiteral("os"),
                                        QStringLiteral("struct"),
                                        QStringLiteral("report"),
                                        QStringLiteral("failed"),
                                        QStringLiteral("shown"),
                                        QStringLiteral("received"),
                                        QStringLiteral("sender"),
                                        QStringLiteral("result"),
                                        QStringLiteral("error"),
                                        QStringLiteral("data"),
                                        QStringLiteral("message"),
                                        QStringLiteral("peer"),
                                        QStringLiteral("flags"),
                                        QStringLiteral("address"),
                                        QStringLiteral("icmp_echo_request"),
                                        QStringLiteral("http_response"),
                                        QStringLiteral("print"),
                                        QStringLiteral("len"),
                                        QStringLiteral("bytes"),
                                        QStringLiteral("str"),
                                        QStringLiteral("format_address"),
                                        QStringLiteral("ctypes"),
                                        QStringLiteral("sys"),
                                        QStringLiteral("code"),
                                        QStringLiteral("program"),
                                        QStringLiteral("socket_filter"),
                                        QStringLiteral("wait_for_turn"),
                                        QStringLiteral("SO_ATTACH_FILTER"),
                                        QStringLiteral("SO_DETACH_FILTER")};
    return names;
}

QString pyConstant(const QString &name)
{
    return name == QLatin1String("0") ? name : QStringLiteral("socket.") + name;
}

QString pyFlags(const ScenarioStep &step, bool noSignal)
{
    QStringList names = step.args.value(QStringLiteral("flags")).toStringList();
    if (noSignal && !names.contains(QStringLiteral("MSG_NOSIGNAL")))
        names << QStringLiteral("MSG_NOSIGNAL");
    QStringList parts;
    for (const QString &name : names)
        parts << pyConstant(name);
    return parts.isEmpty() ? QStringLiteral("0") : parts.join(QStringLiteral(" | "));
}

QString pyAddress(const QString &domain, const ScenarioStep &step)
{
    const QString text = step.args.value(QStringLiteral("address")).toString();
    const int port = step.args.value(QStringLiteral("port")).toInt();
    if (domain == QLatin1String("AF_UNIX")) {
        if (text.startsWith(u'@'))
            return ProgramWriter::pythonString(QChar(0) + text.mid(1));
        return ProgramWriter::pythonString(text);
    }
    return QStringLiteral("(%1, %2)").arg(ProgramWriter::pythonString(text)).arg(port);
}

// Sets `message`: the bytes a sending step puts on the wire.
void writePayload(ProgramWriter &w, const ScenarioStep &step)
{
    const std::optional<QByteArray> literal = literalPayload(step);
    const int repeat = step.args.value(QStringLiteral("repeat"), 1).toInt();
    const QString source = literal ? ProgramWriter::pythonBytes(*literal) : QStringLiteral("received");
    w.line(QStringLiteral("message = %1%2")
               .arg(source, repeat > 1 ? QStringLiteral(" * %1").arg(repeat) : QString()));
    if (step.args.contains(QStringLiteral("icmp")))
        w.line(QStringLiteral("message = icmp_echo_request(message, %1)")
                   .arg(step.args.value(QStringLiteral("sequence"), 1).toInt()));
}

// One step's call in the making: the writer, the step, and the Python names it uses.
struct StepCode
{
    ProgramWriter &w;
    const ScenarioStep &step;
    int number = 0;     // the step's number as the program prints it
    QString sock;       // the variable of the step's socket
    QString domain;     // of the step's socket
    QString reportZero; // the line that reports success of a call that returns nothing
    QString call;       // the call's name, as the socket module spells it
    QString created;    // the variable of the socket the call creates

    QVariant arg(const QString &name, const QVariant &fallback = {}) const
    {
        return step.args.value(name, fallback);
    }
};

void writeSocket(StepCode &c)
{
    c.w.line(QStringLiteral("%1 = socket.socket(%2, %3, %4)")
                 .arg(c.created, pyConstant(c.arg(QStringLiteral("domain")).toString()),
                      pyConstant(c.arg(QStringLiteral("type")).toString()),
                      pyConstant(c.arg(QStringLiteral("protocol"), QStringLiteral("0")).toString())));
    c.w.line(QStringLiteral("report(%1, \"socket\", %2.fileno())").arg(c.number).arg(c.created));
}

void writeBindOrConnect(StepCode &c)
{
    if (c.step.call == Call::Bind && c.domain == QLatin1String("AF_UNIX") &&
        !c.arg(QStringLiteral("address")).toString().startsWith(u'@')) {
        c.w.line(QStringLiteral("if os.path.exists(%1):  # a file left by an earlier run would be EADDRINUSE")
                     .arg(pyAddress(c.domain, c.step)));
        c.w.line(QStringLiteral("    os.unlink(%1)").arg(pyAddress(c.domain, c.step)));
    }
    c.w.line(QStringLiteral("%1.%2(%3)").arg(c.sock, c.call, pyAddress(c.domain, c.step)));
    c.w.line(c.reportZero);
}

void writeListen(StepCode &c)
{
    c.w.line(QStringLiteral("%1.listen(%2)").arg(c.sock).arg(c.arg(QStringLiteral("backlog")).toInt()));
    c.w.line(c.reportZero);
}

void writeAccept(StepCode &c)
{
    c.w.line(QStringLiteral("%1, peer = %2.accept()").arg(c.created, c.sock));
    c.w.line(QStringLiteral("report(%1, \"accept\", %2.fileno())").arg(c.number).arg(c.created));
    c.w.line(QStringLiteral("print(\"  from\", format_address(peer), flush=True)"));
}

// send and sendto.
void writeSend(StepCode &c)
{
    ProgramWriter &w = c.w;
    writePayload(w, c.step);
    const QString flags = pyFlags(c.step, true);
    w.line(QStringLiteral(
        "# MSG_NOSIGNAL: a send on a closed connection fails with EPIPE instead of a signal."));
    const bool toAddress = c.step.call == Call::SendTo;
    if (toAddress && c.arg(QStringLiteral("reply")).toBool()) {
        w.line(QStringLiteral("# Answer to the address the last recvfrom() reported."));
        w.line(QStringLiteral(
                   "result = %1.sendto(message, %2, sender) if sender is not None else %1.send(message, %2)")
                   .arg(c.sock, flags));
    } else if (toAddress && c.step.args.contains(QStringLiteral("address"))) {
        w.line(QStringLiteral("result = %1.sendto(message, %2, %3)")
                   .arg(c.sock, flags, pyAddress(c.domain, c.step)));
    } else {
        w.line(QStringLiteral("result = %1.send(message, %2)").arg(c.sock, flags));
    }
    w.line(QStringLiteral("report(%1, \"%2\", result)").arg(c.number).arg(c.call));
}

// recv and recvfrom.
void writeReceive(StepCode &c)
{
    ProgramWriter &w = c.w;
    const int length = c.arg(QStringLiteral("length"), 1024).toInt();
    const QStringList flagNames = c.arg(QStringLiteral("flags")).toStringList();
    if (c.step.call == Call::Recv)
        w.line(QStringLiteral("data = %1.recv(%2, %3)").arg(c.sock).arg(length).arg(pyFlags(c.step, false)));
    else
        w.line(QStringLiteral("data, peer = %1.recvfrom(%2, %3)")
                   .arg(c.sock)
                   .arg(length)
                   .arg(pyFlags(c.step, false)));
    if (flagNames.contains(QStringLiteral("MSG_TRUNC"))) {
        w.line(QStringLiteral("# With MSG_TRUNC the length is the whole message's; the buffer kept only %1 "
                              "bytes of it.")
                   .arg(length));
        w.line(QStringLiteral("result = len(data)"));
        w.line(QStringLiteral("data = data[:%1]").arg(length));
        w.line(QStringLiteral("report(%1, \"%2\", result, data)").arg(c.number).arg(c.call));
    } else {
        w.line(QStringLiteral("report(%1, \"%2\", len(data), data)").arg(c.number).arg(c.call));
    }
    if (!flagNames.contains(QStringLiteral("MSG_PEEK")))
        w.line(QStringLiteral("received = data"));
    if (c.step.call == Call::RecvFrom) {
        w.line(QStringLiteral("if peer:"));
        w.line(QStringLiteral("    sender = peer"));
        w.line(QStringLiteral("    print(\"  from\", format_address(peer), flush=True)"));
    }
}

void writeShutdown(StepCode &c)
{
    c.w.line(QStringLiteral("%1.shutdown(socket.%2)").arg(c.sock, c.arg(QStringLiteral("how")).toString()));
    c.w.line(c.reportZero);
}

void writeClose(StepCode &c)
{
    c.w.line(QStringLiteral("%1.close()").arg(c.sock));
    c.w.line(c.reportZero);
}

// getsockname and getpeername.
void writeAddressQuery(StepCode &c)
{
    c.w.line(QStringLiteral("address = %1.%2()").arg(c.sock, c.call));
    c.w.line(c.reportZero);
    c.w.line(QStringLiteral("print(\"  address\", format_address(address), flush=True)"));
}

// The filter's instructions as a Python list, each with the C source it stands for.
void writeSocketFilter(ProgramWriter &w, const QString &sock, int value)
{
    w.line(QStringLiteral("# A classic BPF socket filter, run by the kernel on every packet that arrives "
                          "for this"));
    w.line(QStringLiteral("# socket: it keeps a packet or drops it (here %1%), before the socket sees it.")
               .arg(value));
    w.line(QStringLiteral("# Each instruction: (code, jump if true, jump if false, constant)."));
    w.line(QStringLiteral("code, program = socket_filter(["));
    const std::vector<sock_filter> instructions = dropfilter::program(value);
    const QStringList sources = dropfilter::cSource(value);
    for (size_t i = 0; i < instructions.size(); ++i) {
        const sock_filter &f = instructions.at(i);
        QString source = i < size_t(sources.size()) ? sources.at(qsizetype(i)) : QString();
        source.remove(QStringLiteral("/* ")).remove(QStringLiteral(" */"));
        w.line(QStringLiteral("    (0x%1, %2, %3, 0x%4),  # %5")
                   .arg(f.code, 2, 16, QLatin1Char('0'))
                   .arg(f.jt)
                   .arg(f.jf)
                   .arg(f.k, 0, 16)
                   .arg(source));
    }
    w.line(QStringLiteral("])"));
    w.line(QStringLiteral("%1.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, program)").arg(sock));
}

void writeSetSockOpt(StepCode &c)
{
    ProgramWriter &w = c.w;
    const QString option = c.arg(QStringLiteral("option")).toString();
    const auto known = symbols::socketOption(option);
    const QString level = known ? QLatin1String(known->levelName) : QStringLiteral("SOL_SOCKET");
    const int value = c.arg(QStringLiteral("value")).toInt();
    if (option == QLatin1String("SO_LINGER")) {
        w.line(QStringLiteral("# SO_LINGER takes a struct: on, and how many seconds close() may wait."));
        w.line(QStringLiteral("%1.setsockopt(socket.%2, socket.%3, struct.pack(\"ii\", 1, %4))")
                   .arg(c.sock, level, option)
                   .arg(value));
    } else if (option == QLatin1String("SO_ATTACH_FILTER")) {
        writeSocketFilter(w, c.sock, value);
    } else if (option == QLatin1String("SO_DETACH_FILTER")) {
        w.line(
            QStringLiteral("%1.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, %2)").arg(c.sock).arg(value));
    } else {
        w.line(
            QStringLiteral("%1.setsockopt(socket.%2, socket.%3, %4)").arg(c.sock, level, option).arg(value));
    }
    w.line(c.reportZero);
}

void writeFcntl(StepCode &c)
{
    const bool on = c.arg(QStringLiteral("O_NONBLOCK"), true).toBool();
    c.w.line(QStringLiteral("flags = fcntl.fcntl(%1.fileno(), fcntl.F_GETFL)").arg(c.sock));
    c.w.line(QStringLiteral("fcntl.fcntl(%1.fileno(), fcntl.F_SETFL, %2)")
                 .arg(c.sock, on ? QStringLiteral("flags | os.O_NONBLOCK")
                                 : QStringLiteral("flags & ~os.O_NONBLOCK")));
    c.w.line(c.reportZero);
}

void writeProcess(StepCode &c)
{
    const QString transform = c.arg(QStringLiteral("transform")).toString();
    c.w.line(QStringLiteral("# No system call: the program works on the bytes it received."));
    if (transform == QLatin1String("uppercase"))
        c.w.line(QStringLiteral("received = received.upper()"));
    else if (transform == QLatin1String("reverse"))
        c.w.line(QStringLiteral("received = received[::-1]"));
    else
        c.w.line(QStringLiteral("received = http_response(received)"));
    c.w.line(QStringLiteral("report(%1, \"process\", len(received), received)").arg(c.number));
}

// The statements of a step, inside its try block.
void writeCall(ProgramWriter &w, const Scenario &scenario, int index, const QHash<QString, QString> &names)
{
    const ScenarioStep &step = scenario.steps.at(index);
    const int number = index + 1;
    const QString call = callName(step.call);
    const QString domain = scenario.domainOf(step.socket);
    StepCode c{.w = w,
               .step = step,
               .number = number,
               .sock = names.value(step.socket, QStringLiteral("None")),
               .domain = domain.isEmpty() ? QStringLiteral("AF_INET") : domain,
               .reportZero = QStringLiteral("report(%1, \"%2\", 0)").arg(number).arg(call),
               .call = call,
               .created = names.value(step.creates)};
    switch (step.call) {
    case Call::Socket:
        return writeSocket(c);
    case Call::Bind:
    case Call::Connect:
        return writeBindOrConnect(c);
    case Call::Listen:
        return writeListen(c);
    case Call::Accept:
        return writeAccept(c);
    case Call::Send:
    case Call::SendTo:
        return writeSend(c);
    case Call::Recv:
    case Call::RecvFrom:
        return writeReceive(c);
    case Call::Shutdown:
        return writeShutdown(c);
    case Call::Close:
        return writeClose(c);
    case Call::GetSockName:
    case Call::GetPeerName:
        return writeAddressQuery(c);
    case Call::SetSockOpt:
        return writeSetSockOpt(c);
    case Call::Fcntl:
        return writeFcntl(c);
    case Call::Process:
        return writeProcess(c);
    }
}

} // namespace

void writePython(const Scenario &scenario, const QString &actor, const Options &options, ProgramWriter &w)
{
    const ProgramNeeds needs = needsOf(scenario, actor);
    const ScenarioActor *info = scenario.actor(actor);
    const QString title = info && !info->title.isEmpty() ? info->title : actor;
    w.line(QStringLiteral("#!/usr/bin/env python3"));
    w.line(QStringLiteral("# SocketScope: the %1 of \"%2\" (%3).")
               .arg(title.toLower(), scenario.title, scenario.id));
    w.line(QStringLiteral("# Generated from the scenario's steps: each block below is one call the %1 made,")
               .arg(title.toLower()));
    w.line(QStringLiteral("# with the narration of that step. After each call the program prints a line"));
    w.line(QStringLiteral("# \"step N call = result\" (and the errno's name when the call failed)."));
    w.line(QStringLiteral("#"));
    w.line(QStringLiteral("# Run:  python3 %1.py").arg(identifier(actor, {})));
    if (options.inStep) {
        w.line(
            QStringLiteral("# This copy runs in step with the other actors' programs: before each step it"));
        w.line(QStringLiteral("# waits for the step's number on standard input, which the runner writes."));
    }
    w.line();
    if (needs.socketFilter)
        w.line(QStringLiteral("import ctypes"));
    w.lines({QStringLiteral("import errno"), QStringLiteral("import fcntl"), QStringLiteral("import os"),
             QStringLiteral("import socket"), QStringLiteral("import struct")});
    if (options.inStep)
        w.line(QStringLiteral("import sys"));
    w.lines({{}, {}});
    writePythonHelpers(needs, options, w);
    QHash<QString, QString> names;
    QSet<QString> taken = pythonReserved();
    for (const QString &socket : needs.sockets) {
        const QString name = identifier(socket, taken);
        taken.insert(name);
        names.insert(socket, name);
    }
    if (needs.memory)
        w.line(QStringLiteral("received = b\"\"  # the bytes this program received last"));
    if (needs.sender)
        w.line(QStringLiteral("sender = None  # who sent the last datagram (recvfrom)"));
    if (needs.steps.isEmpty())
        w.line(QStringLiteral("# The %1 makes no call in this scenario.").arg(title.toLower()));
    for (const int index : needs.steps) {
        const ScenarioStep &step = scenario.steps.at(index);
        w.line();
        w.beginStep(index);
        w.line(QStringLiteral("# Step %1: %2").arg(index + 1).arg(stepHeading(step)));
        for (const QString &text : ProgramWriter::wrap(step.narration, 94))
            w.line(QStringLiteral("# ") + text);
        if (options.inStep)
            w.line(QStringLiteral("wait_for_turn(%1)").arg(index + 1));
        w.line(QStringLiteral("try:"));
        w.indent();
        writeCall(w, scenario, index, names);
        w.dedent();
        w.line(QStringLiteral("except OSError as error:"));
        w.line(QStringLiteral("    failed(%1, \"%2\", error)").arg(index + 1).arg(callName(step.call)));
        w.endStep();
    }
    if (options.inStep) {
        w.line();
        w.line(QStringLiteral("wait_for_turn(0)  # the sockets stay open until the others are done"));
    }
}

} // namespace codegen
