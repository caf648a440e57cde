// The grader on real runs: for every measure a right answer is graded right and a wrong one wrong,
// from the run's own trace, and the evidence is the events that show the answer; each student is
// graded on their own variant; a goal is reached by the order the actors are stepped in.
#include "exercise/answer.h"
#include "exercise/exerciseloader.h"
#include "exercise/exerciseresult.h"
#include "exercise/grader.h"
#include "exercise/run/exerciserun.h"
#include "projections/tcpstatemachine.h"
#include "testsupport.h"
#include "trace/trace.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

// What the events a question's evidence names must be.
enum class Evidence {
    Returned, // the step's call event that returned
    Blocked,  // the step's call event that says it waited
    Packets,  // the packets the step caused, one event each
    State,    // the state event that reported the socket's state
    Queue,    // the queue event that reported the figure
    Local,    // an event that told the socket's local address
};
Q_DECLARE_METATYPE(Evidence)

class TestGrader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyMeasureGradesRightAndWrong_data();
    void everyMeasureGradesRightAndWrong();
    void everyMeasureHasARow();
    void answerOutsideTheChoicesIsNotCounted();
    void questionOnAStepThatDidNotRunIsNotCounted();
    void studentsAreGradedOnTheirOwnVariant();
    void goalIsReachedByTheOrderOfSteps_data();
    void goalIsReachedByTheOrderOfSteps();

private:
    const ExerciseResult &runOf(const QString &file, const QStringList &order = {});

    QHash<QString, ExerciseResult> m_runs; // by file and actor order
    QStringList m_measuresSeen;
    QElapsedTimer m_clock;
};

namespace {

const QString Student = QStringLiteral("Ada Lovelace");

Exercise load(const QString &file, const QString &student = Student)
{
    const ExerciseLoadResult loaded =
        file.endsWith(QLatin1String(".json"))
            ? ExerciseLoader::loadFile(testsupport::testData(QStringLiteral("exercises/valid/") + file),
                                       student)
            : ExerciseLoader::builtin(file, student);
    if (!loaded.ok())
        qFatal("%s", qPrintable(loaded.error.toString()));
    return loaded.exercise;
}

qsizetype indexOf(const Exercise &exercise, const QString &questionId)
{
    for (qsizetype i = 0; i < exercise.questions.size(); ++i) {
        if (exercise.questions.at(i).id == questionId)
            return i;
    }
    return -1;
}

QString json(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// Why a run cannot measure what `measure` needs, or empty when it can.
QString whyNotMeasurable(const ExerciseRun &run, Measure measure)
{
    if ((measure == Measure::Packets || measure == Measure::Flags) && !run.header.capture)
        return QStringLiteral("packets were not captured in this run (%1)").arg(run.header.modeReason);
    return {};
}

// The event `seq` must be of `kind` and show `measured` for `question`.
QString evidenceProblem(const Trace &trace, qint64 seq, Evidence kind, const Question &question,
                        const QJsonValue &measured)
{
    if (seq < 0 || seq >= trace.size())
        return QStringLiteral("seq %1 is not in the trace").arg(seq);
    const TraceEvent &event = trace.at(seq);
    const CallInfo *call = event.call();
    switch (kind) {
    case Evidence::Returned:
        if (!call || call->step != question.step || call->phase != CallInfo::Phase::Returned)
            return QStringLiteral("seq %1 is not step %2's returned call").arg(seq).arg(question.step + 1);
        return {};
    case Evidence::Blocked:
        if (!call || call->step != question.step || call->phase != CallInfo::Phase::Blocked)
            return QStringLiteral("seq %1 is not step %2's blocked call").arg(seq).arg(question.step + 1);
        return {};
    case Evidence::Packets:
        if (!event.packet())
            return QStringLiteral("seq %1 is not a packet").arg(seq);
        if (event.cause < 0 || !trace.at(event.cause).call() ||
            trace.at(event.cause).call()->step != question.step)
            return QStringLiteral("packet %1 was not caused by step %2").arg(seq).arg(question.step + 1);
        return {};
    case Evidence::State:
        if (!event.state() || event.state()->socket != question.socket)
            return QStringLiteral("seq %1 is not a state event of %2").arg(seq).arg(question.socket);
        if (QJsonValue(tcpstatemachine::fromKernel(event.state()->to)) != measured)
            return QStringLiteral("state event %1 shows %2").arg(seq).arg(event.state()->to);
        return {};
    case Evidence::Queue: {
        const QueueInfo *queue = event.queue();
        if (!queue || queue->socket != question.socket)
            return QStringLiteral("seq %1 is not a queue event of %2").arg(seq).arg(question.socket);
        const int figure =
            question.measure == Measure::AcceptQueue ? queue->acceptQueue : queue->receiveQueue;
        if (figure != measured.toInteger())
            return QStringLiteral("queue event %1 shows %2").arg(seq).arg(figure);
        return {};
    }
    case Evidence::Local: {
        const QString ending = u':' + QString::number(measured.toInteger());
        const bool callTells = call && call->socket == question.socket && call->local.endsWith(ending);
        const bool stateTells = event.state() && event.state()->socket == question.socket &&
                                event.state()->local.endsWith(ending);
        if (!callTells && !stateTells)
            return QStringLiteral("seq %1 does not tell %2's local address").arg(seq).arg(question.socket);
        return {};
    }
    }
    return QStringLiteral("unknown kind");
}

} // namespace

void TestGrader::initTestCase()
{
    m_clock.start();
    // The sandbox helper lives next to the socketscope binary; the tests run from elsewhere.
    const QString helper =
        QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY)).absolutePath() + QStringLiteral("/socketscope-sandbox");
    if (qEnvironmentVariableIsEmpty("SOCKETSCOPE_SANDBOX") && QFileInfo(helper).isExecutable())
        qputenv("SOCKETSCOPE_SANDBOX", helper.toLocal8Bit());
}

