#include "exercise/questionreader.h"

#include "exercise/answer.h"
#include "posix/symbols.h"
#include "scenario/jsoncheck.h"

using jsoncheck::fail;

namespace {

QString stepWords(const Scenario &scenario, int step)
{
    return QStringLiteral("step %1 (%2 %3)")
        .arg(QString::number(step + 1), scenario.steps.at(step).actor,
             callName(scenario.steps.at(step).call));
}

} // namespace

QuestionReader::QuestionReader(const Scenario &scenario)
    : m_scenario(scenario)
{
    for (const ScenarioStep &step : scenario.steps) {
        if (!step.creates.isEmpty() && !m_sockets.contains(step.creates))
            m_sockets << step.creates;
    }
}

QList<Question> QuestionReader::read(const QJsonValue &questions)
{
    if (!questions.isArray() || questions.toArray().isEmpty())
        fail(QStringLiteral("$.questions"), QStringLiteral("must be a non-empty array of questions"));
    if (questions.toArray().size() > MaxQuestions)
        fail(QStringLiteral("$.questions"),
             QStringLiteral("%1 questions are more than one exercise may ask (at most %2)")
                 .arg(QString::number(questions.toArray().size()), QString::number(MaxQuestions)));
    QList<Question> read;
    const QJsonArray array = questions.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("$.questions[%1]").arg(i);
        if (!array.at(i).isObject())
            fail(path, QStringLiteral("must be an object, not %1").arg(jsoncheck::typeName(array.at(i))));
        read << readOne(array.at(i).toObject(), path);
    }
    return read;
}

Question QuestionReader::readOne(const QJsonObject &object, const QString &path)
{
    Question question;
    question.id = jsoncheck::string(object, QStringLiteral("id"), path, true);
    if (!jsoncheck::isIdentifier(question.id))
        fail(path + QStringLiteral(".id"),
             QStringLiteral("\"%1\" is not a valid id (lowercase letters, digits, '-' and '_')")
                 .arg(question.id));
    if (m_ids.contains(question.id))
        fail(path + QStringLiteral(".id"), QStringLiteral("duplicate question id \"%1\"").arg(question.id));
    m_ids.insert(question.id);
    const QString kind = jsoncheck::string(object, QStringLiteral("kind"), path, false);
    if (object.contains(QLatin1String("kind")) && kind != QLatin1String("predict") &&
        kind != QLatin1String("goal"))
        fail(
            path + QStringLiteral(".kind"),
            QStringLiteral("unknown kind \"%1\" (expected \"predict\", the default, or \"goal\")").arg(kind));
    question.kind = kind == QLatin1String("goal") ? Question::Kind::Goal : Question::Kind::Predict;
    question.ask = jsoncheck::string(object, QStringLiteral("ask"), path, true);
    question.hint = jsoncheck::string(object, QStringLiteral("hint"), path, false);
    if (question.isGoal()) {
        jsoncheck::rejectUnknownKeys(object,
                                     {QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("ask"),
                                      QStringLiteral("hint"), QStringLiteral("goal")},
                                     path);
        readGoal(object, path, question);
    } else {
        readPredict(object, path, question);
    }
    return question;
}

void QuestionReader::readPredict(const QJsonObject &object, const QString &path, Question &question)
{
    jsoncheck::rejectUnknownKeys(object,
                                 {QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("ask"),
                                  QStringLiteral("hint"), QStringLiteral("step"), QStringLiteral("when"),
                                  QStringLiteral("measure"), QStringLiteral("socket"),
                                  QStringLiteral("choices")},
                                 path);
    if (!object.contains(QLatin1String("step")))
        fail(path,
             QStringLiteral("\"step\" is missing (a step number as the window shows it, or a step's id)"));
    question.step = readStep(object.value(QLatin1String("step")), path + QStringLiteral(".step"));
    const QString when = jsoncheck::string(object, QStringLiteral("when"), path, true);
    if (when != QLatin1String("before") && when != QLatin1String("after"))
        fail(path + QStringLiteral(".when"),
             QStringLiteral("\"%1\" is neither \"before\" (predict) nor \"after\" (read what happened)")
                 .arg(when));
    question.when = when == QLatin1String("before") ? Timing::Before : Timing::After;
    const QString measure = jsoncheck::string(object, QStringLiteral("measure"), path, true);
    const std::optional<Measure> parsed = measureFromName(measure);
    if (!parsed) {
        QStringList names;
        for (Measure known : allMeasures())
            names << measureName(known);
        fail(path + QStringLiteral(".measure"),
             QStringLiteral("unknown measure \"%1\" (expected one of: %2)").arg(measure, names.join(u", ")));
    }
    question.measure = *parsed;
    question.socket = readSocket(object, path, question);
    checkMeasureFits(question, path);
    readChoices(object, path, question);
}

