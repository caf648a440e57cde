// The exercise loader: every broken file is refused with its file, its JSON path and a reason a
// teacher can act on, before any socket is made; each student's variant is drawn and put into the
// scenario; answers are read in one canonical form per measure.
#include "exercise/answer.h"
#include "exercise/exerciseloader.h"
#include "exercise/variant.h"
#include "scenario/jsoncheck.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

Q_DECLARE_METATYPE(Measure)

class TestExerciseLoader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void brokenFileIsRefused_data();
    void brokenFileIsRefused();
    void everyBrokenFileHasARow();
    void variableErrorDoesNotDependOnTheStudent();
    void everyValidFileLoads_data();
    void everyValidFileLoads();
    void stepIsGivenByItsId();
    void variantIsSubstitutedIntoTheScenario();
    void substituteKeepsNumbersAndWritesText_data();
    void substituteKeepsNumbersAndWritesText();
    void studentsDrawTheirOwnValues();
    void builtinExerciseLoadsByIdAndByFile();
    void answersHaveOneCanonicalForm_data();
    void answersHaveOneCanonicalForm();
    void unreadableAnswerIsRefused_data();
    void unreadableAnswerIsRefused();
};

namespace {

// The broken table's student: the one row whose refusal depends on the variant
// (variable-breaks-scenario) draws port 61072 for this name, a valid port, so that the loader
// reaches the check of the range's other end.
const QString TableStudent = QStringLiteral("Margaret Hamilton");

QStringList brokenRowsSeen;

QString exerciseData(const QString &name)
{
    return testsupport::testData(QStringLiteral("exercises/") + name);
}

ExerciseLoadResult loadValid(const QString &name, const QString &student)
{
    return ExerciseLoader::loadFile(exerciseData(QStringLiteral("valid/") + name), student);
}

} // namespace

void TestExerciseLoader::brokenFileIsRefused_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("blamed"); // the file the error names: empty for the exercise itself
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("line"); // only for text that does not parse
    QTest::addColumn<int>("column");

    const auto row = [](const char *file, const char *path, const char *reason, const char *blamed = "") {
        QTest::newRow(file) << QString::fromLatin1(file) << QString::fromLatin1(blamed)
                            << QString::fromLatin1(path) << QString::fromLatin1(reason) << 0 << 0;
    };
    // The text and the header.
    QTest::newRow("not-json") << QStringLiteral("not-json") << QString() << QString()
                              << QStringLiteral("the text is not valid JSON: a ',' or '}' is missing") << 4
                              << 4;
    row("not-an-object", "$", "an exercise must be a JSON object");
    row("unknown-top-level-key", "$.answers", "unknown key \"answers\"");
    row("missing-id", "$", "\"id\" is missing");
    // The scenario it names.
    row("unknown-scenario", "$.scenario", "no built-in scenario has the id \"tcp-echoes\"");
    row("scenario-file-missing", "$.scenario", "cannot read the scenario");
    row("scenario-broken", "$.steps[1].args.port", "port 70000 is out of range",
        "scenarios/port-out-of-range.json");
    // The questions, checked against that scenario.
    row("questions-missing", "$.questions", "must be a non-empty array of questions");
    row("questions-empty", "$.questions", "must be a non-empty array of questions");
    row("unknown-measure", "$.questions[0].measure", "unknown measure \"latency\"");
    row("step-out-of-range", "$.questions[1].step",
        "step 15 is out of range: the scenario tcp-echo has steps 1 to 14");
    row("unknown-step-id", "$.questions[0].step", "the scenario has no step with the id \"connect\"");
    row("bad-when", "$.questions[0].when", "\"during\" is neither \"before\" (predict) nor \"after\"");
    row("unknown-socket", "$.questions[0].socket", "the scenario tcp-echo has no socket \"server\"");
    row("socket-on-call-measure", "$.questions[0].socket",
        "the measure \"result\" is about the step's call, not a socket");
    row("state-on-udp", "$.questions[0].measure", "client is not a TCP socket, so it has no TCP state");
    row("flags-on-udp", "$.questions[0].measure", "only TCP packets have flags");
    row("data-without-data", "$.questions[0].measure", "step 6 (client connect) moves no data");
    row("choices-without-answer", "$.questions[0].choices",
        "the choices cannot contain the answer: the scenario expects step 6 (client connect) to give "
        "result = 0");
    row("choice-not-an-answer", "$.questions[0].choices[1]", "is not an answer to \"state\"");
    row("duplicate-question-id", "$.questions[1].id", "duplicate question id \"q1\"");
    // Variables: declared, used and valid for every student.
    row("variable-undeclared", "$.steps[1].args.port",
        "the scenario uses \"${port}\", but the exercise declares no variable \"port\"",
        "scenarios/uses-port.json");
    row("variable-unused", "$.variables.port", "the scenario tcp-echo never uses \"${port}\"");
    row("range-reversed", "$.variables.port.range", "the lowest value 30000 is above the highest 20000");
    row("variable-breaks-scenario", "$.variables.port",
        "the value 70000 makes the scenario invalid: "); // …and the scenario's own reason, below
    // Goals.
    row("goal-two-facts", "$.questions[0].goal", "must name exactly one fact");
    row("goal-unknown-fact", "$.questions[0].goal.timeout", "unknown key \"timeout\"");
    row("goal-never-listens", "$.questions[0].goal.accept_queue.socket",
        "client never listens, so it has no accept queue");
}