void TestGrader::cleanupTestCase()
{
    qInfo("tst_grader: %d runs in %.1f s", int(m_runs.size()), double(m_clock.elapsed()) / 1000.0);
}

// One run per exercise and actor order, graded with no answers; the rows grade their answers on it.
const ExerciseResult &TestGrader::runOf(const QString &file, const QStringList &order)
{
    const QString key = file + u'|' + order.join(u' ');
    if (!m_runs.contains(key)) {
        const Exercise exercise = load(file);
        exerciserun::Answers answers;
        for (const Question &question : exercise.questions) {
            if (question.isGoal() && !order.isEmpty())
                answers.insert(question.id, QJsonArray::fromStringList(order));
        }
        m_runs.insert(key, exerciserun::run(exercise, answers));
    }
    return m_runs[key];
}

void TestGrader::everyMeasureGradesRightAndWrong_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("questionId");
    QTest::addColumn<QJsonValue>("right");
    QTest::addColumn<QJsonValue>("wrong");
    QTest::addColumn<Evidence>("evidence");
    const auto text = [](const char *word) { return QJsonValue(QString::fromUtf8(word)); };
    const auto row = [](const char *name, const char *file, const char *id, const QJsonValue &right,
                        const QJsonValue &wrong, Evidence evidence) {
        QTest::newRow(name) << QString::fromLatin1(file) << QString::fromLatin1(id) << right << wrong
                            << evidence;
    };
    // The TCP echo (tcp-echo: the listener binds 127.0.0.1:8080).
    const char *echo = "tcp-echo-measures.json";
    row("local_port: the port bind() gave", echo, "bind-port", QJsonValue(8080), QJsonValue(8081),
        Evidence::Local);
    row("blocks: accept() waits", echo, "accept-blocks", QJsonValue(true), text("no"), Evidence::Blocked);
    row("blocks: connect() does not wait", echo, "connect-blocks", text("false"), QJsonValue(true),
        Evidence::Returned);
    row("errno: connect() sets none", echo, "connect-errno", QJsonValue(QJsonValue::Null),
        text("ECONNREFUSED"), Evidence::Returned);
    row("packets: the handshake is three", echo, "connect-packets", QJsonValue(3), QJsonValue(1),
        Evidence::Packets);
    row("flags: SYN, SYN+ACK, ACK", echo, "connect-flags", text("syn; ack+syn; ack"), text("SYN, ACK"),
        Evidence::Packets);
    row("state: connected is ESTABLISHED", echo, "connect-state", text("ESTABLISHED"), text("SYN_SENT"),
        Evidence::State);
    row("result: send() returns the bytes", echo, "send-result", QJsonValue(14), QJsonValue(-1),
        Evidence::Returned);
    row("recv_queue: the bytes wait for the server", echo, "send-recv-queue", QJsonValue(14), QJsonValue(0),
        Evidence::Queue);
    row("data: the line, its \\n forgiven", echo, "recv-data", text("hello, server"), text("hello"),
        Evidence::Returned);
    row("state: who closes first waits in TIME_WAIT", echo, "close-state", text("TIME-WAIT"), text("CLOSED"),
        Evidence::State);
    // Nobody listens on 8106, then a listener does.
    const char *refused = "connection-refused-measures.json";
    row("result: a refused connect() is -1", refused, "refused-result", QJsonValue(-1), QJsonValue(0),
        Evidence::Returned);
    row("errno: ECONNREFUSED", refused, "refused-errno", text("econnrefused"), text("ETIMEDOUT"),
        Evidence::Returned);
    row("packets: a SYN and its reset", refused, "refused-packets", QJsonValue(2), QJsonValue(1),
        Evidence::Packets);
    row("flags: SYN, RST+ACK", refused, "refused-flags",
        QJsonArray{QStringLiteral("SYN"), QStringLiteral("ACK+RST")}, text("SYN, RST"), Evidence::Packets);
    row("accept_queue: connected, not yet accepted", refused, "waiting", QJsonValue(1), QJsonValue(0),
        Evidence::Queue);
    // Datagrams between 127.0.0.1:9091 and :9090.
    const char *udp = "udp-echo-measures.json";
    row("blocks: recvfrom() waits", udp, "recvfrom-blocks", QJsonValue(true), QJsonValue(false),
        Evidence::Blocked);
    row("local_port: the client's bound port", udp, "client-port", QJsonValue(9091), QJsonValue(9090),
        Evidence::Local);
    row("packets: one datagram", udp, "sendto-packets", QJsonValue(1), QJsonValue(2), Evidence::Packets);
    row("data: the echo is uppercase", udp, "echo-data", text("PING"), text("ping"), Evidence::Returned);
    // A backlog of 1 holds two finished connections (the kernel allows backlog + 1).
    const char *backlog = "backlog-full-measures.json";
    row("accept_queue: two on a backlog of one", backlog, "queued", QJsonValue(2), QJsonValue(1),
        Evidence::Queue);
    row("blocks: the third connect() waits", backlog, "third-waits", QJsonValue(true), QJsonValue(false),
        Evidence::Blocked);
}

