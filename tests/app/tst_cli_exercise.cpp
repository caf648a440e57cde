// The command line of DESIGN.md's lab mode, through the real binary: `exercise list`, `exercise`
// answering from a file (exit 0 when it ran, 2 for bad input), and `grade`, which believes a result
// file only as far as it can recompute it (exit 1 for one it cannot) and writes one CSV row per file.
#include "testsupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using testsupport::runSocketscope;

class TestCliExercise : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listPrintsIdsAndTitles();
    void exercisePrintsEveryAnswerAndTheScore();
    void badInputExitsTwo_data();
    void badInputExitsTwo();
    void gradeVerifiesAnUntouchedResult();
    void gradeRefusesAnEditedResult_data();
    void gradeRefusesAnEditedResult();
    void gradeWritesOneCsvRowPerFile();
    void csvRowOfAFailedCheckHasNoScore();
    void csvNameIsNeverAFormula();
    void gradeTakesTheTeachersCopyOfTheirOwnExercise();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString writeFile(const QString &name, const QByteArray &bytes) const;
    /// Ada's result with the answer to q2 changed after the run.
    QString editedAda() const;

    QTemporaryDir m_dir;
    QString m_adaResult;  // full marks
    QString m_alanResult; // one right answer of four, for a student whose name has a comma
    QString m_eveResult;  // nothing answered, for a name a spreadsheet would read as a formula
    QString m_ownResult;  // an exercise of the teacher's own, not built in
    testsupport::ProcessResult m_ada;
    testsupport::ProcessResult m_alan;
    QString m_noCapture; // why the runs could not count packets, when they could not
};

namespace {

const QString Exercise = QStringLiteral("handshake-lab");
const QString Ada = QStringLiteral("Ada Lovelace");
const QString Alan = QStringLiteral("Turing, Alan");

QJsonObject readObject(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// What a student who knows the format would do after editing: write the digest again.
void recomputeDigest(QJsonObject &root)
{
    root.remove(QStringLiteral("digest"));
    root.insert(QStringLiteral("digest"), sha256(QJsonDocument(root).toJson(QJsonDocument::Compact)));
}

using Edit = std::function<void(QJsonObject &root)>;

void editQuestion(QJsonObject &root, int index, const std::function<void(QJsonObject &)> &edit)
{
    QJsonArray questions = root.value(QLatin1String("questions")).toArray();
    QJsonObject question = questions.at(index).toObject();
    edit(question);
    questions[index] = question;
    root.insert(QStringLiteral("questions"), questions);
}

// The first run's returned connect(): q1 asks what it returns.
void editConnect(QJsonObject &root, const QJsonValue &result)
{
    QJsonArray runs = root.value(QLatin1String("runs")).toArray();
    QJsonObject run = runs.at(0).toObject();
    QJsonObject trace = run.value(QLatin1String("trace")).toObject();
    QJsonArray events = trace.value(QLatin1String("events")).toArray();
    for (qsizetype i = 0; i < events.size(); ++i) {
        QJsonObject event = events.at(i).toObject();
        if (event.value(QLatin1String("call")).toString() == QLatin1String("connect") &&
            event.value(QLatin1String("phase")).toString() == QLatin1String("returned")) {
            event.insert(QStringLiteral("result"), result);
            events[i] = event;
        }
    }
    trace.insert(QStringLiteral("events"), events);
    run.insert(QStringLiteral("trace"), trace);
    runs[0] = run;
    root.insert(QStringLiteral("runs"), runs);
}

void editExerciseText(QJsonObject &root, bool rehash)
{
    QJsonObject file = root.value(QLatin1String("exercise_file")).toObject();
    const QString text = file.value(QLatin1String("text"))
                             .toString()
                             .replace(QStringLiteral("What will connect() return?"),
                                      QStringLiteral("What will connect() return, roughly?"));
    file.insert(QStringLiteral("text"), text);
    if (rehash)
        file.insert(QStringLiteral("sha256"), sha256(text.toUtf8()));
    root.insert(QStringLiteral("exercise_file"), file);
}

// The rows of a CSV file, each without its CRLF (and the file ends with one).
QList<QByteArray> csvLines(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    if (!text.endsWith("\r\n"))
        return {};
    QList<QByteArray> lines = text.chopped(2).split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    return lines;
}

} // namespace
Q_DECLARE_METATYPE(Edit)

QString TestCliExercise::writeFile(const QString &name, const QByteArray &bytes) const
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return file.fileName();
}