void TestExerciseLoader::brokenFileIsRefused()
{
    QFETCH(QString, file);
    QFETCH(QString, blamed);
    QFETCH(QString, path);
    QFETCH(QString, reason);
    QFETCH(int, line);
    QFETCH(int, column);
    brokenRowsSeen << file;

    const QString fileName = exerciseData(QStringLiteral("broken/%1.json").arg(file));
    QVERIFY2(QFileInfo::exists(fileName), qPrintable(fileName));
    const ExerciseLoadResult loaded = ExerciseLoader::loadFile(fileName, TableStudent);
    QVERIFY2(!loaded.ok(), "a broken exercise loaded");
    const QString blamedFile =
        blamed.isEmpty() ? fileName
                         : QFileInfo(fileName).absolutePath() + u'/' + blamed; // as the loader names it
    QCOMPARE(loaded.error.file, blamedFile);
    QCOMPARE(loaded.error.path, path);
    QVERIFY2(loaded.error.reason.contains(reason), qPrintable(loaded.error.reason));
    QCOMPARE(loaded.error.line, line);
    QCOMPARE(loaded.error.column, column);
    // The one line a teacher reads names the file, the place and the reason; an error found in the
    // scenario also names the exercise that asked for it.
    const QString text = loaded.error.toString();
    QVERIFY2(text.startsWith(blamedFile), qPrintable(text));
    QVERIFY2(text.contains(reason), qPrintable(text));
    if (!path.isEmpty())
        QVERIFY2(text.contains(QStringLiteral("at ") + path), qPrintable(text));
    if (line > 0)
        QVERIFY2(text.startsWith(QStringLiteral("%1:%2:%3: ").arg(fileName).arg(line).arg(column)),
                 qPrintable(text));
    if (!blamed.isEmpty())
        QVERIFY2(text.contains(QStringLiteral("in the scenario of ") + fileName), qPrintable(text));
    if (file == QLatin1String("variable-breaks-scenario"))
        QVERIFY2(text.contains(QStringLiteral("port 70000 is out of range")), qPrintable(text));
}

void TestExerciseLoader::everyBrokenFileHasARow()
{
    const QStringList files =
        QDir(exerciseData(QStringLiteral("broken"))).entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 18);
    for (const QString &file : files)
        QVERIFY2(brokenRowsSeen.contains(QFileInfo(file).completeBaseName()),
                 qPrintable(file + QStringLiteral(" has no row")));
}

