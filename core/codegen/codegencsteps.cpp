// The C code of one step: a block per call, with the variables that call needs, and the line
// that reports its result.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"
#include "posix/dropfilter.h"
#include "posix/symbols.h"

namespace codegen {
namespace {

QString cFlags(const ScenarioStep &step, bool noSignal)
{
    QStringList names = step.args.value(QStringLiteral("flags")).toStringList();
    if (noSignal && !names.contains(QStringLiteral("MSG_NOSIGNAL")))
        names << QStringLiteral("MSG_NOSIGNAL");
    return names.isEmpty() ? QStringLiteral("0") : names.join(QStringLiteral(" | "));
}

QString cDomain(const Scenario &scenario, const ScenarioStep &step)
{
    const QString domain = scenario.domainOf(step.socket);
    return domain.isEmpty() ? QStringLiteral("AF_INET") : domain;
}

// Declares `address` and `length` for the step's address argument.
void writeAddress(ProgramWriter &w, const QString &domain, const ScenarioStep &step)
{
    const QString text = step.args.value(QStringLiteral("address")).toString();
    const int port = step.args.value(QStringLiteral("port")).toInt();
    if (domain == QLatin1String("AF_UNIX")) {
        w.line(QStringLiteral("struct sockaddr_un address;"));
        w.line(QStringLiteral("memset(&address, 0, sizeof address);"));
        w.line(QStringLiteral("address.sun_family = AF_UNIX;"));
        if (text.startsWith(u'@')) {
            const QByteArray name = text.mid(1).toUtf8();
            w.line(QStringLiteral("/* '@' names the abstract namespace: a leading zero byte, no file. */"));
            w.line(QStringLiteral("memcpy(address.sun_path + 1, %1, %2);")
                       .arg(ProgramWriter::cString(name))
                       .arg(name.size()));
            w.line(QStringLiteral("socklen_t length = offsetof(struct sockaddr_un, sun_path) + 1 + %1;")
                       .arg(name.size()));
        } else {
            w.line(QStringLiteral(
                "/* A path in the current folder (the app uses the session's own folder). */"));
            w.line(
                QStringLiteral("strcpy(address.sun_path, %1);").arg(ProgramWriter::cString(text.toUtf8())));
            w.line(QStringLiteral(
                "socklen_t length = offsetof(struct sockaddr_un, sun_path) + strlen(address.sun_path) + 1;"));
        }
        return;
    }
    const bool six = domain == QLatin1String("AF_INET6");
    const QString s = six ? QStringLiteral("sin6") : QStringLiteral("sin");
    w.line(QStringLiteral("struct sockaddr_%1 address;")
               .arg(six ? QStringLiteral("in6") : QStringLiteral("in")));
    w.line(QStringLiteral("memset(&address, 0, sizeof address);"));
    w.line(QStringLiteral("address.%1_family = %2;").arg(s, domain));
    w.line(QStringLiteral("address.%1_port = htons(%2);").arg(s).arg(port));
    w.line(QStringLiteral("inet_pton(%1, \"%2\", &address.%3_addr);").arg(domain, text, s));
    w.line(QStringLiteral("socklen_t length = sizeof address;"));
}

// Declares `message` and `message_length`: the bytes a sending step puts on the wire.
void writePayload(ProgramWriter &w, const ScenarioStep &step)
{
    const std::optional<QByteArray> literal = literalPayload(step);
    const int repeat = step.args.value(QStringLiteral("repeat"), 1).toInt();
    QString source = QStringLiteral("received");
    QString sourceLength = QStringLiteral("received_length");
    if (literal) {
        w.line(QStringLiteral("const char piece[] = %1;").arg(ProgramWriter::cString(*literal)));
        source = QStringLiteral("piece");
        sourceLength = QStringLiteral("(sizeof piece - 1)");
    }
    if (repeat > 1) {
        w.line(QStringLiteral("/* The same bytes %1 times over, in one call. */").arg(repeat));
        w.line(QStringLiteral("size_t message_length = %1 * %2;").arg(sourceLength).arg(repeat));
        w.line(QStringLiteral("char *message = malloc(message_length + 1);"));
        w.line(QStringLiteral("for (size_t i = 0; i < %1; ++i)").arg(repeat));
        w.line(QStringLiteral("    memcpy(message + i * %1, %2, %1);").arg(sourceLength, source));
    } else {
        w.line(QStringLiteral("const char *message = %1;").arg(source));
        w.line(QStringLiteral("size_t message_length = %1;").arg(sourceLength));
    }
    if (step.args.contains(QStringLiteral("icmp"))) {
        w.line(QStringLiteral("size_t packet_length = 0;"));
        w.line(QStringLiteral(
                   "unsigned char *packet = icmp_echo_request(message, message_length, %1, &packet_length);")
                   .arg(step.args.value(QStringLiteral("sequence"), 1).toInt()));
    }
}

void writeFreePayload(ProgramWriter &w, const ScenarioStep &step)
{
    if (step.args.contains(QStringLiteral("icmp")))
        w.line(QStringLiteral("free(packet);"));
    if (step.args.value(QStringLiteral("repeat"), 1).toInt() > 1)
        w.line(QStringLiteral("free(message);"));
}

// One step's call in the making: the writer, the step, and the C names it uses.
struct StepCode
{
    ProgramWriter &w;
    const ScenarioStep &step;
    int number = 0;  // the step's number as the program prints it
    QString fd;      // the variable of the step's socket
    QString domain;  // of the step's socket
    QString report;  // the line that prints the result
    QString call;    // the call's name, as C spells it
    QString created; // the variable of the socket the call creates