QString TestCliExercise::editedAda() const
{
    QJsonObject root = readObject(m_adaResult);
    editQuestion(root, 1, [](QJsonObject &q) { q.insert(QStringLiteral("given"), 4); });
    return writeFile(QStringLiteral("ada-edited.json"), QJsonDocument(root).toJson());
}

void TestCliExercise::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Ada answers as the kernel does: connect() returns 0 after three packets, the client is in
    // FIN_WAIT_2 after closing first, and a connect() before listen() draws a reset.
    const QString right =
        writeFile(QStringLiteral("right.json"),
                  R"({"answers": {"q1": 0, "q2": 3, "q3": "FIN_WAIT2", "g1": ["client", "client"]}})");
    // Alan gets the packets right only, and leaves the goal alone.
    const QString partial =
        writeFile(QStringLiteral("partial.json"), R"({"answers": {"q1": -1, "q2": 3, "q3": "ESTABLISHED"}})");
    m_adaResult = path(QStringLiteral("ada-result.json"));
    m_alanResult = path(QStringLiteral("alan-result.json"));
    m_ada = runSocketscope({QStringLiteral("exercise"), Exercise, QStringLiteral("--student"), Ada,
                            QStringLiteral("--answers"), right, QStringLiteral("--result"), m_adaResult});
    QVERIFY2(m_ada.exitCode == 0, m_ada.err.constData());
    m_alan = runSocketscope({QStringLiteral("exercise"), Exercise, QStringLiteral("--student"), Alan,
                             QStringLiteral("--answers"), partial, QStringLiteral("--result"), m_alanResult});
    QVERIFY2(m_alan.exitCode == 0, m_alan.err.constData());
    m_eveResult = path(QStringLiteral("eve-result.json"));
    const auto eve = runSocketscope({QStringLiteral("exercise"), Exercise, QStringLiteral("--student"),
                                     QStringLiteral("-Eve"), QStringLiteral("--answers"),
                                     writeFile(QStringLiteral("none.json"), R"({"answers": {}})"),
                                     QStringLiteral("--result"), m_eveResult});
    QVERIFY2(eve.exitCode == 0, eve.err.constData());
    m_ownResult = path(QStringLiteral("own-result.json"));
    const auto own =
        runSocketscope({QStringLiteral("exercise"),
                        testsupport::testData(QStringLiteral("exercises/valid/udp-echo-measures.json")),
                        QStringLiteral("--student"), Ada, QStringLiteral("--answers"),
                        path(QStringLiteral("none.json")), QStringLiteral("--result"), m_ownResult});
    QVERIFY2(own.exitCode == 0, own.err.constData());
    // Without a packet capture, the questions about packets are not counted and the scores differ.
    for (const QByteArray &line : QByteArray(m_ada.out + m_alan.out).split('\n')) {
        if (line.startsWith("== run in ") && !line.endsWith(", packets captured)"))
            m_noCapture = QStringLiteral("this machine captures no packets: ") + QString::fromUtf8(line);
    }
    // CI's machine allows the sandbox, which always captures: there, no capture is a defect.
    if (!m_noCapture.isEmpty() && qEnvironmentVariable("CI") == QLatin1String("true"))
        QFAIL(qPrintable(m_noCapture));

    // Answer files that cannot be used.
    writeFile(QStringLiteral("broken.json"), "{\"answers\": {\"q1\": 0,}}\n");
    writeFile(QStringLiteral("not-an-object.json"), "[0, 3]\n");
    writeFile(QStringLiteral("unknown-question.json"), R"({"answers": {"q1": 0, "q9": 1}})");
    writeFile(QStringLiteral("unknown-actor.json"), R"({"answers": {"g1": ["client", "browser"]}})");
    writeFile(QStringLiteral("goal-not-a-list.json"), R"({"answers": {"g1": "client"}})");
}