void TestGrader::everyMeasureGradesRightAndWrong()
{
    QFETCH(QString, file);
    QFETCH(QString, questionId);
    QFETCH(QJsonValue, right);
    QFETCH(QJsonValue, wrong);
    QFETCH(Evidence, evidence);
    const ExerciseResult &result = runOf(file);
    const Exercise &exercise = result.exercise;
    const Question *question = exercise.question(questionId);
    QVERIFY(question);
    m_measuresSeen << measureName(question->measure);
    QCOMPARE(result.runs.size(), qsizetype(1));
    const ExerciseRun &run = result.runs.constFirst();
    if (const QString why = whyNotMeasurable(run, question->measure); !why.isEmpty())
        QSKIP(qPrintable(why));
    const Trace &trace = *run.trace;

    // Nothing was given: measured, counted, not right.
    const qsizetype index = indexOf(exercise, questionId);
    const Graded &blank = result.graded.at(index);
    QCOMPARE(blank.questionId, questionId);
    QVERIFY2(blank.measured.ok(), qPrintable(blank.measured.unavailable));
    QVERIFY(blank.counts);
    QVERIFY(!blank.answered);
    QVERIFY(!blank.right);

    const Graded graded = grader::grade(*question, right, exercise.scenario, trace, run.header.capture);
    QVERIFY2(graded.counts, qPrintable(graded.comment));
    QVERIFY2(graded.right,
             qPrintable(QStringLiteral("given %1, measured %2")
                            .arg(json(right), answer::toText(question->measure, graded.measured.value))));
    QVERIFY2(graded.comment.isEmpty(), qPrintable(graded.comment));
    QCOMPARE(graded.measured.value, blank.measured.value);
    QCOMPARE(graded.canonical, answer::parse(question->measure, right).value);

    const Graded missed = grader::grade(*question, wrong, exercise.scenario, trace, run.header.capture);
    QVERIFY(missed.counts);
    QVERIFY(missed.answered);
    QVERIFY2(!missed.right, qPrintable(json(wrong)));
    QVERIFY2(answer::parse(question->measure, wrong).ok(), "the wrong answer must be a readable one");
    QCOMPARE(missed.measured.evidence, graded.measured.evidence);

    // The evidence: the events that decide the answer, and nothing else.
    const QList<qint64> &seqs = graded.measured.evidence;
    if (evidence == Evidence::Packets) {
        const qint64 count = question->measure == Measure::Packets ? graded.measured.value.toInteger()
                                                                   : graded.measured.value.toArray().size();
        QCOMPARE(qint64(seqs.size()), count);
    } else {
        QCOMPARE(seqs.size(), qsizetype(1));
    }
    QJsonArray flagsShown;
    for (qint64 seq : seqs) {
        const QString problem = evidenceProblem(trace, seq, evidence, *question, graded.measured.value);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        if (const PacketInfo *packet = trace.at(seq).packet())
            flagsShown.append(flagsWord(packet->flags));
    }
    if (question->measure == Measure::Flags)
        QCOMPARE(QJsonValue(flagsShown), graded.measured.value);
}

