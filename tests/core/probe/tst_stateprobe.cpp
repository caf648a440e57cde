#include "probe/stateprobe.h"

#include "engine/socketfactory.h"
#include "privatenamespace.h"
#include "testsupport.h"

#include <QTest>

#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

using testsupport::makeScenario;

namespace {

// Sockets in a fresh network namespace of the test's own (root only; CI runs as root): nothing
// else lives there, so fixed ports are free and every state seen is the test's.
std::shared_ptr<SocketFactory> anyFactory()
{
    if (auto factory = testsupport::PrivateNamespaceFactory::create())
        return factory;
    return std::make_shared<HostSocketFactory>();
}

SessionOptions quickOptions()
{
    SessionOptions options;
    options.settleQuiet = std::chrono::milliseconds(2);
    options.settleLimit = std::chrono::milliseconds(100);
    options.blockedWaitLimit = std::chrono::seconds(5);
    return options;
}

// A port for the host's loopback, where others may be listening: one the kernel just gave out.
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

QStringList states(const Trace &trace)
{
    QStringList out;
    for (qint64 i = 0; i < trace.size(); ++i) {
        if (const StateInfo *state = trace.at(i).state())
            out << state->socket + u' ' + state->from + QStringLiteral(">") + state->to + u' ' +
                       state->source;
    }
    return out;
}

const StateInfo *lastState(const Trace &trace, const QString &socket)
{
    const StateInfo *found = nullptr;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const StateInfo *state = trace.at(i).state();
        if (state && state->socket == socket)
            found = state;
    }
    return found;
}

QList<QueueInfo> queues(const Trace &trace, const QString &socket)
{
    QList<QueueInfo> out;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const QueueInfo *queue = trace.at(i).queue();
        if (queue && queue->socket == socket && queue->taken.isEmpty())
            out << *queue;
    }
    return out;
}

/// The queued connections accept() took from `listener`'s queue: "queued name>accepted socket".
QStringList taken(const Trace &trace, const QString &listener)
{
    QStringList out;
    for (qint64 i = 0; i < trace.size(); ++i) {
        const QueueInfo *queue = trace.at(i).queue();
        if (queue && queue->socket == listener && !queue->taken.isEmpty())
            out << queue->taken + u'>' + queue->takenAs;
    }
    return out;
}

QString step(const QString &actor, const QString &call, const QString &socket,
             const QString &args = QString())
{
    const bool creates = call == QLatin1String("socket") || call == QLatin1String("accept");
    QString json = QStringLiteral(R"({"actor": "%1", "call": "%2")").arg(actor, call);
    if (creates && call == QLatin1String("accept"))
        json += QStringLiteral(R"(, "socket": "l", "creates": "%1")").arg(socket);
    else
        json += QStringLiteral(R"(, "%1": "%2")")
                    .arg(creates ? QStringLiteral("creates") : QStringLiteral("socket"), socket);
    if (!args.isEmpty())
        json += QStringLiteral(R"(, "args": {%1})").arg(args);
    return json + u'}';
}

} // namespace

class TestStateProbe : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tcpLifeCycle();
    void diagPortFilter();
    void udpReportsWhatApplies();
    void unixTransfersAreNotPackets();
    void resetForgets();
};