void TestCliExercise::listPrintsIdsAndTitles()
{
    const auto result = runSocketscope({QStringLiteral("exercise"), QStringLiteral("list")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.err.isEmpty());
    // The library's index, in its order, each with the title of its file.
    QFile index(QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/exercises/index.txt"));
    QVERIFY(index.open(QIODevice::ReadOnly));
    QStringList ids;
    for (const QByteArray &line : index.readAll().split('\n')) {
        if (!line.trimmed().isEmpty() && !line.startsWith('#'))
            ids << QString::fromUtf8(line.trimmed());
    }
    QVERIFY(ids.contains(Exercise));
    const QList<QByteArray> lines = result.out.trimmed().split('\n');
    QCOMPARE(lines.size(), ids.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QList<QByteArray> parts = lines.at(i).split('\t');
        QCOMPARE(parts.size(), 2);
        QCOMPARE(QString::fromUtf8(parts.at(0)), ids.at(i));
        const QJsonObject file =
            readObject(QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/exercises/%1.json").arg(ids.at(i)));
        QCOMPARE(QString::fromUtf8(parts.at(1)), file.value(QLatin1String("title")).toString());
    }
    QVERIFY(result.out.contains("handshake-lab\tThe handshake and the close, predicted\n"));
}

void TestCliExercise::exercisePrintsEveryAnswerAndTheScore()
{
    if (!m_noCapture.isEmpty())
        QSKIP(qPrintable(m_noCapture));
    const QString ada = QString::fromUtf8(m_ada.out);
    // Ada's variant: the port drawn from her name.
    QVERIFY2(ada.startsWith(QStringLiteral(
                 "== The handshake and the close, predicted (handshake-lab) for Ada Lovelace — "
                 "port = 26396\n")),
             qPrintable(ada));
    QVERIFY2(ada.contains(QStringLiteral("== run in the scenario's order (")), qPrintable(ada));
    QVERIFY2(ada.contains(QStringLiteral("== run in the order client, client (")), qPrintable(ada));
    const QStringList expected = {
        QStringLiteral(
            "q1  step 6 (before): What will connect() return?\n    given: 0 · measured: 0 (event "),
        QStringLiteral(
            "q2  step 6 (before): How many packets will this step put on the wire?\n    given: 3 · "
            "measured: 3 (events "),
        QStringLiteral(
            "q3  step 11 (after): Which state is the client's socket in now?\n    given: FIN_WAIT_2 · "
            "measured: FIN_WAIT_2 (event "),
        QStringLiteral("g1  goal: Step the two programs in an order that makes the server's kernel send a "
                       "reset.\n    given: client, client · a packet with RST: reached (event "),
        QStringLiteral("== score 4 / 4\n"),
        QStringLiteral("== result written to ") + m_adaResult + u'\n',
    };
    qsizetype from = 0;
    for (const QString &part : expected) {
        const qsizetype at = ada.indexOf(part, from);
        QVERIFY2(at >= 0, qPrintable(QStringLiteral("missing or out of order: ") + part + u'\n' + ada));
        from = at + part.size();
    }
    QCOMPARE(ada.count(QStringLiteral(" · right\n")), 4);

    const QString alan = QString::fromUtf8(m_alan.out);
    QVERIFY2(alan.contains(QStringLiteral("given: -1 · measured: 0 (event ")), qPrintable(alan));
    QVERIFY2(
        alan.contains(QStringLiteral("    given: (no answer) · a packet with RST: not reached · wrong\n")),
        qPrintable(alan));
    QCOMPARE(alan.count(QStringLiteral(" · right\n")), 1);
    QCOMPARE(alan.count(QStringLiteral(" · wrong\n")), 3);
    QVERIFY2(alan.contains(QStringLiteral("== score 1 / 4\n")), qPrintable(alan));
    // No goal was answered, so the scenario ran once.
    QVERIFY(!alan.contains(QStringLiteral("== run in the order")));
    QVERIFY(QFile::exists(m_alanResult));
}

void TestCliExercise::badInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("messages"); // each on stderr
    const QString exercise = QStringLiteral("exercise");
    const QString student = QStringLiteral("--student");
    const QString answers = QStringLiteral("--answers");
    const QString right = path(QStringLiteral("right.json"));
    const auto withAnswers = [&](const QString &file) {
        return QStringList{exercise, Exercise, student, Ada, answers, path(file)};
    };
    QTest::addRow("unknown exercise")
        << QStringList{exercise, QStringLiteral("no-such-lab"), student, Ada, answers, right}
        << QStringList{QStringLiteral("no-such-lab: no built-in exercise has this id")};
    const QString broken = testsupport::testData(QStringLiteral("exercises/broken/unknown-measure.json"));
    QTest::addRow("broken exercise file")
        << QStringList{exercise, broken, student, Ada, answers, right}
        << QStringList{broken + QStringLiteral(": at $.questions[0].measure: unknown measure \"latency\"")};
    QTest::addRow("missing exercise file")
        << QStringList{exercise, QStringLiteral("/nonexistent/lab.json"), student, Ada, answers, right}
        << QStringList{QStringLiteral("/nonexistent/lab.json: no such file")};
    QTest::addRow("broken answers JSON")
        << withAnswers(QStringLiteral("broken.json"))
        << QStringList{path(QStringLiteral("broken.json")) + QStringLiteral(":1:"),
                       QStringLiteral("the text is not valid JSON")};
    QTest::addRow("answers not an object")
        << withAnswers(QStringLiteral("not-an-object.json"))
        << QStringList{path(QStringLiteral("not-an-object.json")) +
                       QStringLiteral(": at $: must be an object {\"answers\"")};
    QTest::addRow("answer to an unknown question")
        << withAnswers(QStringLiteral("unknown-question.json"))
        << QStringList{
               path(QStringLiteral("unknown-question.json")) +
               QStringLiteral(": at $.answers.q9: the exercise handshake-lab has no question \"q9\"")};
    QTest::addRow("goal answer naming an unknown actor")
        << withAnswers(QStringLiteral("unknown-actor.json"))
        << QStringList{path(QStringLiteral("unknown-actor.json")) +
                       QStringLiteral(": at $.answers.g1: \"browser\" is not an actor of the scenario")};
    QTest::addRow("goal answer that is not a list")
        << withAnswers(QStringLiteral("goal-not-a-list.json"))
        << QStringList{path(QStringLiteral("goal-not-a-list.json")) +
                       QStringLiteral(": at $.answers.g1: a goal's answer is the order of actors to step")};
    QTest::addRow("missing answers file")
        << withAnswers(QStringLiteral("nowhere.json"))
        << QStringList{path(QStringLiteral("nowhere.json")) + QStringLiteral(": cannot read the file")};
    QTest::addRow("missing --student") << QStringList{exercise, Exercise, answers, right}
                                       << QStringList{QStringLiteral("exercise needs --student NAME")};
    QTest::addRow("blank --student") << QStringList{exercise, Exercise, student, QStringLiteral("  "),
                                                    answers,  right}
                                     << QStringList{QStringLiteral("exercise needs --student NAME")};
    QTest::addRow("missing --answers")
        << QStringList{exercise, Exercise, student, Ada}
        << QStringList{QStringLiteral("exercise needs --answers ANSWERS.json")};
    QTest::addRow("unwritable result") << QStringList{exercise,
                                                      Exercise,
                                                      student,
                                                      Ada,
                                                      answers,
                                                      right,
                                                      QStringLiteral("--result"),
                                                      QStringLiteral("/nonexistent/r.json")}
                                       << QStringList{QStringLiteral("cannot write /nonexistent/r.json")};
    QTest::addRow("two exercises") << QStringList{exercise, Exercise, QStringLiteral("tcp-states"),
                                                  student,  Ada,      answers,
                                                  right}
                                   << QStringList{QStringLiteral("one exercise at a time")};
    QTest::addRow("grade without files")
        << QStringList{QStringLiteral("grade")}
        << QStringList{QStringLiteral("grade needs one or more result files")};
    QTest::addRow("grade to an unwritable CSV")
        << QStringList{QStringLiteral("grade"), m_adaResult, QStringLiteral("--csv"),
                       QStringLiteral("/nonexistent/marks.csv")}
        << QStringList{QStringLiteral("cannot write /nonexistent/marks.csv")};
    QTest::addRow("grade with an unknown option")
        << QStringList{QStringLiteral("grade"), m_adaResult, QStringLiteral("--frobnicate")}
        << QStringList{QStringLiteral("unknown option --frobnicate")};
}

void TestCliExercise::badInputExitsTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, messages);
    const auto result = runSocketscope(arguments);
    QCOMPARE(result.exitCode, 2);
    const QString err = QString::fromUtf8(result.err);
    QVERIFY2(err.startsWith(QStringLiteral("socketscope: ")), qPrintable(err));
    for (const QString &message : messages)
        QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY2(result.out.isEmpty(), result.out.constData()); // nothing ran, nothing graded
}