// A range that runs past 65535 is the exercise's mistake whoever loads it: a student whose own
// port is out of range should be told the same thing as one whose port happens to be valid.
void TestExerciseLoader::variableErrorDoesNotDependOnTheStudent()
{
    const QString fileName = exerciseData(QStringLiteral("broken/variable-breaks-scenario.json"));
    const ExerciseLoadResult valid = ExerciseLoader::loadFile(fileName, TableStudent);
    // Grace Hopper's own draw is 67386.
    const ExerciseLoadResult outOfRange = ExerciseLoader::loadFile(fileName, QStringLiteral("Grace Hopper"));
    QVERIFY(!valid.ok());
    QVERIFY(!outOfRange.ok());
    QCOMPARE(valid.error.path, QStringLiteral("$.variables.port"));
    QCOMPARE(outOfRange.error.file, fileName);
    QCOMPARE(outOfRange.error.path, QStringLiteral("$.variables.port"));
    QVERIFY2(outOfRange.error.reason.contains(QStringLiteral("makes the scenario invalid")),
             qPrintable(outOfRange.error.toString()));
}

void TestExerciseLoader::everyValidFileLoads_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files =
        QDir(exerciseData(QStringLiteral("valid"))).entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 5);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << file;
}

void TestExerciseLoader::everyValidFileLoads()
{
    QFETCH(QString, file);
    for (const QString &student : {QStringLiteral("Ada Lovelace"), QStringLiteral("Alan Turing")}) {
        const ExerciseLoadResult loaded = loadValid(file, student);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
        QCOMPARE(loaded.exercise.id, QFileInfo(file).completeBaseName());
        QCOMPARE(loaded.exercise.student, student);
        QCOMPARE(loaded.exercise.source, exerciseData(QStringLiteral("valid/") + file));
        QVERIFY(!loaded.exercise.questions.isEmpty());
        QVERIFY(!loaded.exercise.scenario.steps.isEmpty());
        for (const Question &question : loaded.exercise.questions) {
            if (question.isGoal())
                continue;
            QVERIFY(question.step >= 0 && question.step < loaded.exercise.scenario.steps.size());
            QCOMPARE(measureNeedsSocket(question.measure), !question.socket.isEmpty());
        }
    }
}

void TestExerciseLoader::stepIsGivenByItsId()
{
    const ExerciseLoadResult loaded = loadValid(QStringLiteral("variant-echo.json"), QStringLiteral("Ada"));
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    const Exercise &exercise = loaded.exercise;
    const QStringList ids = {QStringLiteral("bound"), QStringLiteral("connects"), QStringLiteral("received"),
                             QStringLiteral("last")};
    const QList<int> steps = {1, 4, 7, 10}; // "bind", "connect", "recv" and the number 11
    const QList<Call> calls = {Call::Bind, Call::Connect, Call::Recv, Call::Close};
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const Question *question = exercise.question(ids.at(i));
        QVERIFY2(question, qPrintable(ids.at(i)));
        QCOMPARE(question->step, steps.at(i));
        QCOMPARE(exercise.scenario.steps.at(question->step).call, calls.at(i));
    }
    // A socket measure on a step given by id takes the step's socket.
    QCOMPARE(exercise.question(QStringLiteral("bound"))->socket, QStringLiteral("listener"));
    QCOMPARE(exercise.questionsAt(4, Timing::Before).size(), qsizetype(1));
    QCOMPARE(exercise.questionsAt(4, Timing::After).size(), qsizetype(0));
}

