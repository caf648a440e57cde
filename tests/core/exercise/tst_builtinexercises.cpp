#include "exercise/exerciseloader.h"
#include "exercise/exerciseresult.h"
#include "exercise/measure.h"
#include "exercise/run/exerciserun.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// The built-in exercises of the library: each one loads for every student, runs on real sockets,
// and gives full marks to the answers the kernel gives (and the actor orders that reach its goals,
// which the script's own order does not). resources/exercises/exercise.schema.json describes the
// format the loader reads.
class TestBuiltinExercises : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void libraryListsEveryFile();
    void everyExerciseLoads_data();
    void everyExerciseLoads();
    void everyExerciseHasARow();
    void fullMarks_data();
    void fullMarks();
    void schemaDeclaresEveryKey_data();
    void schemaDeclaresEveryKey();
    void schemaMeasuresMatchTheLoader();
    void validatorAgreesWithTheLoader();

private:
    QJsonObject m_schema;
    QJsonObject m_defs;
    QElapsedTimer m_clock;
};

namespace {

/// Goal question id → the actors to step, in order.
using Orders = QMap<QString, QStringList>;

const QString Student = QStringLiteral("Ada Lovelace");

QStringList actors(const char *words)
{
    return QString::fromLatin1(words).split(u' ', Qt::SkipEmptyParts);
}

struct ExerciseRow
{
    QString id;
    Orders wins;   // an order that reaches each goal
    Orders losses; // a nearby order that does not
    // Why its runs cannot follow one another on the host's loopback, where a socket a run leaves
    // in TIME_WAIT outlives it (the sandbox gives every run a network namespace of its own).
    QString hostProblem;
};

// One row per built-in exercise. A goal's winning order is found by hand with
// `socketscope exercise FILE --answers A.json`; its losing order is the nearest one that misses.
const QList<ExerciseRow> &table()
{
    static const QList<ExerciseRow> rows = {
        {QStringLiteral("socket-jobs"), {}, {}, {}},
        {QStringLiteral("handshake-lab"),
         {{QStringLiteral("g1"), actors("client client")}},
         {{QStringLiteral("g1"), actors("server server server server client client")}},
         {}},
        {QStringLiteral("tcp-states"), {}, {}, {}},
        {QStringLiteral("udp-waits"),
         {{QStringLiteral("nobody-home"), actors("client client client")}},
         {{QStringLiteral("nobody-home"), actors("server server client client client")}},
         {}},
        {QStringLiteral("ephemeral-port-lab"), {}, {}, {}},
        {QStringLiteral("port-vs-socket-lab"),
         {{QStringLiteral("fill-the-queue"), actors("server server server client client client2 client2")}},
         {{QStringLiteral("fill-the-queue"),
           actors("server server server client client server client2 client2")}},
         {}},
        {QStringLiteral("connection-refused-lab"), {}, {}, {}},
        {QStringLiteral("address-in-use-lab"), {}, {}, {}},
        {QStringLiteral("server-restart"),
         {{QStringLiteral("server-time-wait"),
           actors("server server server client client server server client server server server")},
          {QStringLiteral("restart-fails"),
           actors("server server server client client server server client server server server")}},
         // The client never closes: conn holds the port in FIN_WAIT2 (bind fails) but never
         // reaches TIME_WAIT; in the script's order the client closes first and bind succeeds.
         {{QStringLiteral("server-time-wait"),
           actors("server server server client client server server server server server")},
          {QStringLiteral("restart-fails"),
           actors("server server server client client server client server server server server")}},
         QStringLiteral(
             "the winning order leaves the server's conn in TIME_WAIT on the exercise's port for a "
             "minute, so that the next run's bind() fails")},
        {QStringLiteral("message-boundaries-lab"), {}, {}, {}},
        {QStringLiteral("segmentation-lab"), {}, {}, {}},
        {QStringLiteral("seqpacket-lab"), {}, {}, {}},
        {QStringLiteral("ping-lab"), {}, {}, {}},
    };
    return rows;
}

// Names whose variants between them draw more than one value of every variable.
const QStringList &students()
{
    static const QStringList names = {Student,
                                      QStringLiteral("Grace Hopper"),
                                      QStringLiteral("Alan Turing"),
                                      QStringLiteral("Edsger Dijkstra"),
                                      QStringLiteral("Barbara Liskov"),
                                      QStringLiteral("Radia Perlman"),
                                      QStringLiteral("Vint Cerf"),
                                      QStringLiteral("Élodie Müller-Łukasiewicz")};
    return names;
}

QString sourceDir(const QString &relative)
{
    return QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/exercises/") + relative;
}

QJsonObject readJson(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QStringList keysNotDeclared(const QJsonObject &object, const QJsonObject &schema)
{
    QStringList missing;
    const QJsonObject declared = schema.value(QLatin1String("properties")).toObject();
    for (const QString &key : object.keys()) {
        if (!declared.contains(key))
            missing << key;
    }
    return missing;
}

QStringList strings(const QJsonArray &array)
{
    QStringList list;
    for (const QJsonValue &value : array) {
        if (value.isString())
            list << value.toString();
    }
    return list;
}

QString text(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// Why this machine cannot measure every answer of `run` (no sandbox, no capture), or empty.
QString whyNotMeasurable(const ExerciseResult &run)
{
    QStringList why;
    for (const Graded &graded : run.graded) {
        if (!graded.counts)
            why << graded.questionId + QStringLiteral(": ") + graded.comment;
    }
    if (why.isEmpty())
        return {};
    const tracejson::Header &header = run.runs.constFirst().header;
    if (header.mode == QLatin1String("sandbox") && header.capture)
        return {}; // the sandbox measures everything: a question it cannot answer is a defect
    return QStringLiteral("%1 (%2): %3").arg(header.mode, header.modeReason, why.join(QStringLiteral("; ")));
}

} // namespace

void TestBuiltinExercises::initTestCase()
{
    m_clock.start();
    // The sandbox helper lives next to the socketscope binary; the tests run from elsewhere.
    const QString helper =
        QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY)).absolutePath() + QStringLiteral("/socketscope-sandbox");
    if (qEnvironmentVariableIsEmpty("SOCKETSCOPE_SANDBOX") && QFileInfo(helper).isExecutable())
        qputenv("SOCKETSCOPE_SANDBOX", helper.toLocal8Bit());

