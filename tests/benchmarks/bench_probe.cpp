// The cost of one state probe (what runs after each step and on each captured packet) for ten
// sockets: TCP_INFO and the queue ioctls on every descriptor, and sock_diag when some socket has
// none. Prints the figures; the target is 50 µs per step.
#include "engine/socketfactory.h"
#include "privatenamespace.h"
#include "probe/stateprobe.h"
#include "testsupport.h"

#include <QCoreApplication>

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace {

double medianMicroseconds(StateProbe &probe, int rounds)
{
    std::vector<double> samples;
    samples.reserve(rounds);
    for (int i = 0; i < rounds; ++i) {
        const auto start = std::chrono::steady_clock::now();
        probe.probe();
        samples.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(samples.begin(), samples.end());
    return samples.at(samples.size() / 2);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const std::shared_ptr<SocketFactory> isolated = testsupport::PrivateNamespaceFactory::create();
    const bool inNamespace = isolated != nullptr;
    std::shared_ptr<SocketFactory> factory =
        inNamespace ? std::shared_ptr<SocketFactory>(isolated) : std::make_shared<HostSocketFactory>();
    // One listener, four clients and the four connections accepted for them, one UDP socket: ten.
    const QString where =
        QStringLiteral(R"("address": "127.0.0.1", "port": %1)").arg(inNamespace ? 8080 : 47811);
    QStringList steps{
        QStringLiteral(
            R"({"actor": "s", "call": "socket", "creates": "l", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})"),
        QStringLiteral(R"({"actor": "s", "call": "bind", "socket": "l", "args": {%1}})").arg(where),
        QStringLiteral(R"({"actor": "s", "call": "listen", "socket": "l", "args": {"backlog": 8}})"),
        QStringLiteral(
            R"({"actor": "s", "call": "socket", "creates": "u", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})")};
    for (int i = 0; i < 4; ++i) {
        steps
            << QStringLiteral(
                   R"({"actor": "c", "call": "socket", "creates": "c%1", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}})")
                   .arg(i)
            << QStringLiteral(R"({"actor": "c", "call": "connect", "socket": "c%1", "args": {%2}})")
                   .arg(i)
                   .arg(where)
            << QStringLiteral(R"({"actor": "s", "call": "accept", "socket": "l", "creates": "conn%1"})")
                   .arg(i);
    }
    steps << QStringLiteral(R"({"actor": "c", "call": "close", "socket": "c0"})");
    const Scenario scenario = testsupport::makeScenario({QStringLiteral("s"), QStringLiteral("c")}, steps);
    if (scenario.steps.size() != steps.size()) {
        std::fprintf(stderr, "the benchmark's scenario does not load\n");
        return 1;
    }
    SessionOptions options;
    options.settleQuiet = std::chrono::milliseconds(1);
    Session session(scenario, factory, options);
    auto probe = StateProbe::attachTo(session);
    for (qsizetype i = 0; i + 1 < scenario.steps.size(); ++i)
        session.step();
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // the follow-up after the last call ends

    const int rounds = 20000;
    std::printf("state probe, %s, ten sockets (1 listener, 8 connected TCP, 1 UDP)\n",
                inNamespace ? "private network namespace" : "host loopback");
    std::printf("  every socket has a descriptor (TCP_INFO + ioctls): %.1f µs per probe (median of %d)\n",
                medianMicroseconds(*probe, rounds), rounds);
    session.step(); // close c0: its connection lives on without a descriptor (FIN_WAIT2)
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    std::printf("  one socket without a descriptor (adds a sock_diag lookup by 4-tuple): %.1f µs per probe "
                "(median of %d)\n",
                medianMicroseconds(*probe, rounds), rounds);
    // What a full dump would cost instead: it walks the kernel's whole TCP table.
    SockDiag diag(factory->createSocket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG));
    std::vector<double> dumps;
    for (int i = 0; i < 2000; ++i) {
        const auto start = std::chrono::steady_clock::now();
        diag.tcpSockets(AF_INET, {quint16(inNamespace ? 8080 : 47811)});
        dumps.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(dumps.begin(), dumps.end());
    std::printf("  for comparison, one filtered sock_diag dump: %.1f µs (median of 2000); the probe dumps "
                "only when a\n"
                "  listener's accept queue changed\n",
                dumps.at(dumps.size() / 2));
    std::printf("  target: <= 50 µs per step\n");
    qint64 states = 0;
    for (qint64 i = 0; i < session.trace().size(); ++i)
        states += session.trace().at(i).state() ? 1 : 0;
    std::printf("  state events recorded: %lld (none while nothing changed)\n", states);
    return 0;
}