void TestExerciseLoader::variantIsSubstitutedIntoTheScenario()
{
    const ExerciseLoadResult loaded =
        loadValid(QStringLiteral("variant-echo.json"), QStringLiteral("Ada Lovelace"));
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    const Exercise &exercise = loaded.exercise;
    QCOMPARE(exercise.values.keys(),
             QStringList({QStringLiteral("backlog"), QStringLiteral("greeting"), QStringLiteral("port")}));
    const QJsonValue port = exercise.values.value(QStringLiteral("port"));
    const QJsonValue backlog = exercise.values.value(QStringLiteral("backlog"));
    const QJsonValue greeting = exercise.values.value(QStringLiteral("greeting"));
    QVERIFY(port.isDouble());
    QVERIFY(port.toInteger() >= 20000 && port.toInteger() <= 29999);
    QVERIFY(backlog.isDouble());
    QVERIFY(greeting.isString());

    // "${port}" alone became the number itself, in both steps that use it…
    const ScenarioStep &bind = exercise.scenario.steps.at(1);
    const QVariant boundPort = bind.args.value(QStringLiteral("port"));
    QVERIFY2(boundPort.typeId() != QMetaType::QString, boundPort.typeName());
    QCOMPARE(boundPort.toLongLong(), port.toInteger());
    QCOMPARE(exercise.scenario.steps.at(4).args.value(QStringLiteral("port")).toLongLong(), port.toInteger());
    QCOMPARE(exercise.scenario.steps.at(2).args.value(QStringLiteral("backlog")).toLongLong(),
             backlog.toInteger());
    // …and inside text it became text.
    QCOMPARE(bind.narration, QStringLiteral("The server takes port %1 (a backlog of %2 follows).")
                                 .arg(port.toInteger())
                                 .arg(backlog.toInteger()));
    QCOMPARE(exercise.scenario.steps.at(6).args.value(QStringLiteral("data")).toString(),
             greeting.toString());
    QCOMPARE(exercise.scenario.steps.at(7).expect.data,
             std::optional<QByteArray>(greeting.toString().toUtf8()));
    // The file as read is kept unsubstituted: a result file carries it, and grade draws again.
    QVERIFY(exercise.scenarioText.contains("\"port\": \"${port}\""));
    QCOMPARE(exercise.scenarioSource, exerciseData(QStringLiteral("valid/scenarios/variant-echo.json")));
}

void TestExerciseLoader::substituteKeepsNumbersAndWritesText_data()
{
    QTest::addColumn<QString>("json"); // {"v": …} before substitution
    QTest::addColumn<QString>("expected");
    QTest::addRow("alone: a number") << QStringLiteral(R"({"v": "${port}"})")
                                     << QStringLiteral(R"({"v":24181})");
    QTest::addRow("alone: a string") << QStringLiteral(R"({"v": "${word}"})")
                                     << QStringLiteral(R"({"v":"hi\n"})");
    QTest::addRow("inside text") << QStringLiteral(R"({"v": "port ${port}!"})")
                                 << QStringLiteral(R"({"v":"port 24181!"})");
    QTest::addRow("twice in text") << QStringLiteral(R"({"v": "${port}-${port}"})")
                                   << QStringLiteral(R"({"v":"24181-24181"})");
    QTest::addRow("two names") << QStringLiteral(R"({"v": "${word}${port}"})")
                               << QStringLiteral(R"({"v":"hi\n24181"})");
    QTest::addRow("in an array") << QStringLiteral(R"({"v": [1, "${port}", {"w": "${port}"}]})")
                                 << QStringLiteral(R"({"v":[1,24181,{"w":24181}]})");
    QTest::addRow("no placeholder") << QStringLiteral(R"({"v": "$port {port}"})")
                                    << QStringLiteral(R"({"v":"$port {port}"})");
    QTest::addRow("keys stay as written")
        << QStringLiteral(R"({"${port}": 1})") << QStringLiteral(R"({"${port}":1})");
}

void TestExerciseLoader::substituteKeepsNumbersAndWritesText()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const QMap<QString, QJsonValue> values = {{QStringLiteral("port"), QJsonValue(24181)},
                                              {QStringLiteral("word"), QJsonValue(QStringLiteral("hi\n"))}};
    const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
    QVERIFY(!object.isEmpty());
    const QJsonValue substituted = variant::substitute(object, values);
    QCOMPARE(QString::fromUtf8(QJsonDocument(substituted.toObject()).toJson(QJsonDocument::Compact)),
             expected);
    // A name nobody declared is refused with its place.
    try {
        variant::substitute(object, {});
        QVERIFY2(variant::namesUsed(object).isEmpty(), "an undeclared name was substituted");
    } catch (const jsoncheck::Failure &failure) {
        QVERIFY(!variant::namesUsed(object).isEmpty());
        QVERIFY2(failure.path.startsWith(QStringLiteral("$.v")), qPrintable(failure.path));
        QVERIFY2(failure.reason.contains(QStringLiteral("declares no variable")), qPrintable(failure.reason));
    }
}

