#include "setup/sessionsetup.h"

#include "capture/packettap.h"
#include "engine/sandboxclient.h"
#include "engine/socketfactory.h"
#include "probe/stateprobe.h"

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// The ports a scenario names: on the host's loopback only their traffic is the session's.
QList<quint16> scenarioPorts(const Scenario &scenario)
{
    QList<quint16> ports;
    for (const ScenarioStep &step : scenario.steps) {
        bool ok = false;
        const int port = step.args.value(QStringLiteral("port")).toInt(&ok);
        if (ok && port > 0 && port < 65536 && !ports.contains(quint16(port)))
            ports << quint16(port);
    }
    return ports;
}

// Attaches the packet tap on the sandbox's lo. Returns an empty string, or why there is none.
QString attachSandboxTap(SessionSetup &setup, SandboxClient &sandbox)
{
    int loopback = 0;
    const int fd = sandbox.createPacketSocket(&loopback);
    if (fd < 0)
        return QStringLiteral("the packet socket: %1").arg(errnoText(-fd));
    QString error;
    // The namespace is private: everything on its lo is the session's.
    auto tap = PacketTap::start(*setup.session, fd, loopback, packetfilter::allIp(), &error);
    if (!tap)
        return error;
    setup.session->attach(tap);
    setup.tap = tap;
    return {};
}

// On the host's loopback a packet socket needs CAP_NET_RAW; trying is the only sure test.
QString attachHostTap(SessionSetup &setup, const Scenario &scenario)
{
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errnoText(errno);
    QString error;
    auto tap = PacketTap::start(*setup.session, fd, int(::if_nametoindex("lo")),
                                packetfilter::ports(scenarioPorts(scenario)), &error);
    if (!tap)
        return error;
    setup.session->attach(tap);
    setup.tap = tap;
    return {};
}

void attachStateProbe(SessionSetup &setup)
{
    // The diagnostics socket must see the session's sockets: in the sandbox the helper makes it in
    // the namespace; on the host a plain user may open one.
    const int diagFd = setup.sandbox ? setup.sandbox->createDiagSocket()
                                     : ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    StateProbe::attachTo(*setup.session, diagFd >= 0 ? diagFd : -1);
}

} // namespace

SessionSetup setUpSession(const Scenario &scenario, const SessionSetupOptions &options)
{
    SessionSetup setup;
    QString whyNotSandbox = QStringLiteral("--host-loopback was asked for");
    if (!options.hostLoopback) {
        auto sandbox = SandboxClient::start();
        if (sandbox->isReady()) {
            auto factory = std::make_shared<SandboxSocketFactory>(sandbox);
            setup.session = std::make_unique<Session>(scenario, factory, options.session);
            setup.sandbox = sandbox;
            setup.mode = factory->mode();
            const QString noTap = attachSandboxTap(setup, *sandbox);
            setup.capture = noTap.isEmpty();
            setup.description =
                setup.capture ? factory->description()
                              : QStringLiteral("Sandbox: the sockets live in a private network namespace, "
                                               "but its packets cannot be captured (%1), so none are shown.")
                                    .arg(noTap);
            attachStateProbe(setup);
            return setup;
        }
        whyNotSandbox =
            QStringLiteral("the private network sandbox could not be entered (%1)").arg(sandbox->error());
    }

    auto factory = std::make_shared<HostSocketFactory>();
    setup.session = std::make_unique<Session>(scenario, factory, options.session);
    setup.mode = factory->mode();
    const QString noTap = attachHostTap(setup, scenario);
    setup.capture = noTap.isEmpty();
    if (setup.capture) {
        setup.description =
            QStringLiteral("Host loopback, because %1: the sockets are real and the packets to and "
                           "from the scenario's ports are captured (this process may capture, "
                           "CAP_NET_RAW), together with any other program's traffic on those ports.")
                .arg(whyNotSandbox);
    } else {
        setup.description =
            QStringLiteral("Host loopback, because %1: the sockets and their states are real, but "
                           "packets cannot be seen: capturing on the host needs the CAP_NET_RAW "
                           "privilege (packet socket: %2), so none are shown.")
                .arg(whyNotSandbox, noTap);
    }
    attachStateProbe(setup);
    return setup;
}