void TestGrader::everyMeasureHasARow()
{
    for (Measure measure : allMeasures())
        QVERIFY2(m_measuresSeen.contains(measureName(measure)),
                 qPrintable(measureName(measure) + QStringLiteral(" has no row")));
}

// The kernel's answer is what counts: when a teacher's choices leave it out, the question cannot be
// answered right, so it is left out of the maximum instead of marking every student wrong.
void TestGrader::answerOutsideTheChoicesIsNotCounted()
{
    const ExerciseResult &result = runOf(QStringLiteral("tcp-echo-measures.json"));
    const ExerciseRun &run = result.runs.constFirst();
    if (const QString why = whyNotMeasurable(run, Measure::Packets); !why.isEmpty())
        QSKIP(qPrintable(why));
    Question question = *result.exercise.question(QStringLiteral("connect-packets"));
    question.choices = {QJsonValue(1), QJsonValue(2)};
    const Graded graded = grader::grade(question, QJsonValue(1), result.exercise.scenario, *run.trace, true);
    QVERIFY(!graded.counts);
    QVERIFY(!graded.right);
    QVERIFY2(graded.comment.contains(QStringLiteral("the kernel's answer, 3, is not among the choices")),
             qPrintable(graded.comment));
    question.choices << QJsonValue(3);
    const Graded offered = grader::grade(question, QJsonValue(3), result.exercise.scenario, *run.trace, true);
    QVERIFY(offered.counts);
    QVERIFY(offered.right);
}

void TestGrader::questionOnAStepThatDidNotRunIsNotCounted()
{
    // Stepping the client twice before the server has listened: its connect() is refused, and the
    // scenario's later steps never run in that order.
    const ExerciseResult &result =
        runOf(QStringLiteral("handshake-lab"), {QStringLiteral("client"), QStringLiteral("client")});
    QCOMPARE(result.runs.size(), qsizetype(2));
    const ExerciseRun &goalRun = result.runs.at(1);
    const Question *close = result.exercise.question(QStringLiteral("q3"));
    QVERIFY(close);
    const Graded graded = grader::grade(*close, QJsonValue(QStringLiteral("FIN_WAIT2")),
                                        result.exercise.scenario, *goalRun.trace, goalRun.header.capture);
    QVERIFY(!graded.counts);
    QVERIFY(!graded.right);
    QVERIFY2(graded.comment.contains(QStringLiteral("step 11 (client close) did not run")),
             qPrintable(graded.comment));
    // On its own run, the question counts.
    const Question *connectResult = result.exercise.question(QStringLiteral("q1"));
    const Graded refused = grader::grade(*connectResult, QJsonValue(-1), result.exercise.scenario,
                                         *goalRun.trace, goalRun.header.capture);
    QVERIFY(refused.counts);
    QVERIFY2(refused.right, qPrintable(answer::toText(Measure::Result, refused.measured.value)));
}

