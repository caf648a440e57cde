#pragma once

#include "exercise/exercise.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

/// Reads an exercise's "questions" against the scenario they ask about: each step, socket, measure
/// and choice is checked before anything runs, and a check that fails throws a jsoncheck::Failure
/// naming the place and the reason.
class QuestionReader
{
public:
    /// An exercise asks at most this many questions.
    static constexpr qsizetype MaxQuestions = 200;

    explicit QuestionReader(const Scenario &scenario);

    QList<Question> read(const QJsonValue &questions);

private:
    Question readOne(const QJsonObject &object, const QString &path);
    void readPredict(const QJsonObject &object, const QString &path, Question &question);
    int readStep(const QJsonValue &value, const QString &path) const;
    QString readSocket(const QJsonObject &object, const QString &path, const Question &question) const;
    void checkMeasureFits(const Question &question, const QString &path) const;
    void readChoices(const QJsonObject &object, const QString &path, Question &question) const;
    void readGoal(const QJsonObject &object, const QString &path, Question &question) const;
    void readPacketGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const;
    void readErrnoGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const;
    void readStateGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const;
    void readAcceptQueueGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const;
    QString knownSocket(const QJsonObject &object, const QString &key, const QString &path) const;
    bool isTcp(const QString &socket) const;
    bool isListener(const QString &socket) const;
    /// The answer the scenario's own expectation fixes for `question`, when it fixes one.
    std::optional<QJsonValue> expectedAnswer(const Question &question) const;

    const Scenario &m_scenario;
    QStringList m_sockets;
    QSet<QString> m_ids;
};
