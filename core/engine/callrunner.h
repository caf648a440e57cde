#pragma once

#include "scenario/scenario.h"

#include <QByteArray>
#include <QString>

#include <functional>

class SocketFactory;
class SocketTable;

/// What an actor remembers between its calls, as a program would in its variables.
struct ActorMemory
{
    QByteArray received; // the bytes of the last recv/recvfrom (after any process step)
    QString lastSender;  // symbolic address of the last recvfrom
    int lastSenderDomain = 0;
    QByteArray lastSenderAddress; // raw sockaddr of the last recvfrom, for a reply
};

/// The outcome of one call as the kernel gave it.
struct CallResult
{
    qint64 result = 0;
    int error = 0;          // errno, 0 when the call succeeded
    bool blocked = false;   // the call had to wait
    bool cancelled = false; // the session was reset while the call waited
    QByteArray data;        // bytes sent or received
    QString created;        // name of a socket the call created
    int fd = -1;
    QString local;
    QString peer;
    QString detail; // "from 127.0.0.1:40312"
    qint64 durationNs = 0;
    /// Set when the engine did not make the call because it could reach beyond loopback; says why.
    QString refused;
};

/// Everything a call needs besides its step.
struct CallContext
{
    SocketTable *sockets = nullptr;
    SocketFactory *factory = nullptr;
    QString unixDirectory;
    int cancelFd = -1; // readable once the session is cancelled
    ActorMemory *memory = nullptr;
    /// Called on the actor's thread just before it waits for `fd` to become ready for `events`.
    std::function<void(int fd, short events)> aboutToBlock;
    /// Called on the actor's thread right before each system call: a call that has not returned
    /// some time after this waits inside the kernel (a connect retrying its SYN).
    std::function<void()> enteringKernel;
};

/// Performs the real system call a step describes. Runs on the actor's thread.
CallResult performCall(const ScenarioStep &step, CallContext &context);

/// The bytes a sending step puts on the wire (data, data_hex, echo, repeat).
QByteArray payloadOf(const ScenarioStep &step, const ActorMemory &memory);
/// What a process step makes of `input`.
QByteArray processBytes(const QString &transform, const QByteArray &input);
