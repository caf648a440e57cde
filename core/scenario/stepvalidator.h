#pragma once

#include "scenario/scenario.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QString>

struct CallSpec;

/// Checks the steps of a scenario in script order: each call against its CallSpec, each socket name
/// against the sockets earlier steps made, each address against the loopback rule. A step that
/// fails throws jsoncheck::Failure with the JSON path and the reason.
class StepValidator
{
public:
    /// `steps` is the whole "steps" array: a socket used before the step that creates it is told
    /// apart from a name that nothing creates.
    StepValidator(const Scenario &scenario, const QJsonArray &steps);

    ScenarioStep validate(const QJsonObject &object, qsizetype index);

private:
    struct SocketInfo
    {
        QString actor;
        QString domain;
        QString type;
        QString protocol;
        bool open = true;
        bool bound = false; // a bind step that is not expected to fail gave it a loopback address
    };

    void checkSocketUse(const ScenarioStep &step, const QString &path) const;
    QVariantMap checkArgs(const CallSpec &spec, const QJsonValue &args, const QString &path) const;
    void checkSocketCall(const ScenarioStep &step, const QString &path) const;
    void checkAddressing(const ScenarioStep &step, const SocketInfo &socket, const QString &path) const;
    void checkExposure(const ScenarioStep &step, const QString &path) const;
    void checkPayload(const ScenarioStep &step, const SocketInfo &socket, const QString &path) const;
    Expectation checkExpectation(const CallSpec &spec, const QJsonValue &value, const QString &path) const;
    void recordSocket(const ScenarioStep &step, const QString &path);

    const Scenario &m_scenario;
    QHash<QString, qsizetype> m_firstCreation; // socket name → index of the first step naming it in "creates"
    QHash<QString, SocketInfo> m_sockets;      // sockets made by the steps checked so far
    QSet<QString> m_stepIds;
};