void TestGrader::studentsAreGradedOnTheirOwnVariant()
{
    const QString ada = QStringLiteral("Ada Lovelace");
    const QString alan = QStringLiteral("Alan Turing");
    const Exercise adas = load(QStringLiteral("handshake-lab"), ada);
    const Exercise alans = load(QStringLiteral("handshake-lab"), alan);
    const qint64 adaPort = adas.values.value(QStringLiteral("port")).toInteger();
    const qint64 alanPort = alans.values.value(QStringLiteral("port")).toInteger();
    QCOMPARE(adaPort, qint64(26396));
    QCOMPARE(alanPort, qint64(24649));

    // The answers the kernel gives, the same for both: connect() returns 0 after the three packets of
    // the handshake, the client waits in FIN_WAIT_2 after closing first, and connecting before the
    // server listens is answered with a reset.
    const exerciserun::Answers answers = {
        {QStringLiteral("q1"), QJsonValue(0)},
        {QStringLiteral("q2"), QJsonValue(3)},
        {QStringLiteral("q3"), QJsonValue(QStringLiteral("FIN_WAIT2"))},
        {QStringLiteral("g1"), QJsonArray{QStringLiteral("client"), QStringLiteral("client")}}};
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const auto &[exercise, port] : {std::pair{adas, adaPort}, std::pair{alans, alanPort}}) {
        const ExerciseResult result = exerciserun::run(exercise, answers);
        QCOMPARE(result.runs.size(), qsizetype(2));
        if (const QString why = whyNotMeasurable(result.runs.constFirst(), Measure::Packets); !why.isEmpty())
            QSKIP(qPrintable(why));
        for (const Graded &graded : result.graded)
            QVERIFY2(graded.counts && graded.right,
                     qPrintable(QStringLiteral("%1 %2: given %3, measured %4 %5")
                                    .arg(exercise.student, graded.questionId, json(graded.given),
                                         json(graded.measured.value), graded.comment)));
        QCOMPARE(result.score(), 4);
        QCOMPARE(result.maximum(), 4);
        // Their own port, on their own run's wire.
        const Trace &trace = *result.runs.constFirst().trace;
        const QString address = QStringLiteral("127.0.0.1:%1").arg(port);
        bool bound = false;
        int packetsToTheServer = 0;
        for (qint64 seq = 0; seq < trace.size(); ++seq) {
            const CallInfo *call = trace.at(seq).call();
            bound = bound || (call && call->call == QLatin1String("bind") &&
                              call->phase == CallInfo::Phase::Returned && call->local == address);
            const PacketInfo *packet = trace.at(seq).packet();
            packetsToTheServer += packet && packet->dst == address ? 1 : 0;
        }
        QVERIFY2(bound, qPrintable(address));
        QVERIFY(packetsToTheServer >= 2);
        const QString file = dir.filePath(exercise.student + QStringLiteral(".json"));
        QCOMPARE(result.write(file), QString());
        const ResultCheck check = exerciseresult::check(file);
        QVERIFY2(check.verified(), qPrintable(check.problems.join(QStringLiteral("; "))));
        QCOMPARE(check.student, exercise.student);
        QCOMPARE(check.score, 4);
    }

    // Where the answer depends on the variant, one student's answer is wrong on the other's run.
    const Exercise adaEcho = load(QStringLiteral("variant-echo.json"), ada);
    const Exercise alanEcho = load(QStringLiteral("variant-echo.json"), alan);
    const ExerciseResult adaRun = exerciserun::run(adaEcho, {});
    const ExerciseResult alanRun = exerciserun::run(alanEcho, {});
    const QJsonValue adaAnswer = adaEcho.values.value(QStringLiteral("port"));
    const QJsonValue alanAnswer = alanEcho.values.value(QStringLiteral("port"));
    QVERIFY(adaAnswer != alanAnswer);
    const Question *bound = adaEcho.question(QStringLiteral("bound"));
    const auto grade = [bound](const ExerciseResult &on, const QJsonValue &given) {
        return grader::grade(*bound, given, on.exercise.scenario, *on.runs.constFirst().trace, true);
    };
    QVERIFY(grade(adaRun, adaAnswer).right);
    QVERIFY(grade(alanRun, alanAnswer).right);
    QVERIFY(!grade(adaRun, alanAnswer).right);
    QVERIFY(!grade(alanRun, adaAnswer).right);
    const Question *received = adaEcho.question(QStringLiteral("received"));
    const Graded data = grader::grade(*received, adaEcho.values.value(QStringLiteral("greeting")),
                                      adaEcho.scenario, *adaRun.runs.constFirst().trace, true);
    QVERIFY2(data.right, qPrintable(json(data.measured.value)));
}