int QuestionReader::readStep(const QJsonValue &value, const QString &path) const
{
    const qsizetype count = m_scenario.steps.size();
    if (value.isString()) {
        for (qsizetype i = 0; i < count; ++i) {
            if (m_scenario.steps.at(i).id == value.toString())
                return int(i);
        }
        fail(path, QStringLiteral("the scenario has no step with the id \"%1\"").arg(value.toString()));
    }
    if (!value.isDouble() || value.toDouble() != double(value.toInteger()))
        fail(path, QStringLiteral("must be a step number (1 to %1) or a step's id").arg(count));
    const qint64 number = value.toInteger();
    if (number < 1 || number > count)
        fail(path, QStringLiteral("step %1 is out of range: the scenario %2 has steps 1 to %3")
                       .arg(QString::number(number), m_scenario.id, QString::number(count)));
    return int(number - 1);
}

QString QuestionReader::readSocket(const QJsonObject &object, const QString &path,
                                   const Question &question) const
{
    if (object.contains(QLatin1String("socket"))) {
        if (!measureNeedsSocket(question.measure))
            fail(
                path + QStringLiteral(".socket"),
                QStringLiteral("the measure \"%1\" is about the step's call, not a socket: remove \"socket\"")
                    .arg(measureName(question.measure)));
        return knownSocket(object, QStringLiteral("socket"), path);
    }
    if (!measureNeedsSocket(question.measure))
        return {};
    const ScenarioStep &step = m_scenario.steps.at(question.step);
    QString socket = step.creates.isEmpty() ? step.socket : step.creates;
    if (socket.isEmpty())
        fail(path,
             QStringLiteral("\"socket\" is missing: the measure \"%1\" is about a socket, and %2 names none")
                 .arg(measureName(question.measure), stepWords(m_scenario, question.step)));
    return socket;
}

QString QuestionReader::knownSocket(const QJsonObject &object, const QString &key, const QString &path) const
{
    QString socket = jsoncheck::string(object, key, path, true);
    if (!m_sockets.contains(socket))
        fail(path + u'.' + key, QStringLiteral("the scenario %1 has no socket \"%2\" (its sockets: %3)")
                                    .arg(m_scenario.id, socket, m_sockets.join(u", ")));
    return socket;
}

bool QuestionReader::isTcp(const QString &socket) const
{
    const QString domain = m_scenario.domainOf(socket);
    return m_scenario.typeOf(socket) == QLatin1String("SOCK_STREAM") &&
           (domain == QLatin1String("AF_INET") || domain == QLatin1String("AF_INET6"));
}

bool QuestionReader::isListener(const QString &socket) const
{
    for (const ScenarioStep &step : m_scenario.steps) {
        if (step.call == Call::Listen && step.socket == socket)
            return true;
    }
    return false;
}

void QuestionReader::checkMeasureFits(const Question &question, const QString &path) const
{
    const ScenarioStep &step = m_scenario.steps.at(question.step);
    const QString stepSocket = step.socket.isEmpty() ? step.creates : step.socket;
    const QString where = path + QStringLiteral(".measure");
    const QString words = stepWords(m_scenario, question.step);
    switch (question.measure) {
    case Measure::Result:
    case Measure::Errno:
    case Measure::Blocks:
        return;
    case Measure::Packets:
    case Measure::Flags:
        if (m_scenario.domainOf(stepSocket) == QLatin1String("AF_UNIX"))
            fail(where,
                 QStringLiteral("%1 uses a Unix-domain socket, which puts no packets on the wire (the kernel "
                                "copies the bytes from buffer to buffer): ask about data or recv_queue")
                     .arg(words));
        if (question.measure == Measure::Flags && !stepSocket.isEmpty() && !isTcp(stepSocket))
            fail(where, QStringLiteral("%1 uses %2, not a TCP socket: only TCP packets have flags (ask about "
                                       "packets instead)")
                            .arg(words, stepSocket));
        return;
    case Measure::State:
        if (!isTcp(question.socket))
            fail(where,
                 QStringLiteral("%1 is not a TCP socket, so it has no TCP state").arg(question.socket));
        return;
    case Measure::AcceptQueue:
        if (!isListener(question.socket))
            fail(where, QStringLiteral("%1 never listens, so it has no accept queue").arg(question.socket));
        return;
    case Measure::RecvQueue:
        return;
    case Measure::LocalPort: {
        const QString domain = m_scenario.domainOf(question.socket);
        if (domain != QLatin1String("AF_INET") && domain != QLatin1String("AF_INET6"))
            fail(where, QStringLiteral("%1 is not an IP socket, so it has no port").arg(question.socket));
        return;
    }
    case Measure::Data:
        if (!sendsData(step.call) && !receivesData(step.call))
            fail(where,
                 QStringLiteral("%1 moves no data: ask \"data\" about a send, recv, sendto or recvfrom step")
                     .arg(words));
        return;
    }
}

