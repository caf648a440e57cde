#pragma once

#include "scenario/call.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

/// What a step must produce for the run to follow the lesson. Empty means "not checked".
struct Expectation
{
    std::optional<qint64> result;   // exact return value
    bool ok = false;                // any result >= 0
    QString errnoName;              // the call must fail with this errno
    std::optional<QByteArray> data; // bytes a receiving call must deliver
    bool blocks = false;            // the call must wait before it returns

    bool isEmpty() const { return !result && !ok && errnoName.isEmpty() && !data && !blocks; }
};

struct ScenarioActor
{
    QString id;    // "server", "client", "client2", "pinger"
    QString title; // "Server", shown on the stage
};

/// One call by one actor, with symbolic arguments as written in the scenario file.
struct ScenarioStep
{
    QString id;
    QString actor;
    Call call = Call::Socket;
    QVariantMap args; // validated against the call's CallSpec
    QString socket;   // the socket the call uses
    QString creates;  // the socket the call creates (socket, accept)
    QString narration;
    Expectation expect;
};

/// A lesson: actors and their steps in script order. Loaded and validated by ScenarioLoader.
struct Scenario
{
    QString id;
    QString title;
    QString summary;
    QString level; // "first steps", "intermediate", "advanced"
    QStringList tags;
    QList<ScenarioActor> actors;
    QList<ScenarioStep> steps;
    QString source; // file name or ":/scenarios/…" resource

    const ScenarioActor *actor(const QString &actorId) const;
    /// The domain (AF_INET, AF_INET6, AF_UNIX) of the socket named `socket`, from the step that
    /// created it; empty when unknown.
    QString domainOf(const QString &socket) const;
    QString typeOf(const QString &socket) const;
};
