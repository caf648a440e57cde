#include "engine/actor.h"

#include "engine/session.h"

Actor::Actor(QString id, Session &session)
    : m_id(std::move(id))
    , m_session(session)
    , m_thread([this] { run(); })
{
}

Actor::~Actor()
{
    stop();
}

void Actor::execute(int step)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(step);
    }
    m_wake.notify_one();
}

void Actor::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void Actor::run()
{
    for (;;) {
        int step;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || !m_queue.empty(); });
            if (m_quit)
                return;
            step = m_queue.front();
            m_queue.pop_front();
        }
        CallContext context;
        context.sockets = &m_session.m_sockets;
        context.factory = m_session.m_factory.get();
        context.unixDirectory = m_session.m_unixDirectory;
        context.cancelFd = m_session.m_cancelFd;
        context.memory = &m_memory;
        CallResult blockedResult;
        context.aboutToBlock = [&](int fd, short events) {
            blockedResult.fd = fd;
            blockedResult.blocked = true;
            m_session.callBlocked(*this, step, blockedResult, events);
        };
        context.enteringKernel = [&] { m_session.kernelEntered(step); };
        const CallResult result = performCall(m_session.m_scenario.steps.at(step), context);
        m_session.callReturned(*this, step, result);
    }
}