void TestExerciseLoader::studentsDrawTheirOwnValues()
{
    const ExerciseVariable port{QStringLiteral("port"), true, 20000, 29999, {}};
    const ExerciseVariable greeting{QStringLiteral("greeting"),
                                    false,
                                    0,
                                    0,
                                    {QJsonValue(QStringLiteral("hello")), QJsonValue(QStringLiteral("hola")),
                                     QJsonValue(QStringLiteral("hej"))}};
    const QString id = QStringLiteral("variant-echo");
    const QString ada = QStringLiteral("Ada Lovelace");
    const QString alan = QStringLiteral("Alan Turing");
    // Two students, two ports: 24181 and 24113 (SHA-256 of the exercise, the student and the name).
    QCOMPARE(variant::draw(port, id, ada), QJsonValue(24181));
    QCOMPARE(variant::draw(port, id, alan), QJsonValue(24113));
    // The same name draws the same value every time, and in every exercise its own.
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(variant::draw(port, id, ada), QJsonValue(24181));
        QVERIFY(greeting.choices.contains(variant::draw(greeting, id, ada)));
    }
    QCOMPARE(variant::draw(greeting, id, ada), variant::draw(greeting, id, ada));
    QVERIFY(variant::draw(port, QStringLiteral("handshake-lab"), ada) != QJsonValue(24181));

    // Over a class, values spread over the range and every choice is drawn.
    QSet<qint64> ports;
    QSet<QString> words;
    for (int i = 0; i < 60; ++i) {
        const QString student = QStringLiteral("student %1").arg(i);
        const qint64 drawn = variant::draw(port, id, student).toInteger();
        QVERIFY(drawn >= 20000 && drawn <= 29999);
        ports << drawn;
        words << variant::draw(greeting, id, student).toString();
    }
    QVERIFY2(ports.size() >= 55, "sixty students share a handful of ports");
    QCOMPARE(words.size(), 3);

    // Through the loader: each student runs a scenario with their own port, every time.
    const ExerciseLoadResult first = loadValid(QStringLiteral("variant-echo.json"), ada);
    const ExerciseLoadResult again = loadValid(QStringLiteral("variant-echo.json"), ada);
    const ExerciseLoadResult other = loadValid(QStringLiteral("variant-echo.json"), alan);
    QVERIFY(first.ok() && again.ok() && other.ok());
    QCOMPARE(first.exercise.values, again.exercise.values);
    QCOMPARE(first.exercise.values.value(QStringLiteral("port")), QJsonValue(24181));
    QCOMPARE(other.exercise.values.value(QStringLiteral("port")), QJsonValue(24113));
    QCOMPARE(first.exercise.scenario.steps.at(1).args.value(QStringLiteral("port")).toInt(), 24181);
    QCOMPARE(other.exercise.scenario.steps.at(1).args.value(QStringLiteral("port")).toInt(), 24113);
}

void TestExerciseLoader::builtinExerciseLoadsByIdAndByFile()
{
    const QString student = QStringLiteral("Ada Lovelace");
    const ExerciseLoadResult byId = ExerciseLoader::load(QStringLiteral("handshake-lab"), student);
    QVERIFY2(byId.ok(), qPrintable(byId.error.toString()));
    QVERIFY(ExerciseLoader::builtinIds().contains(QStringLiteral("handshake-lab")));
    QCOMPARE(byId.exercise.source, QStringLiteral(":/exercises/handshake-lab.json"));
    QCOMPARE(byId.exercise.text, ExerciseLoader::builtinText(QStringLiteral("handshake-lab")));
    const ExerciseLoadResult byFile = ExerciseLoader::load(
        QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/exercises/handshake-lab.json"), student);
    QVERIFY2(byFile.ok(), qPrintable(byFile.error.toString()));
    QCOMPARE(byFile.exercise.values, byId.exercise.values);
    QCOMPARE(byFile.exercise.questions.size(), byId.exercise.questions.size());

    const ExerciseLoadResult unknown = ExerciseLoader::load(QStringLiteral("no-such-lab"), student);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error.file, QStringLiteral("no-such-lab"));
    QVERIFY(unknown.error.reason.contains(QStringLiteral("no built-in exercise has this id")));
    const ExerciseLoadResult missing = ExerciseLoader::load(QStringLiteral("/nonexistent/lab.json"), student);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error.reason, QStringLiteral("no such file"));
    QVERIFY(ExerciseLoader::builtinText(QStringLiteral("../scenarios/tcp-echo")).isEmpty());
}