    const QString schemaFile = sourceDir(QStringLiteral("exercise.schema.json"));
    QFile file(schemaFile);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(schemaFile));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    m_schema = document.object();
    QCOMPARE(m_schema.value(QLatin1String("$schema")).toString(),
             QStringLiteral("https://json-schema.org/draft/2020-12/schema"));
    m_defs = m_schema.value(QLatin1String("$defs")).toObject();
    for (const char *name : {"variable", "predict-question", "goal-question", "goal"})
        QVERIFY2(m_defs.contains(QLatin1String(name)), name);
}

void TestBuiltinExercises::cleanupTestCase()
{
    qInfo("tst_builtinexercises ran in %.1f s", double(m_clock.elapsed()) / 1000.0);
}

// Every exercise file in resources/exercises/ is in the index (or it would never be offered), once,
// under its own id, and every scenario file beside them belongs to an exercise.
void TestBuiltinExercises::libraryListsEveryFile()
{
    const QStringList ids = ExerciseLoader::builtinIds();
    QVERIFY(ids.size() >= 11);
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ids.size());
    QStringList files = QDir(sourceDir({})).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    files.removeAll(QStringLiteral("exercise.schema.json"));
    QStringList indexed;
    for (const QString &id : ids)
        indexed << id + QStringLiteral(".json");
    indexed.sort();
    QCOMPARE(indexed, files);

    QSet<QString> used;
    for (const QString &id : ids) {
        const QJsonObject exercise = readJson(sourceDir(id + QStringLiteral(".json")));
        QCOMPARE(exercise.value(QLatin1String("id")).toString(), id);
        used << exercise.value(QLatin1String("scenario")).toString();
    }
    const QDir scenarios(sourceDir(QStringLiteral("scenarios")));
    for (const QString &file : scenarios.entryList({QStringLiteral("*.json")}, QDir::Files))
        QVERIFY2(used.contains(QStringLiteral("scenarios/") + file),
                 qPrintable(file + QStringLiteral(" is no exercise's scenario")));
}

void TestBuiltinExercises::everyExerciseLoads_data()
{
    QTest::addColumn<QString>("id");
    for (const QString &id : ExerciseLoader::builtinIds())
        QTest::addRow("%s", qPrintable(id)) << id;
}