void TestStateProbe::tcpLifeCycle()
{
    auto factory = anyFactory();
    const int port = factory->mode() == QLatin1String("sandbox") ? 8080 : freePort();
    const QString where = QStringLiteral(R"("address": "127.0.0.1", "port": %1)").arg(port);
    const QString stream = QStringLiteral(R"("domain": "AF_INET", "type": "SOCK_STREAM")");
    const Scenario scenario =
        makeScenario({QStringLiteral("s"), QStringLiteral("c"), QStringLiteral("d")},
                     {step(QStringLiteral("s"), QStringLiteral("socket"), QStringLiteral("l"), stream),
                      step(QStringLiteral("s"), QStringLiteral("bind"), QStringLiteral("l"), where),
                      step(QStringLiteral("s"), QStringLiteral("listen"), QStringLiteral("l"),
                           QStringLiteral(R"("backlog": 1)")),
                      step(QStringLiteral("c"), QStringLiteral("socket"), QStringLiteral("c"), stream),
                      step(QStringLiteral("c"), QStringLiteral("connect"), QStringLiteral("c"), where),
                      step(QStringLiteral("d"), QStringLiteral("socket"), QStringLiteral("d"), stream),
                      step(QStringLiteral("d"), QStringLiteral("connect"), QStringLiteral("d"), where),
                      step(QStringLiteral("s"), QStringLiteral("accept"), QStringLiteral("conn")),
                      step(QStringLiteral("c"), QStringLiteral("send"), QStringLiteral("c"),
                           QStringLiteral(R"("data": "hello")")),
                      step(QStringLiteral("s"), QStringLiteral("recv"), QStringLiteral("conn"),
                           QStringLiteral(R"("length": 64)")),
                      step(QStringLiteral("c"), QStringLiteral("close"), QStringLiteral("c")),
                      step(QStringLiteral("s"), QStringLiteral("close"), QStringLiteral("conn"))});
    QCOMPARE(scenario.steps.size(), 12);
    Session session(scenario, factory, quickOptions());
    auto probe = StateProbe::attachTo(session);
    if (!probe->hasDiagnostics())
        QSKIP("NETLINK_SOCK_DIAG cannot be opened here");
    for (int i = 0; i < 8; ++i)
        QCOMPARE(int(session.step().status), int(StepOutcome::Status::Returned));

    const Trace &trace = session.trace();
    // A probe records on the calling actor's thread, which may lag behind a settled step.
    QTRY_VERIFY_WITH_TIMEOUT(states(trace).contains(QStringLiteral("conn >ESTABLISHED tcp_info")) &&
                                 queues(trace, QStringLiteral("l")).size() == 4,
                             2000);
    const QStringList seen = states(trace);
    QVERIFY2(seen.contains(QStringLiteral("l CLOSED>LISTEN tcp_info")), qPrintable(seen.join(u'\n')));
    // connect() may be caught in SYN_SENT by a probe that runs meanwhile; it ends ESTABLISHED.
    QVERIFY2(seen.contains(QStringLiteral("c CLOSED>ESTABLISHED tcp_info")) ||
                 seen.contains(QStringLiteral("c SYN_SENT>ESTABLISHED tcp_info")),
             qPrintable(seen.join(u'\n')));
    // Two connections wait in the accept queue (backlog 1 holds two); accept() takes the first.
    QStringList queued = seen.filter(QStringLiteral("l:queued 127.0.0.1:"));
    QCOMPARE(queued.size(), 2);
    QVERIFY(queued.at(0).endsWith(QStringLiteral(" >ESTABLISHED sock_diag")));
    QVERIFY(queued.at(1).endsWith(QStringLiteral(" >ESTABLISHED sock_diag")));
    // Taking a connection from the queue is no change of its state: the listener's queue says
    // which one accept() took and which socket it is now.
    QTRY_COMPARE_WITH_TIMEOUT(taken(trace, QStringLiteral("l")),
                              QStringList{queued.at(0).section(u' ', 0, 1) + QStringLiteral(">conn")}, 2000);
    QVERIFY(seen.contains(QStringLiteral("conn >ESTABLISHED tcp_info")));
    QList<int> acceptQueue;
    for (const QueueInfo &queue : queues(trace, QStringLiteral("l"))) {
        acceptQueue << queue.acceptQueue;
        QCOMPARE(queue.backlog, 1);
    }
    QCOMPARE(acceptQueue, (QList<int>{0, 1, 2, 1}));

    session.step(); // send "hello": it waits in conn's receive queue
    QTRY_COMPARE_WITH_TIMEOUT(queues(trace, QStringLiteral("conn")).value(0).receiveQueue, 5, 2000);
    session.step(); // recv empties it
    QTRY_COMPARE_WITH_TIMEOUT(queues(trace, QStringLiteral("conn")).value(1).receiveQueue, 0, 2000);

    // The client closes first. The peer delays its ACK of the FIN (40 ms or more): the
    // probe looks again by itself for a while after each call.
    session.step();
    QTRY_VERIFY2_WITH_TIMEOUT(lastState(trace, QStringLiteral("c"))->to == QLatin1String("FIN_WAIT2"),
                              qPrintable(states(trace).join(u'\n')), 2000);
    QCOMPARE(lastState(trace, QStringLiteral("c"))->source,
             QStringLiteral("sock_diag")); // no descriptor left
    QTRY_COMPARE_WITH_TIMEOUT(lastState(trace, QStringLiteral("conn"))->to, QStringLiteral("CLOSE_WAIT"),
                              2000);

    session.step(); // then the server: the client's side lingers in TIME_WAIT
    QTRY_COMPARE_WITH_TIMEOUT(lastState(trace, QStringLiteral("c"))->to, QStringLiteral("TIME_WAIT"), 2000);
    const StateInfo *timeWait = lastState(trace, QStringLiteral("c"));
    QVERIFY2(timeWait->expiresMs > 50000 && timeWait->expiresMs <= 60000,
             qPrintable(QString::number(timeWait->expiresMs)));
    QVERIFY(timeWait->local.endsWith(u':' + queued.at(0).section(u' ', 1, 1).section(u':', 1)));
    QTRY_COMPARE_WITH_TIMEOUT((probe->probe(), lastState(trace, QStringLiteral("conn"))->to),
                              QStringLiteral("CLOSED"), 2000);
    // The second client is still in the accept queue, never accepted.
    QCOMPARE(lastState(trace, queued.at(1).section(u' ', 0, 1))->to, QStringLiteral("ESTABLISHED"));
}