void TestGrader::goalIsReachedByTheOrderOfSteps_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("goalId");
    QTest::addColumn<QStringList>("order"); // empty: the scenario's own order
    QTest::addColumn<bool>("reached");
    const QStringList clientTwice = {QStringLiteral("client"), QStringLiteral("client")};
    const QStringList beforeAccept = {QStringLiteral("server"), QStringLiteral("server"),
                                      QStringLiteral("server"), QStringLiteral("client"),
                                      QStringLiteral("client")};
    QStringList noClose = beforeAccept;
    noClose.insert(3, QStringLiteral("server")); // accept() waits, connect() wakes it, nobody closes
    QTest::addRow("handshake-lab: connect before listen is reset")
        << QStringLiteral("handshake-lab") << QStringLiteral("g1") << clientTwice << true;
    QTest::addRow("handshake-lab: the scenario's order sends no reset")
        << QStringLiteral("handshake-lab") << QStringLiteral("g1") << QStringList() << false;
    const QString echo = QStringLiteral("tcp-echo-goals.json");
    QTest::addRow("errno: connect before listen is refused")
        << echo << QStringLiteral("refused") << clientTwice << true;
    QTest::addRow("errno: the scenario's order is not refused")
        << echo << QStringLiteral("refused") << QStringList() << false;
    QTest::addRow("packet: the refusal is a reset") << echo << QStringLiteral("reset") << clientTwice << true;
    QTest::addRow("packet: no reset in the scenario's order")
        << echo << QStringLiteral("reset") << QStringList() << false;
    QTest::addRow("accept_queue: connected before accept()")
        << echo << QStringLiteral("queued") << beforeAccept << true;
    QTest::addRow("accept_queue: nobody connects")
        << echo << QStringLiteral("queued") << clientTwice << false;
    QTest::addRow("state: the scenario's order ends in TIME_WAIT")
        << echo << QStringLiteral("time-wait") << QStringList() << true;
    QTest::addRow("state: nobody closes") << echo << QStringLiteral("time-wait") << noClose << false;
}

void TestGrader::goalIsReachedByTheOrderOfSteps()
{
    QFETCH(QString, file);
    QFETCH(QString, goalId);
    QFETCH(QStringList, order);
    QFETCH(bool, reached);
    const ExerciseResult &result = runOf(file, order);
    const Question *goal = result.exercise.question(goalId);
    QVERIFY(goal && goal->isGoal());
    const ExerciseRun &run = result.runs.constLast();
    QCOMPARE(run.order, order);
    QCOMPARE(result.runs.size(), qsizetype(order.isEmpty() ? 1 : 2));
    if (goal->goal.kind == GoalFact::Kind::Packet && !run.header.capture)
        QSKIP(qPrintable(
            QStringLiteral("packets were not captured in this run (%1)").arg(run.header.modeReason)));

    const Measured measured = grader::reach(goal->goal, *run.trace, run.header.capture);
    QVERIFY2(measured.ok(), qPrintable(measured.unavailable));
    QCOMPARE(measured.value, QJsonValue(reached));
    // The answer to a goal is the order itself: it is right when that order's run shows the fact.
    const qsizetype index = indexOf(result.exercise, goalId);
    const Graded &graded = result.graded.at(index);
    QVERIFY(graded.counts);
    QCOMPARE(graded.answered, !order.isEmpty());
    QCOMPARE(graded.right, reached && !order.isEmpty());
    QCOMPARE(graded.measured.evidence, measured.evidence);
    QCOMPARE(result.answers.at(index).run, order.isEmpty() ? 0 : 1);
    if (!reached) {
        QVERIFY(measured.evidence.isEmpty());
        return;
    }
    // The first event that shows the fact.
    QCOMPARE(measured.evidence.size(), qsizetype(1));
    const TraceEvent &event = run.trace->at(measured.evidence.constFirst());
    switch (goal->goal.kind) {
    case GoalFact::Kind::Packet:
        QVERIFY(event.packet());
        for (const QString &flag : goal->goal.flags)
            QVERIFY2(event.packet()->flags.contains(flag), qPrintable(event.packet()->summary));
        break;
    case GoalFact::Kind::Errno:
        QVERIFY(event.call());
        QVERIFY(goal->goal.call);
        QCOMPARE(event.call()->call, callName(*goal->goal.call));
        QCOMPARE(event.call()->errnoName, goal->goal.errnoName);
        QCOMPARE(event.call()->phase, CallInfo::Phase::Returned);
        break;
    case GoalFact::Kind::State:
        QVERIFY(event.state());
        QCOMPARE(event.state()->socket, goal->goal.socket);
        QCOMPARE(tcpstatemachine::fromKernel(event.state()->to), goal->goal.state);
        break;
    case GoalFact::Kind::AcceptQueue:
        QVERIFY(event.queue());
        QCOMPARE(event.queue()->socket, goal->goal.socket);
        QVERIFY(event.queue()->acceptQueue >= goal->goal.atLeast);
        break;
    }
}

QTEST_GUILESS_MAIN(TestGrader)
#include "tst_grader.moc"