// For every student, not only the teacher who tried it: the loader checks the choices against the
// variant it loads, so a value drawn for one student could break a question for that student alone.
void TestBuiltinExercises::everyExerciseLoads()
{
    QFETCH(QString, id);
    QMap<QString, QSet<QString>> drawn;
    for (const QString &student : students()) {
        const ExerciseLoadResult loaded = ExerciseLoader::builtin(id, student);
        QVERIFY2(loaded.ok(), qPrintable(student + QStringLiteral(": ") + loaded.error.toString()));
        const Exercise &exercise = loaded.exercise;
        QCOMPARE(exercise.id, id);
        QCOMPARE(exercise.student, student);
        QVERIFY(!exercise.title.trimmed().isEmpty());
        QVERIFY2(exercise.summary.size() > 80, "the summary is a paragraph");
        QVERIFY2(QStringList({QStringLiteral("first steps"), QStringLiteral("intermediate"),
                              QStringLiteral("advanced")})
                     .contains(exercise.level),
                 qPrintable(exercise.level));
        QVERIFY(!exercise.scenario.steps.isEmpty());
        QVERIFY(exercise.questions.size() >= 4);
        for (auto it = exercise.values.begin(); it != exercise.values.end(); ++it)
            drawn[it.key()] << text(it.value());
    }
    for (auto it = drawn.begin(); it != drawn.end(); ++it)
        QVERIFY2(it.value().size() > 1,
                 qPrintable(it.key() + QStringLiteral(" is the same for every student")));
}

void TestBuiltinExercises::everyExerciseHasARow()
{
    QStringList rows;
    for (const ExerciseRow &row : table())
        rows << row.id;
    QCOMPARE(rows, ExerciseLoader::builtinIds());
}

void TestBuiltinExercises::fullMarks_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<Orders>("wins");
    QTest::addColumn<Orders>("losses");
    QTest::addColumn<QString>("hostProblem");
    for (const ExerciseRow &row : table())
        QTest::addRow("%s", qPrintable(row.id)) << row.id << row.wins << row.losses << row.hostProblem;
}

void TestBuiltinExercises::fullMarks()
{
    QFETCH(QString, id);
    QFETCH(Orders, wins);
    QFETCH(Orders, losses);
    QFETCH(QString, hostProblem);
    const ExerciseLoadResult loaded = ExerciseLoader::builtin(id, Student);
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    const Exercise &exercise = loaded.exercise;
    const int questions = int(exercise.questions.size());

    // Nothing answered: nothing is right, and the script's own order reaches no goal.
    const ExerciseResult blank = exerciserun::run(exercise, {});
    QCOMPARE(blank.runs.size(), 1);
    QCOMPARE(blank.graded.size(), exercise.questions.size());
    if (const QString why = whyNotMeasurable(blank); !why.isEmpty()) {
        // CI's machine allows the sandbox: there, an answer the run cannot measure is a defect.
        if (qEnvironmentVariable("CI") == QLatin1String("true"))
            QFAIL(qPrintable(QStringLiteral("CI must measure every answer: ") + why));
        QSKIP(qPrintable(QStringLiteral("this machine cannot measure every answer (no sandbox): ") + why));
    }
    if (blank.runs.constFirst().header.mode != QLatin1String("sandbox") && !hostProblem.isEmpty())
        QSKIP(qPrintable(QStringLiteral("not repeatable on the host's loopback: ") + hostProblem));
    QCOMPARE(blank.score(), 0);
    QCOMPARE(blank.maximum(), questions);
    exerciserun::Answers answers;
    QStringList goals;
    for (qsizetype i = 0; i < exercise.questions.size(); ++i) {
        const Question &question = exercise.questions.at(i);
        const Graded &graded = blank.graded.at(i);
        QCOMPARE(graded.questionId, question.id);
        if (!question.isGoal()) {
            QVERIFY2(!graded.measured.value.isUndefined(), qPrintable(question.id));
            answers.insert(question.id, graded.measured.value);
            continue;
        }
        goals << question.id;
        QVERIFY2(!graded.measured.value.toBool(),
                 qPrintable(question.id + QStringLiteral(": the script's own order reaches the goal")));
        answers.insert(question.id, QJsonArray::fromStringList(wins.value(question.id)));
    }
    goals.sort();
    QCOMPARE(wins.keys(), goals);
    QCOMPARE(losses.keys(), goals);

    // A goal is not reached by just any order.
    exerciserun::Answers losing;
    for (auto it = losses.begin(); it != losses.end(); ++it)
        losing.insert(it.key(), QJsonArray::fromStringList(it.value()));
    const ExerciseResult lost = losing.isEmpty() ? ExerciseResult() : exerciserun::run(exercise, losing);
    for (const Graded &graded : lost.graded) {
        if (!losses.contains(graded.questionId))
            continue;
        QVERIFY2(graded.counts, qPrintable(graded.comment));
        QVERIFY2(!graded.right,
                 qPrintable(graded.questionId + QStringLiteral(": reached by the losing order ") +
                            losses.value(graded.questionId).join(u' ')));
    }

    // The kernel's own answers, and the winning orders: full marks.
    const ExerciseResult answered = exerciserun::run(exercise, answers);
    for (const Graded &graded : answered.graded)
        QVERIFY2(graded.counts && graded.right,
                 qPrintable(QStringLiteral("%1: given %2, measured %3 %4")
                                .arg(graded.questionId, text(graded.given), text(graded.measured.value),
                                     graded.comment)));
    QCOMPARE(answered.score(), answered.maximum());
    QCOMPARE(answered.maximum(), questions);

    // Its result file checks out: the built-in exercise, the variant, every answer recomputed.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString resultFile = dir.filePath(QStringLiteral("result.json"));
    QCOMPARE(answered.write(resultFile), QString());
    const ResultCheck check = exerciseresult::check(resultFile);
    QVERIFY2(check.verified(), qPrintable(check.problems.join(QStringLiteral("; "))));
    QCOMPARE(check.exercise, id);
    QCOMPARE(check.student, Student);
    QCOMPARE(check.score, questions);
    QCOMPARE(check.maximum, questions);
}

