#pragma once

#include "engine/callrunner.h"

#include <QString>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

class Actor;

/// What an actor needs of the session that runs it, and what it tells the session about its calls.
/// Every call comes on the actor's own thread.
class ActorHost
{
public:
    /// The step's call, as the scenario gives it.
    virtual const ScenarioStep &stepAt(int step) const = 0;
    /// What a call works with besides its step: the session's sockets, socket factory, directory
    /// for Unix paths and cancel event. The actor adds its memory and the callbacks.
    virtual CallContext callContext() = 0;
    /// Step `step`'s call is about to enter the kernel.
    virtual void kernelEntered(int step) = 0;
    /// Step `step`'s call is about to wait in poll() for `fd` to become ready for `events`.
    virtual void callBlocked(const Actor &actor, int step, int fd, short events) = 0;
    /// Step `step`'s call returned, was cancelled, or was refused without a system call.
    virtual void callReturned(const Actor &actor, int step, const CallResult &result) = 0;

protected:
    ~ActorHost() = default;
};

/// A program of the scenario (server, client, …): one thread that makes that actor's calls, one at
/// a time, and may wait in the kernel like a real process would.
class Actor
{
public:
    Actor(QString id, ActorHost &host);
    ~Actor();
    Actor(const Actor &) = delete;
    Actor &operator=(const Actor &) = delete;

    const QString &id() const { return m_id; }
    /// Queues step `step` for this actor's thread.
    void execute(int step);
    /// Stops the thread after the call in progress (cancel the session first to wake it).
    void stop();

private:
    void run();

    QString m_id;
    ActorHost &m_host;
    ActorMemory m_memory;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<int> m_queue;
    bool m_quit = false;
    std::thread m_thread;
};
