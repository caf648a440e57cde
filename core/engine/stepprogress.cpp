#include "engine/stepprogress.h"

StepProgress::StepProgress(const Scenario &scenario)
{
    m_steps.reserve(size_t(scenario.steps.size()));
    for (const ScenarioStep &step : scenario.steps)
        m_steps.push_back(StepState{step.actor});
}

int StepProgress::next() const
{
    for (size_t i = 0; i < m_steps.size(); ++i) {
        if (m_steps[i].status == StepStatus::Idle)
            return int(i);
    }
    return -1;
}

int StepProgress::nextOf(const QString &actor) const
{
    for (size_t i = 0; i < m_steps.size(); ++i) {
        if (m_steps[i].status == StepStatus::Idle && m_steps[i].actor == actor)
            return int(i);
    }
    return -1;
}

int StepProgress::busyStepOf(const QString &actor) const
{
    for (size_t i = 0; i < m_steps.size(); ++i) {
        if (m_steps[i].isBusy() && m_steps[i].actor == actor)
            return int(i);
    }
    return -1;
}

bool StepProgress::anyBusy() const
{
    for (const StepState &step : m_steps) {
        if (step.isBusy())
            return true;
    }
    return false;
}

void StepProgress::waitInPoll(int step, int fd, short events)
{
    StepState &state = (*this)[step];
    state.waitFd = fd;
    state.waitEvents = events;
    m_polled.insert(step);
}

void StepProgress::leavePoll(int step)
{
    StepState &state = (*this)[step];
    state.waitFd = -1;
    state.waitEvents = 0;
    m_polled.erase(step);
}