void TestBuiltinExercises::schemaDeclaresEveryKey_data()
{
    everyExerciseLoads_data();
}

void TestBuiltinExercises::schemaDeclaresEveryKey()
{
    QFETCH(QString, id);
    const QJsonObject exercise = readJson(QStringLiteral(":/exercises/%1.json").arg(id));
    QVERIFY(!exercise.isEmpty());
    QStringList missing = keysNotDeclared(exercise, m_schema);
    const QJsonObject variables = exercise.value(QLatin1String("variables")).toObject();
    for (auto it = variables.begin(); it != variables.end(); ++it)
        missing += keysNotDeclared(it.value().toObject(), m_defs.value(QLatin1String("variable")).toObject());
    const QJsonArray questions = exercise.value(QLatin1String("questions")).toArray();
    QVERIFY(!questions.isEmpty());
    const QJsonObject goalSchema = m_defs.value(QLatin1String("goal")).toObject();
    for (const QJsonValue &value : questions) {
        const QJsonObject question = value.toObject();
        const bool isGoal = question.value(QLatin1String("kind")).toString() == QLatin1String("goal");
        missing += keysNotDeclared(
            question,
            m_defs.value(isGoal ? QLatin1String("goal-question") : QLatin1String("predict-question"))
                .toObject());
        if (!isGoal)
            continue;
        const QJsonObject goal = question.value(QLatin1String("goal")).toObject();
        missing += keysNotDeclared(goal, goalSchema);
        for (auto it = goal.begin(); it != goal.end(); ++it) {
            QJsonObject fact =
                goalSchema.value(QLatin1String("properties")).toObject().value(it.key()).toObject();
            if (fact.contains(QLatin1String("anyOf"))) // errno: a name, or an object
                fact = fact.value(QLatin1String("anyOf")).toArray().at(1).toObject();
            for (const QString &key : keysNotDeclared(it.value().toObject(), fact))
                missing << it.key() + u'.' + key;
        }
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", ")));
}

