#pragma once

#include "engine/session.h"
#include "scenario/scenario.h"

#include <QString>

#include <memory>

class PacketTap;
class SandboxClient;

/// How a session should be made.
struct SessionSetupOptions
{
    bool hostLoopback = false; // never try the sandbox
    SessionOptions session;
};

/// The one place that decides where a session's sockets live (sandbox or host loopback), and
/// attaches what watches it (packet tap, state probe). Used by the command line and the window.
struct SessionSetup
{
    std::unique_ptr<Session> session;
    QString mode;                           // "sandbox" or "host"
    bool capture = false;                   // packets are being captured
    QString description;                    // a sentence for the reader about the mode and why
    std::shared_ptr<SandboxClient> sandbox; // null on the host's loopback
    std::weak_ptr<PacketTap> tap;           // owned by the session; expired without capture
};

SessionSetup setUpSession(const Scenario &scenario, const SessionSetupOptions &options = {});