std::optional<QJsonValue> QuestionReader::expectedAnswer(const Question &question) const
{
    const Expectation &expect = m_scenario.steps.at(question.step).expect;
    switch (question.measure) {
    case Measure::Result:
        if (expect.result)
            return QJsonValue(*expect.result);
        if (!expect.errnoName.isEmpty())
            return QJsonValue(-1);
        return std::nullopt;
    case Measure::Errno:
        if (!expect.errnoName.isEmpty())
            return answer::parse(Measure::Errno, expect.errnoName).value;
        if (expect.result || expect.ok)
            return QJsonValue(QStringLiteral("none"));
        return std::nullopt;
    case Measure::Blocks:
        if (expect.blocks)
            return QJsonValue(true);
        return std::nullopt;
    case Measure::Data:
        if (expect.data)
            return QJsonValue(QString::fromUtf8(*expect.data));
        return std::nullopt;
    case Measure::Packets:
    case Measure::Flags:
    case Measure::State:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
    case Measure::LocalPort:
        return std::nullopt;
    }
    return std::nullopt;
}

void QuestionReader::readChoices(const QJsonObject &object, const QString &path, Question &question) const
{
    if (!object.contains(QLatin1String("choices")))
        return;
    const QString where = path + QStringLiteral(".choices");
    const QJsonValue value = object.value(QLatin1String("choices"));
    if (!value.isArray() || value.toArray().size() < 2)
        fail(where, QStringLiteral("must be an array of at least two answers to choose from"));
    const QJsonArray choices = value.toArray();
    QList<QJsonValue> canonical;
    for (qsizetype i = 0; i < choices.size(); ++i) {
        const answer::Parsed parsed = answer::parse(question.measure, choices.at(i));
        if (!parsed.ok())
            fail(where + QStringLiteral("[%1]").arg(i),
                 QStringLiteral("is not an answer to \"%1\": %2")
                     .arg(measureName(question.measure), parsed.problem));
        for (const QJsonValue &earlier : std::as_const(canonical)) {
            if (answer::matches(question.measure, parsed.value, earlier))
                fail(where + QStringLiteral("[%1]").arg(i),
                     QStringLiteral("the same answer is offered twice"));
        }
        canonical << parsed.value;
        question.choices << choices.at(i);
    }
    if (const std::optional<QJsonValue> expected = expectedAnswer(question)) {
        for (const QJsonValue &choice : std::as_const(canonical)) {
            if (answer::matches(question.measure, choice, *expected))
                return;
        }
        fail(where,
             QStringLiteral("the choices cannot contain the answer: the scenario expects %1 to give %2 = %3, "
                            "which is not among them")
                 .arg(stepWords(m_scenario, question.step), measureName(question.measure),
                      answer::toText(question.measure, *expected)));
    }
}

void QuestionReader::readGoal(const QJsonObject &object, const QString &path, Question &question) const
{
    const QString where = path + QStringLiteral(".goal");
    const QJsonValue value = object.value(QLatin1String("goal"));
    if (!value.isObject())
        fail(value.isUndefined() ? path : where,
             value.isUndefined()
                 ? QStringLiteral("\"goal\" is missing (the fact the trace must show)")
                 : QStringLiteral("must be an object such as {\"packet\": {\"flags\": [\"RST\"]}}"));
    const QJsonObject goal = value.toObject();
    const QStringList kinds = {QStringLiteral("packet"), QStringLiteral("errno"), QStringLiteral("state"),
                               QStringLiteral("accept_queue")};
    jsoncheck::rejectUnknownKeys(goal, kinds, where);
    if (goal.size() != 1)
        fail(where, QStringLiteral("must name exactly one fact: one of %1").arg(kinds.join(u", ")));
    const QString kind = goal.begin().key();
    const QString factPath = where + u'.' + kind;
    if (kind == QLatin1String("packet"))
        readPacketGoal(goal.begin().value(), factPath, question.goal);
    else if (kind == QLatin1String("errno"))
        readErrnoGoal(goal.begin().value(), factPath, question.goal);
    else if (kind == QLatin1String("state"))
        readStateGoal(goal.begin().value(), factPath, question.goal);
    else
        readAcceptQueueGoal(goal.begin().value(), factPath, question.goal);
}