// The measures, which of them take a socket, and what their choices are, as the loader has them.
void TestBuiltinExercises::schemaMeasuresMatchTheLoader()
{
    const QJsonObject predict = m_defs.value(QLatin1String("predict-question")).toObject();
    const QStringList schemaMeasures = strings(predict.value(QLatin1String("properties"))
                                                   .toObject()
                                                   .value(QLatin1String("measure"))
                                                   .toObject()
                                                   .value(QLatin1String("enum"))
                                                   .toArray());
    QStringList loaderMeasures;
    QStringList withoutSocket;
    for (Measure measure : allMeasures()) {
        loaderMeasures << measureName(measure);
        if (!measureNeedsSocket(measure))
            withoutSocket << measureName(measure);
    }
    QCOMPARE(schemaMeasures, loaderMeasures);

    QStringList noSocketRule;
    QStringList choiceRules;
    for (const QJsonValue &value : predict.value(QLatin1String("allOf")).toArray()) {
        const QJsonObject rule = value.toObject();
        const QJsonObject measure = rule.value(QLatin1String("if"))
                                        .toObject()
                                        .value(QLatin1String("properties"))
                                        .toObject()
                                        .value(QLatin1String("measure"))
                                        .toObject();
        const QJsonObject then = rule.value(QLatin1String("then")).toObject();
        if (then.contains(QLatin1String("not")))
            noSocketRule = strings(measure.value(QLatin1String("enum")).toArray());
        else
            choiceRules << measure.value(QLatin1String("const")).toString();
    }
    QCOMPARE(noSocketRule, withoutSocket);
    QCOMPARE(choiceRules, loaderMeasures);

    const QStringList goalKinds =
        m_defs.value(QLatin1String("goal")).toObject().value(QLatin1String("properties")).toObject().keys();
    QCOMPARE(goalKinds, QStringList({QStringLiteral("accept_queue"), QStringLiteral("errno"),
                                     QStringLiteral("packet"), QStringLiteral("state")}));
}

