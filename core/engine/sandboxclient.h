#pragma once

#include "engine/socketfactory.h"

#include <QString>

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>

/// The app's side of the sandbox helper (socketscope-sandbox): starts it, and asks it for sockets
/// made inside its private user + network namespace. The helper dies with this object, and with
/// the app if the app is killed (it exits on the end of the control socket, and it asked the kernel
/// for SIGKILL when its parent dies). Thread-safe.
///
/// Start it from a thread that lives as long as the app (the main thread): the kernel's "parent
/// died" signal fires when the thread that forked the helper ends.
class SandboxClient
{
public:
    /// Starts the helper found at helperPath() and waits until its namespace is ready.
    static std::shared_ptr<SandboxClient> start();
    /// $SOCKETSCOPE_SANDBOX, or socketscope-sandbox next to the running program.
    static QString helperPath();

    ~SandboxClient();
    SandboxClient(const SandboxClient &) = delete;
    SandboxClient &operator=(const SandboxClient &) = delete;

    bool isReady() const { return m_ready; }
    /// Why the sandbox could not be entered, for the reader ("unshare: Operation not permitted").
    QString error() const { return m_error; }
    /// The helper's process id: `nsenter -U -n -t PID` joins the sandbox from a terminal.
    pid_t helperPid() const { return m_pid; }
    /// TSO and GSO are off on the private lo, so segments show at their real size.
    bool segmentationOff() const { return m_segmentationOff; }
    /// Ping sockets (SOCK_DGRAM, IPPROTO_ICMP) are allowed in the sandbox.
    bool pingAllowed() const { return m_pingAllowed; }

    /// A socket in the sandbox (close-on-exec), or -errno.
    int createSocket(int domain, int type, int protocol);
    /// A packet socket that receives nothing until bound (attach a filter first), or -errno;
    /// `loopbackIndex` receives the index of the sandbox's lo to bind it to.
    int createPacketSocket(int *loopbackIndex);
    /// A NETLINK_SOCK_DIAG socket that sees the sandbox's sockets, or -errno.
    int createDiagSocket();

private:
    SandboxClient() = default;
    void launch();
    int request(std::uint32_t op, int domain, int type, int protocol, int *value);

    std::mutex m_mutex; // one request and its reply at a time
    int m_control = -1;
    pid_t m_pid = -1;
    bool m_ready = false;
    bool m_segmentationOff = false;
    bool m_pingAllowed = false;
    QString m_error;
};

/// Sockets made by the sandbox helper: they live in its private network namespace.
class SandboxSocketFactory : public SocketFactory
{
public:
    explicit SandboxSocketFactory(std::shared_ptr<SandboxClient> client);
    int createSocket(int domain, int type, int protocol) override;
    QString mode() const override { return QStringLiteral("sandbox"); }
    bool canCapture() const override { return true; }
    QString description() const override;
    SandboxClient &client() const { return *m_client; }

private:
    std::shared_ptr<SandboxClient> m_client;
};