    QVariant arg(const QString &name, const QVariant &fallback = {}) const
    {
        return step.args.value(name, fallback);
    }
};

void writeSocket(StepCode &c)
{
    c.w.line(QStringLiteral("%1 = socket(%2, %3, %4);")
                 .arg(c.created, c.arg(QStringLiteral("domain")).toString(),
                      c.arg(QStringLiteral("type")).toString(),
                      c.arg(QStringLiteral("protocol"), QStringLiteral("0")).toString()));
    c.w.line(QStringLiteral("report(%1, \"socket\", %2);").arg(c.number).arg(c.created));
}

void writeBindOrConnect(StepCode &c)
{
    writeAddress(c.w, c.domain, c.step);
    if (c.step.call == Call::Bind && c.domain == QLatin1String("AF_UNIX") &&
        !c.arg(QStringLiteral("address")).toString().startsWith(u'@')) {
        c.w.line(QStringLiteral(
            "unlink(address.sun_path); /* a file left by an earlier run would be EADDRINUSE */"));
    }
    c.w.line(QStringLiteral("int result = %1(%2, (struct sockaddr *)&address, length);").arg(c.call, c.fd));
    c.w.line(c.report);
}

void writeListen(StepCode &c)
{
    c.w.line(QStringLiteral("int result = listen(%1, %2);")
                 .arg(c.fd)
                 .arg(c.arg(QStringLiteral("backlog")).toInt()));
    c.w.line(c.report);
}

void writeAccept(StepCode &c)
{
    c.w.line(QStringLiteral("struct sockaddr_storage peer;"));
    c.w.line(QStringLiteral("socklen_t peer_length = sizeof peer;"));
    c.w.line(QStringLiteral("%1 = accept(%2, (struct sockaddr *)&peer, &peer_length);").arg(c.created, c.fd));
    c.w.line(QStringLiteral("report(%1, \"accept\", %2);").arg(c.number).arg(c.created));
    c.w.line(QStringLiteral("if (%1 >= 0)").arg(c.created));
    c.w.line(QStringLiteral("    print_address(\"from\", &peer, peer_length);"));
}

// send and sendto.
void writeSend(StepCode &c)
{
    ProgramWriter &w = c.w;
    writePayload(w, c.step);
    const bool icmp = c.step.args.contains(QStringLiteral("icmp"));
    const QString bytes =
        icmp ? QStringLiteral("packet, packet_length") : QStringLiteral("message, message_length");
    const QString flags = cFlags(c.step, true);
    w.line(QStringLiteral("/* MSG_NOSIGNAL: a send on a closed connection fails with EPIPE instead of "
                          "ending the program. */"));
    if (c.step.call == Call::Send) {
        w.line(QStringLiteral("ssize_t result = send(%1, %2, %3);").arg(c.fd, bytes, flags));
    } else if (c.arg(QStringLiteral("reply")).toBool()) {
        w.line(QStringLiteral("/* Answer to the address the last recvfrom() reported. */"));
        w.line(QStringLiteral("ssize_t result = sendto(%1, %2, %3, sender_length ? (struct sockaddr "
                              "*)&sender : NULL, sender_length);")
                   .arg(c.fd, bytes, flags));
    } else if (c.step.args.contains(QStringLiteral("address"))) {
        writeAddress(w, c.domain, c.step);
        w.line(QStringLiteral("ssize_t result = sendto(%1, %2, %3, (struct sockaddr *)&address, length);")
                   .arg(c.fd, bytes, flags));
    } else {
        w.line(QStringLiteral("ssize_t result = sendto(%1, %2, %3, NULL, 0);").arg(c.fd, bytes, flags));
    }
    w.line(c.report);
    writeFreePayload(w, c.step);
}

// recv and recvfrom.
void writeReceive(StepCode &c)
{
    ProgramWriter &w = c.w;
    const int length = c.arg(QStringLiteral("length"), 1024).toInt();
    const bool peek = c.arg(QStringLiteral("flags")).toStringList().contains(QStringLiteral("MSG_PEEK"));
    const bool onHeap = length > 65536;
    if (onHeap)
        w.line(QStringLiteral("char *buffer = malloc(%1);").arg(length));
    else
        w.line(QStringLiteral("char buffer[%1];").arg(length));
    if (c.step.call == Call::Recv) {
        w.line(QStringLiteral("ssize_t result = recv(%1, buffer, %2, %3);")
                   .arg(c.fd)
                   .arg(length)
                   .arg(cFlags(c.step, false)));
    } else {
        w.line(QStringLiteral("struct sockaddr_storage from;"));
        w.line(QStringLiteral("socklen_t from_length = sizeof from;"));
        w.line(QStringLiteral(
                   "ssize_t result = recvfrom(%1, buffer, %2, %3, (struct sockaddr *)&from, &from_length);")
                   .arg(c.fd)
                   .arg(length)
                   .arg(cFlags(c.step, false)));
    }
    w.line(QStringLiteral("/* With MSG_TRUNC the result may be longer than the buffer. */"));
    w.line(QStringLiteral("size_t kept = result < 0 ? 0 : (size_t)result < %1 ? (size_t)result : %1;")
               .arg(length));
    w.line(QStringLiteral("report_data(%1, \"%2\", result, buffer, kept);").arg(c.number).arg(c.call));
    if (!peek) {
        w.line(QStringLiteral("if (result >= 0)"));
        w.line(QStringLiteral("    remember(buffer, kept);"));
    }
    if (c.step.call == Call::RecvFrom) {
        w.line(QStringLiteral("if (result >= 0 && from_length > 0) {"));
        w.line(QStringLiteral("    memcpy(&sender, &from, from_length);"));
        w.line(QStringLiteral("    sender_length = from_length;"));
        w.line(QStringLiteral("    print_address(\"from\", &from, from_length);"));
        w.line(QStringLiteral("}"));
    }
    if (onHeap)
        w.line(QStringLiteral("free(buffer);"));
}

void writeShutdown(StepCode &c)
{
    c.w.line(
        QStringLiteral("int result = shutdown(%1, %2);").arg(c.fd, c.arg(QStringLiteral("how")).toString()));
    c.w.line(c.report);
}

void writeClose(StepCode &c)
{
    c.w.line(QStringLiteral("int result = close(%1);").arg(c.fd));
    c.w.line(c.report);
}

// getsockname and getpeername.
void writeAddressQuery(StepCode &c)
{
    c.w.line(QStringLiteral("struct sockaddr_storage address;"));
    c.w.line(QStringLiteral("socklen_t length = sizeof address;"));
    c.w.line(QStringLiteral("int result = %1(%2, (struct sockaddr *)&address, &length);").arg(c.call, c.fd));
    c.w.line(c.report);
    c.w.line(QStringLiteral("if (result == 0)"));
    c.w.line(QStringLiteral("    print_address(\"address\", &address, length);"));
}

void writeSetSockOpt(StepCode &c)
{
    ProgramWriter &w = c.w;
    const QString option = c.arg(QStringLiteral("option")).toString();
    const auto known = symbols::socketOption(option);
    const QString level = known ? QLatin1String(known->levelName) : QStringLiteral("SOL_SOCKET");
    const int value = c.arg(QStringLiteral("value")).toInt();
    if (option == QLatin1String("SO_LINGER")) {
        w.line(QStringLiteral("/* SO_LINGER takes a struct: on, and how many seconds close() may wait. */"));
        w.line(QStringLiteral("struct linger value = {1, %1};").arg(value));
    } else if (option == QLatin1String("SO_ATTACH_FILTER")) {
        w.line(QStringLiteral("/* A classic BPF socket filter, run by the kernel on every packet that "
                              "arrives for this"));
        w.line(QStringLiteral(" * socket: it keeps a packet or drops it (here %1%), before the socket "
                              "sees it. */")
                   .arg(value));
        w.line(QStringLiteral("struct sock_filter filter[] = {"));
        for (const QString &instruction : dropfilter::cSource(value))
            w.line(QStringLiteral("    ") + instruction);
        w.line(QStringLiteral("};"));
        w.line(QStringLiteral("struct sock_fprog value = {sizeof filter / sizeof filter[0], filter};"));
    } else {
        w.line(QStringLiteral("int value = %1;").arg(value));
    }
    w.line(QStringLiteral("int result = setsockopt(%1, %2, %3, &value, sizeof value);")
               .arg(c.fd, level, option));
    w.line(c.report);
}

void writeFcntl(StepCode &c)
{
    const bool on = c.arg(QStringLiteral("O_NONBLOCK"), true).toBool();
    c.w.line(QStringLiteral("int flags = fcntl(%1, F_GETFL);").arg(c.fd));
    c.w.line(QStringLiteral("if (flags >= 0)"));
    c.w.line(
        QStringLiteral("    flags = fcntl(%1, F_SETFL, %2);")
            .arg(c.fd, on ? QStringLiteral("flags | O_NONBLOCK") : QStringLiteral("flags & ~O_NONBLOCK")));
    c.w.line(QStringLiteral("int result = flags < 0 ? -1 : 0;"));
    c.w.line(c.report);
}

void writeProcess(StepCode &c)
{
    ProgramWriter &w = c.w;
    const QString transform = c.arg(QStringLiteral("transform")).toString();
    w.line(QStringLiteral("/* No system call: the program works on the bytes it received. */"));
    if (transform == QLatin1String("uppercase")) {
        w.line(QStringLiteral("for (size_t i = 0; i < received_length; ++i)"));
        w.line(QStringLiteral("    received[i] = (char)toupper((unsigned char)received[i]);"));
    } else if (transform == QLatin1String("reverse")) {
        w.line(QStringLiteral("for (size_t i = 0; i < received_length / 2; ++i) {"));
        w.line(QStringLiteral("    char c = received[i];"));
        w.line(QStringLiteral("    received[i] = received[received_length - 1 - i];"));
        w.line(QStringLiteral("    received[received_length - 1 - i] = c;"));
        w.line(QStringLiteral("}"));
    } else {
        w.line(QStringLiteral("http_response();"));
    }
    w.line(QStringLiteral("report_data(%1, \"process\", (long)received_length, received, received_length);")
               .arg(c.number));
}

// The step's code in a block of its own, so that each step may declare `result`, `address`, ….
void writeBlock(StepCode &c, void (*write)(StepCode &))
{
    c.w.line(QStringLiteral("{"));
    c.w.indent();
    write(c);
    c.w.dedent();
    c.w.line(QStringLiteral("}"));
}

} // namespace

void writeCStep(ProgramWriter &w, const Scenario &scenario, int index, const QHash<QString, QString> &names)
{
    const ScenarioStep &step = scenario.steps.at(index);
    const int number = index + 1;
    const QString call = callName(step.call);
    StepCode c{.w = w,
               .step = step,
               .number = number,
               .fd = names.value(step.socket, QStringLiteral("-1")),
               .domain = cDomain(scenario, step),
               .report = QStringLiteral("report(%1, \"%2\", result);").arg(number).arg(call),
               .call = call,
               .created = names.value(step.creates)};
    switch (step.call) {
    case Call::Socket:
        // The descriptor outlives the step: no block around it.
        return writeSocket(c);
    case Call::Bind:
    case Call::Connect:
        return writeBlock(c, writeBindOrConnect);
    case Call::Listen:
        return writeBlock(c, writeListen);
    case Call::Accept:
        return writeBlock(c, writeAccept);
    case Call::Send:
    case Call::SendTo:
        return writeBlock(c, writeSend);
    case Call::Recv:
    case Call::RecvFrom:
        return writeBlock(c, writeReceive);
    case Call::Shutdown:
        return writeBlock(c, writeShutdown);
    case Call::Close:
        return writeBlock(c, writeClose);
    case Call::GetSockName:
    case Call::GetPeerName:
        return writeBlock(c, writeAddressQuery);
    case Call::SetSockOpt:
        return writeBlock(c, writeSetSockOpt);
    case Call::Fcntl:
        return writeBlock(c, writeFcntl);
    case Call::Process:
        return writeBlock(c, writeProcess);
    }
}

} // namespace codegen