void TestCliExercise::gradeVerifiesAnUntouchedResult()
{
    if (!m_noCapture.isEmpty())
        QSKIP(qPrintable(m_noCapture));
    const auto result = runSocketscope({QStringLiteral("grade"), m_adaResult, m_alanResult});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QVERIFY2(result.err.isEmpty(), result.err.constData());
    const QString out = QString::fromUtf8(result.out);
    QCOMPARE(out, QStringLiteral("Ada Lovelace\thandshake-lab\t4/4\tmissed: none\tverified\t%1\n"
                                 "Turing, Alan\thandshake-lab\t1/4\tmissed: q1 q3 g1\tverified\t%2\n")
                      .arg(m_adaResult, m_alanResult));
}

void TestCliExercise::gradeRefusesAnEditedResult_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<bool>("alan"); // edit Alan's result rather than Ada's
    QTest::addColumn<QString>("problem");
    const QString stale =
        QStringLiteral("the file was edited after it was written (its digest does not match)");
    QTest::addRow("answer edited") << Edit([](QJsonObject &root) {
        editQuestion(root, 0, [](QJsonObject &q) { q.insert(QStringLiteral("given"), 5); });
    }) << false << stale;
    QTest::addRow("answer edited, digest written again") << Edit([](QJsonObject &root) {
        editQuestion(root, 0, [](QJsonObject &q) { q.insert(QStringLiteral("given"), 5); });
        recomputeDigest(root);
    }) << false << QStringLiteral("q1: marked right, but the answer given is wrong");
    QTest::addRow("trace edited: connect() returned -1")
        << Edit([](QJsonObject &root) { editConnect(root, -1); }) << false << stale;
    QTest::addRow("trace edited, digest written again") << Edit([](QJsonObject &root) {
        editConnect(root, -1);
        recomputeDigest(root);
    }) << false << QStringLiteral("q1: the measured answer is not what its trace shows");
    QTest::addRow("exercise text edited")
        << Edit([](QJsonObject &root) { editExerciseText(root, false); }) << false
        << QStringLiteral("exercise_file was edited: its text no longer has the SHA-256 recorded beside it");
    QTest::addRow("exercise text edited, hashes written again")
        << Edit([](QJsonObject &root) {
               editExerciseText(root, true);
               recomputeDigest(root);
           })
        << false
        << QStringLiteral(
               "its copy of the exercise is not handshake-lab as :/exercises/handshake-lab.json has it");
    QTest::addRow("score raised, digest written again") << Edit([](QJsonObject &root) {
        root.insert(QStringLiteral("score"), 4);
        recomputeDigest(root);
    }) << true << QStringLiteral("the score says 4/4; the answers give 1/4");
    QTest::addRow("another student's name, digest written again") << Edit([](QJsonObject &root) {
        root.insert(QStringLiteral("student"), QStringLiteral("Grace Hopper"));
        recomputeDigest(root);
    }) << false << QStringLiteral("its variables are not the ones drawn for Grace Hopper");
    QTest::addRow("evidence moved, digest written again") << Edit([](QJsonObject &root) {
        editQuestion(root, 0, [](QJsonObject &q) {
            const qint64 seq = q.value(QLatin1String("evidence")).toArray().at(0).toInteger();
            q.insert(QStringLiteral("evidence"), QJsonArray{seq + 1});
        });
        recomputeDigest(root);
    }) << false << QStringLiteral("q1: the evidence is not the events its trace shows");
    QTest::addRow("a question taken out, digest written again") << Edit([](QJsonObject &root) {
        QJsonArray questions = root.value(QLatin1String("questions")).toArray();
        questions.removeLast();
        root.insert(QStringLiteral("questions"), questions);
        root.insert(QStringLiteral("max"), 3);
        root.insert(QStringLiteral("score"), 3);
        recomputeDigest(root);
    }) << false << QStringLiteral("it answers 3 questions; the exercise asks 4");
    QTest::addRow("not a result") << Edit([](QJsonObject &root) {
        root = QJsonObject{{QStringLiteral("format"), QStringLiteral("socketscope-trace")}};
    }) << false << QStringLiteral("it is not a SocketScope exercise result (format version 1)");
}