// Files the loader accepts must pass the schema; files it refuses for a reason the schema can
// express must fail it. Whether a step, a socket or an expectation fits the scenario is the
// loader's alone.
void TestBuiltinExercises::validatorAgreesWithTheLoader()
{
    // Every other form the loader reads, on the built-in tcp-echo: a step by number, choices of
    // every measure, every kind of goal fact.
    const QByteArray everyForm = R"({
      "$schema": "exercise.schema.json", "id": "every-form", "title": "Every form", "scenario": "tcp-echo",
      "summary": "s", "level": "advanced",
      "questions": [
        {"id": "result", "kind": "predict", "step": 6, "when": "before", "ask": "?", "measure": "result",
         "choices": [0, -1], "hint": "h"},
        {"id": "errno", "step": 6, "when": "before", "ask": "?", "measure": "errno",
         "choices": ["none", "ECONNREFUSED"]},
        {"id": "blocks", "step": 4, "when": "after", "ask": "?", "measure": "blocks", "choices": [true, false]},
        {"id": "packets", "step": 6, "when": "before", "ask": "?", "measure": "packets", "choices": [1, 3]},
        {"id": "flags", "step": 6, "when": "before", "ask": "?", "measure": "flags",
         "choices": [["SYN", "SYN+ACK", "ACK"], "SYN, ACK"]},
        {"id": "state", "step": 11, "when": "after", "ask": "?", "measure": "state", "socket": "client",
         "choices": ["FIN_WAIT2", "TIME_WAIT"]},
        {"id": "accept", "step": 6, "when": "after", "ask": "?", "measure": "accept_queue", "socket": "listener"},
        {"id": "recv", "step": 7, "when": "after", "ask": "?", "measure": "recv_queue", "socket": "conn"},
        {"id": "port", "step": 2, "when": "after", "ask": "?", "measure": "local_port"},
        {"id": "data", "step": 8, "when": "before", "ask": "?", "measure": "data",
         "choices": ["hello, server\n", "hello"]},
        {"id": "g-rst", "kind": "goal", "ask": "!", "goal": {"packet": {"flags": "RST"}}},
        {"id": "g-fin", "kind": "goal", "ask": "!", "goal": {"packet": {"flags": ["FIN", "ACK"], "proto": "TCP"}}},
        {"id": "g-icmp", "kind": "goal", "ask": "!", "goal": {"packet": {"proto": "ICMP"}}},
        {"id": "g-errno", "kind": "goal", "ask": "!", "goal": {"errno": "ECONNREFUSED"}},
        {"id": "g-call", "kind": "goal", "ask": "!", "goal": {"errno": {"name": "EPIPE", "call": "send"}}},
        {"id": "g-state", "kind": "goal", "ask": "!", "goal": {"state": {"socket": "conn", "state": "FIN_WAIT2"}}},
        {"id": "g-queue", "kind": "goal", "ask": "!", "goal": {"accept_queue": {"socket": "listener", "at_least": 2}}}
      ]})";
    // Each refused for a reason the schema can express too; the rest of each file is valid.
    const QString question =
        QStringLiteral(R"({"id": "q", "step": 6, "when": "before", "ask": "?", "measure": "result"})");
    const auto withQuestion = [](const QString &questionText) {
        return QStringLiteral(
                   R"({"id": "broken", "title": "Broken", "scenario": "tcp-echo", "questions": [%1]})")
            .arg(questionText);
    };
    const QMap<QString, QString> broken = {
        {QStringLiteral("no-questions"),
         QStringLiteral(R"({"id": "broken", "title": "t", "scenario": "tcp-echo", "questions": []})")},
        {QStringLiteral("no-scenario"),
         QStringLiteral(R"({"id": "broken", "title": "t", "questions": [%1]})").arg(question)},
        {QStringLiteral("unknown-top-level-key"),
         QStringLiteral(
             R"({"id": "broken", "title": "t", "scenario": "tcp-echo", "answers": {}, "questions": [%1]})")
             .arg(question)},
        {QStringLiteral("bad-id"),
         QStringLiteral(R"({"id": "Broken Lab", "title": "t", "scenario": "tcp-echo", "questions": [%1]})")
             .arg(question)},
        {QStringLiteral("unknown-level"),
         QStringLiteral(
             R"({"id": "broken", "title": "t", "level": "easy", "scenario": "tcp-echo", "questions": [%1]})")
             .arg(question)},
        {QStringLiteral("variable-range-and-choices"),
         QStringLiteral(R"({"id": "broken", "title": "t", "scenario": "tcp-echo",
                "variables": {"port": {"range": [1, 2], "choices": [1]}}, "questions": [%1]})")
             .arg(question)},
        {QStringLiteral("variable-bad-name"),
         QStringLiteral(R"({"id": "broken", "title": "t", "scenario": "tcp-echo",
                "variables": {"1port": {"range": [1, 2]}}, "questions": [%1]})")
             .arg(question)},
        {QStringLiteral("unknown-measure"),
         withQuestion(
             QStringLiteral(R"({"id": "q", "step": 6, "when": "before", "ask": "?", "measure": "rtt"})"))},
        {QStringLiteral("when-during"),
         withQuestion(
             QStringLiteral(R"({"id": "q", "step": 6, "when": "during", "ask": "?", "measure": "result"})"))},
        {QStringLiteral("step-zero"),
         withQuestion(
             QStringLiteral(R"({"id": "q", "step": 0, "when": "before", "ask": "?", "measure": "result"})"))},
        {QStringLiteral("no-when"),
         withQuestion(QStringLiteral(R"({"id": "q", "step": 6, "ask": "?", "measure": "result"})"))},
        {QStringLiteral("unknown-kind"),
         withQuestion(QStringLiteral(
             R"({"id": "q", "kind": "quiz", "step": 6, "when": "before", "ask": "?", "measure": "result"})"))},
        {QStringLiteral("socket-on-a-call-measure"),
         withQuestion(QStringLiteral(
             R"({"id": "q", "step": 6, "when": "before", "ask": "?", "measure": "result", "socket": "client"})"))},
        {QStringLiteral("one-choice"),
         withQuestion(QStringLiteral(
             R"({"id": "q", "step": 6, "when": "before", "ask": "?", "measure": "result", "choices": [0]})"))},
        {QStringLiteral("choice-twice"),
         withQuestion(QStringLiteral(
             R"({"id": "q", "step": 6, "when": "before", "ask": "?", "measure": "result", "choices": [0, 0]})"))},
        {QStringLiteral("blocks-choices-numbers"),
         withQuestion(QStringLiteral(
             R"({"id": "q", "step": 4, "when": "before", "ask": "?", "measure": "blocks", "choices": [1, 0]})"))},
        {QStringLiteral("unknown-state"),
         withQuestion(
             QStringLiteral(R"({"id": "q", "step": 6, "when": "after", "ask": "?", "measure": "state",
                "socket": "client", "choices": ["OPEN", "ESTABLISHED"]})"))},
        {QStringLiteral("unknown-flag"),
         withQuestion(
             QStringLiteral(R"({"id": "q", "step": 6, "when": "before", "ask": "?", "measure": "flags",
                "choices": [["SYN", "HELLO"], ["SYN"]]})"))},
        {QStringLiteral("goal-two-facts"),
         withQuestion(QStringLiteral(
             R"({"id": "g", "kind": "goal", "ask": "!", "goal": {"errno": "EPIPE", "packet": {"flags": ["RST"]}}})"))},
        {QStringLiteral("goal-with-step"),
         withQuestion(QStringLiteral(
             R"({"id": "g", "kind": "goal", "step": 6, "ask": "!", "goal": {"errno": "EPIPE"}})"))},
        {QStringLiteral("goal-without-fact"),
         withQuestion(QStringLiteral(R"({"id": "g", "kind": "goal", "ask": "!"})"))},
        {QStringLiteral("goal-flags-on-udp"),
         withQuestion(QStringLiteral(
             R"({"id": "g", "kind": "goal", "ask": "!", "goal": {"packet": {"flags": ["RST"], "proto": "UDP"}}})"))},
        {QStringLiteral("goal-errno-none"),
         withQuestion(
             QStringLiteral(R"({"id": "g", "kind": "goal", "ask": "!", "goal": {"errno": "none"}})"))},
        {QStringLiteral("goal-queue-zero"),
         withQuestion(QStringLiteral(R"({"id": "g", "kind": "goal", "ask": "!",
                "goal": {"accept_queue": {"socket": "listener", "at_least": 0}}})"))},
    };

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto readBeside = ExerciseLoader::scenarioReaderBeside(QStringLiteral(":/exercises"));
    QStringList good;
    for (const QString &id : ExerciseLoader::builtinIds())
        good << sourceDir(id + QStringLiteral(".json"));
    const QString everyFormFile = dir.filePath(QStringLiteral("every-form.json"));
    good << everyFormFile;
    {
        const ExerciseLoadResult loaded =
            ExerciseLoader::parse(everyForm, everyFormFile, Student, readBeside);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
        QFile file(everyFormFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(everyForm);
    }
    QStringList bad;
    for (auto it = broken.begin(); it != broken.end(); ++it) {
        const QString fileName = dir.filePath(it.key() + QStringLiteral(".json"));
        const ExerciseLoadResult loaded =
            ExerciseLoader::parse(it.value().toUtf8(), fileName, Student, readBeside);
        QVERIFY2(!loaded.ok(), qPrintable(it.key() + QStringLiteral(": the loader accepts it")));
        QFile file(fileName);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(it.value().toUtf8());
        bad << fileName;
    }

    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 is not installed: no JSON Schema validator to compare with");
    QProcess probe;
    probe.start(python, {QStringLiteral("-c"), QStringLiteral("import jsonschema")});
    if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
        QSKIP("the Python jsonschema module is not installed (apt install python3-jsonschema)");
    const QString script = QStringLiteral("import json, sys, jsonschema\n"
                                          "schema = json.load(open(sys.argv[1]))\n"
                                          "jsonschema.Draft202012Validator.check_schema(schema)\n"
                                          "validator = jsonschema.Draft202012Validator(schema)\n"
                                          "for name in sys.argv[2:]:\n"
                                          "    errors = list(validator.iter_errors(json.load(open(name))))\n"
                                          "    print(('refused ' if errors else 'accepted ') + name)\n");
    QProcess process;
    process.start(
        python, QStringList{QStringLiteral("-c"), script, sourceDir(QStringLiteral("exercise.schema.json"))} +
                    good + bad);
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QStringList lines =
        QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), good.size() + bad.size());
    for (const QString &file : std::as_const(good))
        QVERIFY2(lines.contains(QStringLiteral("accepted ") + file), qPrintable(file));
    for (const QString &file : std::as_const(bad))
        QVERIFY2(lines.contains(QStringLiteral("refused ") + file), qPrintable(file));
}

QTEST_GUILESS_MAIN(TestBuiltinExercises)
#include "tst_builtinexercises.moc"
