#pragma once

#include "engine/callrunner.h"

#include <QString>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

class Session;

/// A program of the scenario (server, client, …): one thread that makes that actor's calls, one at
/// a time, and may wait in the kernel like a real process would.
class Actor
{
public:
    Actor(QString id, Session &session);
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
    Session &m_session;
    ActorMemory m_memory;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<int> m_queue;
    bool m_quit = false;
    std::thread m_thread;
};