void TestExerciseLoader::answersHaveOneCanonicalForm_data()
{
    QTest::addColumn<Measure>("measure");
    QTest::addColumn<QJsonValue>("given");
    QTest::addColumn<QJsonValue>("other");
    QTest::addColumn<bool>("same");
    const auto text = [](const char *word) { return QJsonValue(QString::fromUtf8(word)); };
    const auto list = [](std::initializer_list<const char *> words) {
        QJsonArray array;
        for (const char *word : words)
            array.append(QString::fromUtf8(word));
        return QJsonValue(array);
    };
    QTest::addRow("SYN+ACK is ACK+SYN") << Measure::Flags << text("SYN+ACK") << text("ACK+SYN") << true;
    QTest::addRow("flags in lowercase") << Measure::Flags << text("syn+ack") << text("SYN+ACK") << true;
    QTest::addRow("a handshake as text or list")
        << Measure::Flags << text("SYN, ACK+SYN; ACK") << list({"SYN", "SYN+ACK", "ACK"}) << true;
    QTest::addRow("packets in another order")
        << Measure::Flags << list({"SYN", "ACK", "SYN+ACK"}) << list({"SYN", "SYN+ACK", "ACK"}) << false;
    QTest::addRow("RST+ACK is not RST") << Measure::Flags << text("RST") << text("ACK+RST") << false;
    QTest::addRow("no packets") << Measure::Flags << text("none") << list({}) << true;
    QTest::addRow("packets separated by spaces")
        << Measure::Flags << text("SYN SYN+ACK ACK") << list({"SYN", "SYN+ACK", "ACK"}) << true;
    QTest::addRow("FIN_WAIT2 is FIN_WAIT_2")
        << Measure::State << text("FIN_WAIT2") << text("FIN_WAIT_2") << true;
    QTest::addRow("fin-wait-2 is FIN_WAIT_2")
        << Measure::State << text("fin-wait-2") << text("FIN_WAIT_2") << true;
    QTest::addRow("SYN_RECV is SYN_RECEIVED")
        << Measure::State << text("SYN_RECV") << text("syn received") << true;
    QTest::addRow("FIN_WAIT_1 is not FIN_WAIT_2")
        << Measure::State << text("FIN_WAIT1") << text("FIN_WAIT_2") << false;
    QTest::addRow("EWOULDBLOCK is EAGAIN") << Measure::Errno << text("EWOULDBLOCK") << text("EAGAIN") << true;
    QTest::addRow("errno in lowercase")
        << Measure::Errno << text("econnrefused") << text("ECONNREFUSED") << true;
    QTest::addRow("no errno: null, none, 0")
        << Measure::Errno << QJsonValue(QJsonValue::Null) << text("none") << true;
    QTest::addRow("no errno is not ENOENT") << Measure::Errno << text("0") << text("ENOENT") << false;
    QTest::addRow("yes waits") << Measure::Blocks << text("yes") << QJsonValue(true) << true;
    QTest::addRow("false does not wait") << Measure::Blocks << text("False") << QJsonValue(true) << false;
    QTest::addRow("a result as text") << Measure::Result << text(" -1 ") << QJsonValue(-1) << true;
    QTest::addRow("a result of 2.0") << Measure::Result << QJsonValue(2.0) << QJsonValue(2) << true;
    QTest::addRow("a count as text") << Measure::Packets << text("3") << QJsonValue(3) << true;
    QTest::addRow("a port") << Measure::LocalPort << QJsonValue(8080) << text("8080") << true;
    QTest::addRow("\"hello\" matches \"hello\\n\"")
        << Measure::Data << text("hello") << text("hello\n") << true;
    QTest::addRow("\\r\\n ends a line too") << Measure::Data << text("hello") << text("hello\r\n") << true;
    QTest::addRow("\\n written as an escape") << Measure::Data << text("hello\\n") << text("hello\n") << true;
    QTest::addRow("a hex escape") << Measure::Data << text("\\x41BC") << text("ABC") << true;
    QTest::addRow("only one line end is forgiven")
        << Measure::Data << text("hello") << text("hello\n\n") << false;
    QTest::addRow("data is case-sensitive") << Measure::Data << text("PING") << text("ping") << false;
}