void TestCliExercise::gradeRefusesAnEditedResult()
{
    QFETCH(Edit, edit);
    QFETCH(bool, alan);
    QFETCH(QString, problem);
    if (!m_noCapture.isEmpty() && problem.contains(QStringLiteral("the score says")))
        QSKIP(qPrintable(m_noCapture));
    QJsonObject root = readObject(alan ? m_alanResult : m_adaResult);
    QVERIFY(!root.isEmpty());
    edit(root);
    QString name = QString::fromUtf8(QTest::currentDataTag());
    for (QChar &c : name) {
        if (!c.isLetterOrNumber())
            c = u'-';
    }
    const QString edited =
        writeFile(QStringLiteral("edited-%1.json").arg(name), QJsonDocument(root).toJson());
    const auto result = runSocketscope({QStringLiteral("grade"), edited});
    QCOMPARE(result.exitCode, 1);
    const QString out = QString::fromUtf8(result.out);
    QVERIFY2(out.endsWith(QStringLiteral("\tNOT VERIFIED\t") + edited + u'\n'), qPrintable(out));
    const QString err = QString::fromUtf8(result.err);
    QVERIFY2(
        err.startsWith(QStringLiteral("socketscope: ") + edited + QStringLiteral(" fails verification:\n")),
        qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("  ") + problem + u'\n'), qPrintable(err));
}

