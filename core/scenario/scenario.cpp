#include "scenario/scenario.h"

const ScenarioActor *Scenario::actor(const QString &actorId) const
{
    for (const ScenarioActor &a : actors) {
        if (a.id == actorId)
            return &a;
    }
    return nullptr;
}

namespace {
const ScenarioStep *creatorOf(const Scenario &scenario, const QString &socket)
{
    for (const ScenarioStep &step : scenario.steps) {
        if (step.creates == socket && step.call == Call::Socket)
            return &step;
    }
    // An accepted socket has the listener's family and type.
    for (const ScenarioStep &step : scenario.steps) {
        if (step.creates == socket && step.call == Call::Accept)
            return creatorOf(scenario, step.socket);
    }
    return nullptr;
}
} // namespace

QString Scenario::domainOf(const QString &socket) const
{
    const ScenarioStep *step = creatorOf(*this, socket);
    return step ? step->args.value(QStringLiteral("domain")).toString() : QString();
}

QString Scenario::typeOf(const QString &socket) const
{
    const ScenarioStep *step = creatorOf(*this, socket);
    return step ? step->args.value(QStringLiteral("type")).toString() : QString();
}