void QuestionReader::readPacketGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const
{
    fact.kind = GoalFact::Kind::Packet;
    if (!value.isObject())
        fail(path, QStringLiteral("must be an object such as {\"flags\": [\"RST\"]}"));
    const QJsonObject packet = value.toObject();
    jsoncheck::rejectUnknownKeys(packet, {QStringLiteral("flags"), QStringLiteral("proto")}, path);
    fact.proto = jsoncheck::string(packet, QStringLiteral("proto"), path, false);
    const QStringList protos = {QStringLiteral("TCP"), QStringLiteral("UDP"), QStringLiteral("ICMP"),
                                QStringLiteral("ICMPv6")};
    if (packet.contains(QLatin1String("proto")) && !protos.contains(fact.proto))
        fail(path + QStringLiteral(".proto"), QStringLiteral("unknown protocol \"%1\" (expected one of: %2)")
                                                  .arg(fact.proto, protos.join(u", ")));
    if (packet.contains(QLatin1String("flags"))) {
        const answer::Parsed flags = answer::parse(Measure::Flags, packet.value(QLatin1String("flags")));
        if (!flags.ok())
            fail(path + QStringLiteral(".flags"), flags.problem);
        for (const auto &word : flags.value.toArray())
            fact.flags << word.toString().split(u'+');
        fact.flags.removeDuplicates();
        if (!fact.proto.isEmpty() && fact.proto != QLatin1String("TCP"))
            fail(path + QStringLiteral(".flags"), QStringLiteral("only TCP packets have flags"));
    }
    if (fact.flags.isEmpty() && fact.proto.isEmpty())
        fail(path, QStringLiteral("say what the packet has: \"flags\", \"proto\" or both"));
}

void QuestionReader::readErrnoGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const
{
    fact.kind = GoalFact::Kind::Errno;
    QJsonValue name = value;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        jsoncheck::rejectUnknownKeys(object, {QStringLiteral("name"), QStringLiteral("call")}, path);
        name = object.value(QLatin1String("name"));
        const QString call = jsoncheck::string(object, QStringLiteral("call"), path, false);
        fact.call = callFromName(call);
        if (object.contains(QLatin1String("call")) && !fact.call)
            fail(path + QStringLiteral(".call"), QStringLiteral("unknown call \"%1\"").arg(call));
    }
    const answer::Parsed parsed = answer::parse(Measure::Errno, name);
    if (!name.isString() || !parsed.ok() || parsed.value.toString() == QLatin1String("none"))
        fail(path,
             QStringLiteral("must be an errno name such as \"EADDRINUSE\", or {\"name\": …, \"call\": …}"));
    fact.errnoName = parsed.value.toString();
}

void QuestionReader::readStateGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const
{
    fact.kind = GoalFact::Kind::State;
    if (!value.isObject())
        fail(path,
             QStringLiteral("must be an object such as {\"socket\": \"client\", \"state\": \"TIME_WAIT\"}"));
    const QJsonObject object = value.toObject();
    jsoncheck::rejectUnknownKeys(object, {QStringLiteral("socket"), QStringLiteral("state")}, path);
    fact.socket = knownSocket(object, QStringLiteral("socket"), path);
    if (!isTcp(fact.socket))
        fail(path + QStringLiteral(".socket"),
             QStringLiteral("%1 is not a TCP socket, so it has no TCP state").arg(fact.socket));
    const answer::Parsed state = answer::parse(Measure::State, object.value(QLatin1String("state")));
    if (!state.ok())
        fail(path + QStringLiteral(".state"), state.problem);
    fact.state = state.value.toString();
}

void QuestionReader::readAcceptQueueGoal(const QJsonValue &value, const QString &path, GoalFact &fact) const
{
    fact.kind = GoalFact::Kind::AcceptQueue;
    if (!value.isObject())
        fail(path, QStringLiteral("must be an object such as {\"socket\": \"listener\", \"at_least\": 2}"));
    const QJsonObject object = value.toObject();
    jsoncheck::rejectUnknownKeys(object, {QStringLiteral("socket"), QStringLiteral("at_least")}, path);
    fact.socket = knownSocket(object, QStringLiteral("socket"), path);
    if (!isListener(fact.socket))
        fail(path + QStringLiteral(".socket"),
             QStringLiteral("%1 never listens, so it has no accept queue").arg(fact.socket));
    if (!object.contains(QLatin1String("at_least")))
        fail(path, QStringLiteral("\"at_least\" is missing"));
    fact.atLeast = int(jsoncheck::wholeNumber(object.value(QLatin1String("at_least")),
                                              path + QStringLiteral(".at_least"), 1, 4096,
                                              QStringLiteral("connection count")));
}