void TestStateProbe::diagPortFilter()
{
    auto factory = anyFactory();
    const int diagFd = factory->createSocket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
    if (diagFd < 0)
        QSKIP("NETLINK_SOCK_DIAG cannot be opened here");
    SockDiag diag(diagFd);
    const int listener = factory->createSocket(AF_INET, SOCK_STREAM, 0);
    const int client = factory->createSocket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(listener >= 0 && client >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QCOMPARE(::listen(listener, 3), 0);
    socklen_t length = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length);
    QCOMPARE(::connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    const quint16 port = ntohs(address.sin_port);

    const auto matching = diag.tcpSockets(AF_INET, {port});
    QVERIFY2(matching, qPrintable(QString::fromLocal8Bit(std::strerror(diag.lastError()))));
    QCOMPARE(matching->size(), 3); // the listener, the client, and the connection in the accept queue
    QStringList described;
    for (const DiagSocket &socket : *matching)
        described << tcpStateName(socket.state) + u' ' + QString::number(socket.receiveQueue) + u'/' +
                         QString::number(socket.sendQueue);
    described.sort();
    QCOMPARE(described, (QStringList{QStringLiteral("ESTABLISHED 0/0"), QStringLiteral("ESTABLISHED 0/0"),
                                     QStringLiteral("LISTEN 1/3")}));
    // Two ports (four conditions) still pass the kernel's audit of the bytecode.
    const auto twoPorts = diag.tcpSockets(AF_INET, {quint16(port == 1 ? 2 : 1), port});
    QVERIFY(twoPorts);
    QCOMPARE(twoPorts->size(), 3);
    const auto none = diag.tcpSockets(AF_INET, {quint16(port == 1 ? 2 : 1)});
    QVERIFY(none);
    for (const DiagSocket &socket : *none)
        QVERIFY(socket.localPort != port && socket.peerPort != port);
    ::close(listener);
    ::close(client);
}

void TestStateProbe::udpReportsWhatApplies()
{
    auto factory = anyFactory();
    const int port = factory->mode() == QLatin1String("sandbox") ? 9999 : freePort();
    const QString where = QStringLiteral(R"("address": "127.0.0.1", "port": %1)").arg(port);
    const QString datagram = QStringLiteral(R"("domain": "AF_INET", "type": "SOCK_DGRAM")");
    const Scenario scenario =
        makeScenario({QStringLiteral("s"), QStringLiteral("c")},
                     {step(QStringLiteral("s"), QStringLiteral("socket"), QStringLiteral("u"), datagram),
                      step(QStringLiteral("s"), QStringLiteral("bind"), QStringLiteral("u"), where),
                      step(QStringLiteral("c"), QStringLiteral("socket"), QStringLiteral("v"), datagram),
                      step(QStringLiteral("c"), QStringLiteral("sendto"), QStringLiteral("v"),
                           where + QStringLiteral(R"(, "data": "ping!")")),
                      step(QStringLiteral("c"), QStringLiteral("connect"), QStringLiteral("v"), where)});
    QCOMPARE(scenario.steps.size(), 5);
    Session session(scenario, factory, quickOptions());
    StateProbe::attachTo(session);
    QVERIFY(session.runToEnd());
    const auto of = [&](const QString &socket) {
        QStringList lines;
        for (const QString &line : states(session.trace())) {
            if (line.startsWith(socket + u' '))
                lines << line;
        }
        return lines.join(QStringLiteral("; "));
    };
    // sendto() gave the client an ephemeral port; connect() then fixed its peer.
    QTRY_COMPARE_WITH_TIMEOUT(
        of(QStringLiteral("v")),
        QStringLiteral("v >UNBOUND sockname; v UNBOUND>BOUND sockname; v BOUND>CONNECTED sockname"), 2000);
    QCOMPARE(of(QStringLiteral("u")), QStringLiteral("u >UNBOUND sockname; u UNBOUND>BOUND sockname"));
    QCOMPARE(queues(session.trace(), QStringLiteral("u")).value(0).receiveQueue, 5);
    for (const QString &line : states(session.trace()))
        QVERIFY2(!line.contains(QStringLiteral("ESTABLISHED")), qPrintable(line));
}

void TestStateProbe::unixTransfersAreNotPackets()
{
    const Scenario scenario =
        makeScenario({QStringLiteral("s"), QStringLiteral("c")},
                     {step(QStringLiteral("s"), QStringLiteral("socket"), QStringLiteral("l"),
                           QStringLiteral(R"("domain": "AF_UNIX", "type": "SOCK_STREAM")")),
                      step(QStringLiteral("s"), QStringLiteral("bind"), QStringLiteral("l"),
                           QStringLiteral(R"("address": "echo.sock")")),
                      step(QStringLiteral("s"), QStringLiteral("listen"), QStringLiteral("l"),
                           QStringLiteral(R"("backlog": 5)")),
                      step(QStringLiteral("c"), QStringLiteral("socket"), QStringLiteral("c"),
                           QStringLiteral(R"("domain": "AF_UNIX", "type": "SOCK_STREAM")")),
                      step(QStringLiteral("c"), QStringLiteral("connect"), QStringLiteral("c"),
                           QStringLiteral(R"("address": "echo.sock")")),
                      step(QStringLiteral("s"), QStringLiteral("accept"), QStringLiteral("conn")),
                      step(QStringLiteral("c"), QStringLiteral("send"), QStringLiteral("c"),
                           QStringLiteral(R"("data": "hello over a path\n")")),
                      step(QStringLiteral("s"), QStringLiteral("recv"), QStringLiteral("conn"),
                           QStringLiteral(R"("length": 1024)")),
                      step(QStringLiteral("s"), QStringLiteral("send"), QStringLiteral("conn"),
                           QStringLiteral(R"("echo": true)"))});
    QCOMPARE(scenario.steps.size(), 9);
    Session session(scenario, anyFactory(), quickOptions());
    auto probe = StateProbe::attachTo(session);
    QVERIFY(session.runToEnd());
    const Trace &trace = session.trace();
    const auto transferCount = [&] {
        int n = 0;
        for (qint64 i = 0; i < trace.size(); ++i)
            n += trace.at(i).transfer() ? 1 : 0;
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(transferCount(), 2, 2000);
    QList<TransferInfo> transfers;
    for (qint64 i = 0; i < trace.size(); ++i) {
        QVERIFY(!trace.at(i).packet());
        if (const TransferInfo *transfer = trace.at(i).transfer()) {
            transfers << *transfer;
            // Each transfer belongs to the send that caused it.
            const CallInfo *cause = trace.at(trace.at(i).cause).call();
            QVERIFY(cause);
            QCOMPARE(cause->call, QStringLiteral("send"));
            QCOMPARE(cause->socket, transfer->from);
        }
    }
    QCOMPARE(transfers.size(), 2);
    QCOMPARE(transfers.at(0).from, QStringLiteral("c"));
    QCOMPARE(transfers.at(0).to, QStringLiteral("conn"));
    QCOMPARE(transfers.at(0).len, 18);
    QCOMPARE(transfers.at(0).data, QByteArray("hello over a path\n"));
    QCOMPARE(transfers.at(1).from, QStringLiteral("conn"));
    QCOMPARE(transfers.at(1).to, QStringLiteral("c"));
    QCOMPARE(transfers.at(1).len, 18);
    const QStringList seen = states(trace);
    QVERIFY2(seen.contains(QStringLiteral("l BOUND>LISTEN sockname")), qPrintable(seen.join(u'\n')));
    QVERIFY(seen.contains(QStringLiteral("c UNBOUND>CONNECTED sockname")));
    if (probe->hasDiagnostics()) {
        // unix_diag shows the connection that waited for accept().
        QList<int> acceptQueue;
        for (const QueueInfo &queue : queues(trace, QStringLiteral("l")))
            acceptQueue << queue.acceptQueue;
        QCOMPARE(acceptQueue, (QList<int>{0, 1, 0}));
    }
}

void TestStateProbe::resetForgets()
{
    auto factory = anyFactory();
    const Scenario scenario = makeScenario(
        {QStringLiteral("s")}, {step(QStringLiteral("s"), QStringLiteral("socket"), QStringLiteral("l"),
                                     QStringLiteral(R"("domain": "AF_INET", "type": "SOCK_STREAM")"))});
    auto session = std::make_unique<Session>(scenario, factory, quickOptions());
    StateProbe::attachTo(*session);
    session->step();
    QTRY_COMPARE_WITH_TIMEOUT(states(session->trace()), QStringList{QStringLiteral("l >CLOSED tcp_info")},
                              2000);
    // Reset as the window does it: the session is cancelled, a new one with its own probe is made,
    // and the old one is destroyed before the new one steps.
    session->cancel();
    auto fresh = std::make_unique<Session>(scenario, factory, quickOptions());
    StateProbe::attachTo(*fresh);
    session = std::move(fresh);
    QCOMPARE(session->trace().size(), 0);
    session->step();
    // A new session's socket is new to the probe too: its first state is recorded again.
    QTRY_COMPARE_WITH_TIMEOUT(states(session->trace()), QStringList{QStringLiteral("l >CLOSED tcp_info")},
                              2000);
}

QTEST_GUILESS_MAIN(TestStateProbe)
#include "tst_stateprobe.moc"