void TestCliExercise::gradeWritesOneCsvRowPerFile()
{
    if (!m_noCapture.isEmpty())
        QSKIP(qPrintable(m_noCapture));
    // A class of three: two untouched results and one whose answer was changed after the run.
    const QString csv = path(QStringLiteral("marks.csv"));
    const auto result = runSocketscope(
        {QStringLiteral("grade"), m_adaResult, m_alanResult, editedAda(), QStringLiteral("--csv"), csv});
    QCOMPARE(result.exitCode, 1); // one file fails the check; the marks are written all the same
    QVERIFY(QString::fromUtf8(result.err).contains(editedAda()));
    const QList<QByteArray> lines = csvLines(csv);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines.at(0), QByteArray("student,exercise,score,max,percent,missed,hints,verified"));
    QCOMPARE(lines.at(1), QByteArray("Ada Lovelace,handshake-lab,4,4,100,,0,yes"));
    QCOMPARE(lines.at(2), QByteArray("\"Turing, Alan\",handshake-lab,1,4,25,q1 q3 g1,0,yes"));
    QVERIFY2(lines.at(3).startsWith("Ada Lovelace,handshake-lab,") && lines.at(3).endsWith(",no"),
             lines.at(3).constData());
    QCOMPARE(lines.at(3).count(','), 7);

    // Every file verified: exit 0, a header and one row.
    const auto single = runSocketscope({QStringLiteral("grade"), m_adaResult, QStringLiteral("--csv"), csv});
    QCOMPARE(single.exitCode, 0);
    QFile again(csv);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QCOMPARE(again.readAll(), QByteArray("student,exercise,score,max,percent,missed,hints,verified\r\n"
                                         "Ada Lovelace,handshake-lab,4,4,100,,0,yes\r\n"));
}

