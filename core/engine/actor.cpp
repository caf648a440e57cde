#include "engine/actor.h"

Actor::Actor(QString id, ActorHost &host)
    : m_id(std::move(id))
    , m_host(host)
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
        CallContext context = m_host.callContext();
        context.memory = &m_memory;
        context.aboutToBlock = [&](int fd, short events) { m_host.callBlocked(*this, step, fd, events); };
        context.enteringKernel = [&] { m_host.kernelEntered(step); };
        const CallResult result = performCall(m_host.stepAt(step), context);
        m_host.callReturned(*this, step, result);
    }
}