void TestExerciseLoader::answersHaveOneCanonicalForm()
{
    QFETCH(Measure, measure);
    QFETCH(QJsonValue, given);
    QFETCH(QJsonValue, other);
    QFETCH(bool, same);
    const answer::Parsed a = answer::parse(measure, given);
    const answer::Parsed b = answer::parse(measure, other);
    QVERIFY2(a.ok(), qPrintable(a.problem));
    QVERIFY2(b.ok(), qPrintable(b.problem));
    QCOMPARE(answer::matches(measure, a.value, b.value), same);
    QCOMPARE(answer::matches(measure, b.value, a.value), same);
    // A canonical answer reads back as itself.
    const answer::Parsed again = answer::parse(measure, a.value);
    QVERIFY2(again.ok(), qPrintable(again.problem));
    QCOMPARE(again.value, a.value);
    if (measure != Measure::Data)
        QCOMPARE(a.value == b.value, same);
}

void TestExerciseLoader::unreadableAnswerIsRefused_data()
{
    QTest::addColumn<Measure>("measure");
    QTest::addColumn<QJsonValue>("given");
    QTest::addColumn<QString>("problem");
    const auto text = [](const char *word) { return QJsonValue(QString::fromUtf8(word)); };
    QTest::addRow("a state that is not one")
        << Measure::State << text("HALF_OPEN") << QStringLiteral("must be a TCP state");
    QTest::addRow("a flag that is not one")
        << Measure::Flags << text("SYN+FOO") << QStringLiteral("\"FOO\" is not a TCP flag");
    QTest::addRow("a packet without flags")
        << Measure::Flags << text("SYN,,+") << QStringLiteral("a packet's flags are missing");
    QTest::addRow("an errno that is not one")
        << Measure::Errno << text("ECONNFAILED") << QStringLiteral("is not an errno name");
    QTest::addRow("a number as errno")
        << Measure::Errno << QJsonValue(111) << QStringLiteral("must be an errno name");
    QTest::addRow("a fraction") << Measure::Result << QJsonValue(1.5)
                                << QStringLiteral("must be a whole number");
    QTest::addRow("a result past any integer")
        << Measure::Result << QJsonValue(1e300) << QStringLiteral("must be a whole number");
    QTest::addRow("a word as result")
        << Measure::Result << text("zero") << QStringLiteral("must be a whole number");
    QTest::addRow("a port past 65535")
        << Measure::LocalPort << QJsonValue(70000) << QStringLiteral("from 0 to 65535");
    QTest::addRow("a negative count") << Measure::Packets << QJsonValue(-1) << QStringLiteral("from 0 to");
    QTest::addRow("maybe") << Measure::Blocks << text("maybe") << QStringLiteral("must be true");
    QTest::addRow("data as a number") << Measure::Data << QJsonValue(5) << QStringLiteral("must be text");
    QTest::addRow("no data at all") << Measure::Data << text("") << QStringLiteral("must be text");
    QTest::addRow("no flags at all") << Measure::Flags << text(" ") << QStringLiteral("or none");
    QTest::addRow("a flag twice in one packet")
        << Measure::Flags << text("SYN+SYN") << QStringLiteral("SYN appears twice in one packet");
}

void TestExerciseLoader::unreadableAnswerIsRefused()
{
    QFETCH(Measure, measure);
    QFETCH(QJsonValue, given);
    QFETCH(QString, problem);
    const answer::Parsed parsed = answer::parse(measure, given);
    QVERIFY2(!parsed.ok(), qPrintable(answer::toText(measure, parsed.value)));
    QVERIFY2(parsed.problem.contains(problem), qPrintable(parsed.problem));
    QVERIFY(parsed.value.isUndefined());
    // An unreadable answer never matches, whatever was measured.
    QVERIFY(!answer::matches(measure, parsed.value, parsed.value));
}

QTEST_GUILESS_MAIN(TestExerciseLoader)
#include "tst_exerciseloader.moc"