// resources/exercises/README.md: "A row that fails its check has no score, max or percent in the
// CSV, so that a spreadsheet does not import it".
void TestCliExercise::csvRowOfAFailedCheckHasNoScore()
{
    const QString csv = path(QStringLiteral("failed.csv"));
    const auto result = runSocketscope({QStringLiteral("grade"), editedAda(), QStringLiteral("--csv"), csv});
    QCOMPARE(result.exitCode, 1);
    const QList<QByteArray> lines = csvLines(csv);
    QCOMPARE(lines.size(), 2);
    const QList<QByteArray> fields = lines.at(1).split(',');
    QCOMPARE(fields.size(), 8);
    QCOMPARE(fields.at(0), QByteArray("Ada Lovelace"));
    QCOMPARE(fields.at(1), QByteArray("handshake-lab"));
    QCOMPARE(fields.at(7), QByteArray("no"));
    QCOMPARE(fields.mid(2, 3), QList<QByteArray>({"", "", ""}));
}

// resources/exercises/README.md: "a name that begins with =, +, - or @ is written with a ' before
// it, so that a spreadsheet never runs it as a formula".
void TestCliExercise::csvNameIsNeverAFormula()
{
    if (!m_noCapture.isEmpty())
        QSKIP(qPrintable(m_noCapture));
    const QString csv = path(QStringLiteral("eve.csv"));
    const auto result = runSocketscope({QStringLiteral("grade"), m_eveResult, QStringLiteral("--csv"), csv});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QList<QByteArray> lines = csvLines(csv);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1), QByteArray("'-Eve,handshake-lab,0,4,0,q1 q2 q3 g1,0,yes"));
}

// An exercise of the teacher's own is believed only from the teacher's copy, never from the copy
// inside the student's file.
void TestCliExercise::gradeTakesTheTeachersCopyOfTheirOwnExercise()
{
    const auto alone = runSocketscope({QStringLiteral("grade"), m_ownResult});
    QCOMPARE(alone.exitCode, 1);
    QVERIFY2(QString::fromUtf8(alone.err).contains(
                 QStringLiteral("its exercise udp-echo-measures is not built in: give grade the "
                                "teacher's copy with --exercise FILE")),
             alone.err.constData());
    const QString copy = testsupport::testData(QStringLiteral("exercises/valid/udp-echo-measures.json"));
    const auto withCopy =
        runSocketscope({QStringLiteral("grade"), m_ownResult, QStringLiteral("--exercise"), copy});
    QVERIFY2(withCopy.exitCode == 0, withCopy.err.constData());
    QVERIFY2(withCopy.out.startsWith("Ada Lovelace\tudp-echo-measures\t0/4\t"), withCopy.out.constData());
    QVERIFY2(withCopy.out.contains("\tverified\t"), withCopy.out.constData());
    // Another exercise's copy is not this one's.
    const auto otherCopy =
        runSocketscope({QStringLiteral("grade"), m_ownResult, QStringLiteral("--exercise"),
                        testsupport::testData(QStringLiteral("exercises/valid/tcp-echo-measures.json"))});
    QCOMPARE(otherCopy.exitCode, 1);
    // A teacher's copy that does not load is bad input.
    const QString broken = testsupport::testData(QStringLiteral("exercises/broken/unknown-measure.json"));
    const auto brokenCopy =
        runSocketscope({QStringLiteral("grade"), m_ownResult, QStringLiteral("--exercise"), broken});
    QCOMPARE(brokenCopy.exitCode, 2);
    QVERIFY2(
        QString::fromUtf8(brokenCopy.err).contains(broken + QStringLiteral(": at $.questions[0].measure")),
        brokenCopy.err.constData());
}

QTEST_GUILESS_MAIN(TestCliExercise)
#include "tst_cli_exercise.moc"
