// `socketscope code … --in-step` and `--run`: the in-step programs printed, and run as real
// processes beside the engine's own run (DESIGN.md, "Command line").
#include "testsupport.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

using testsupport::runSocketscope;

class TestCliCode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpNamesInStepAndRun();
    void inStepPrintsTheTurnWaits_data();
    void inStepPrintsTheTurnWaits();
    void runMatchesTheEngine_data();
    void runMatchesTheEngine();
    void aStepThatDiffersIsShownAndExitsOne();
    void badInputExitsTwo_data();
    void badInputExitsTwo();
    void missingToolExitsTwo_data();
    void missingToolExitsTwo();
};

void TestCliCode::helpNamesInStepAndRun()
{
    const auto result = runSocketscope({QStringLiteral("--help")});
    QCOMPARE(result.exitCode, 0);
    const QString help = QString::fromUtf8(result.err);
    QVERIFY2(
        help.contains(QStringLiteral("socketscope code ID|FILE --lang c|python [--actor NAME] [--in-step]")),
        qPrintable(help));
    QVERIFY2(
        help.contains(QStringLiteral("socketscope code ID|FILE --lang c|python --run [--host-loopback]")),
        qPrintable(help));
}

void TestCliCode::inStepPrintsTheTurnWaits_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("wait"); // the helper's definition
    QTest::addRow("C") << QStringLiteral("c") << QStringLiteral("static void wait_for_turn(int step)");
    QTest::addRow("Python") << QStringLiteral("python") << QStringLiteral("def wait_for_turn(step");
}

void TestCliCode::inStepPrintsTheTurnWaits()
{
    QFETCH(QString, language);
    QFETCH(QString, wait);
    const QStringList arguments{QStringLiteral("code"), QStringLiteral("tcp-echo"), QStringLiteral("--lang"),
                                language};
    const auto plain = runSocketscope(arguments);
    QCOMPARE(plain.exitCode, 0);
    QVERIFY(!plain.out.contains("wait_for_turn"));
    const auto inStep = runSocketscope(arguments + QStringList{QStringLiteral("--in-step")});
    QVERIFY2(inStep.exitCode == 0, inStep.err.constData());
    const QString text = QString::fromUtf8(inStep.out);
    QVERIFY2(text.contains(wait), qPrintable(text));
    // One turn per step (14 in tcp-echo) and one for the end of each of the two programs.
    QCOMPARE(text.count(QStringLiteral("wait_for_turn(")) - text.count(wait), 14 + 2);
    // Still the whole program: the calls are there as in the plain one.
    QVERIFY(text.contains(QStringLiteral("accept(")));
    QVERIFY(text.contains(QStringLiteral("connect(")));
}

void TestCliCode::runMatchesTheEngine_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("tool");
    QTest::addRow("C") << QStringLiteral("c") << QStringLiteral("cc");
    QTest::addRow("Python") << QStringLiteral("python") << QStringLiteral("python3");
}

void TestCliCode::runMatchesTheEngine()
{
    QFETCH(QString, language);
    QFETCH(QString, tool);
    if (QStandardPaths::findExecutable(tool).isEmpty())
        QSKIP(qPrintable(tool + QStringLiteral(" is not on this machine")));
    const auto result = runSocketscope({QStringLiteral("code"), QStringLiteral("tcp-echo"),
                                        QStringLiteral("--lang"), language, QStringLiteral("--run")},
                                       120000);
    const QString out = QString::fromUtf8(result.out);
    QVERIFY2(result.exitCode == 0, qPrintable(out + QString::fromUtf8(result.err)));
    QVERIFY2(out.contains(QStringLiteral("== every step matched the engine's run: 14 steps\n")),
             qPrintable(out));
    // Each step as the processes saw it: the actor, the call and its result, in script order.
    const QStringList expected = {
        QStringLiteral("[server] step 1 socket = "),
        QStringLiteral("[server] step 2 bind = 0\n"),
        QStringLiteral("[server] step 4 accept = "),
        QStringLiteral("[client] step 6 connect = 0\n"),
        QStringLiteral("[server] step 8 recv = 14 data \"hello, server\\n\"\n"),
        QStringLiteral("[client] step 11 close = 0\n"),
        QStringLiteral("[server] step 12 recv = 0 data \"\"\n"),
        QStringLiteral("[server] step 14 close = 0\n"),
    };
    qsizetype from = 0;
    for (const QString &line : expected) {
        const qsizetype at = out.indexOf(line, from);
        QVERIFY2(at >= 0, qPrintable(QStringLiteral("missing or out of order: ") + line + u'\n' + out));
        from = at + line.size();
    }
    // accept() waited for the client's connect(), as the scenario says it must.
    QVERIFY2(out.contains(QRegularExpression(QStringLiteral("step 4 accept = \\d+ \\(waited\\)\n"))),
             qPrintable(out));
    QVERIFY(!out.contains(QStringLiteral("≠")));
}

// On the host's loopback the programs meet the host: with tcp-echo's port taken there, the
// server's bind() fails where the engine's (in its own sandbox) did not, and the run says so.
void TestCliCode::aStepThatDiffersIsShownAndExitsOne()
{
    if (QStandardPaths::findExecutable(QStringLiteral("cc")).isEmpty())
        QSKIP("cc is not on this machine");
    const int taken = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(taken >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(8080);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Past a TIME_WAIT left by an earlier run; taken by something else already is as good.
    const int one = 1;
    QCOMPARE(::setsockopt(taken, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    if (::bind(taken, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0)
        QCOMPARE(::listen(taken, 8), 0);
    else
        QCOMPARE(errno, EADDRINUSE);
    const auto result =
        runSocketscope({QStringLiteral("code"), QStringLiteral("tcp-echo"), QStringLiteral("--lang"),
                        QStringLiteral("c"), QStringLiteral("--run"), QStringLiteral("--host-loopback")},
                       120000);
    ::close(taken);
    const QString out = QString::fromUtf8(result.out);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(
        out.startsWith(QStringLiteral("== TCP echo")) &&
            out.section(u'\n', 0, 0).contains(QStringLiteral("on the host's loopback (--host-loopback)")),
        qPrintable(out));
    QVERIFY2(out.contains(QRegularExpression(
                 QStringLiteral("\\[server\\] step 2 bind = -1 EADDRINUSE\\s+≠ [^\n]*step 2 bind = 0"))),
             qPrintable(out + QString::fromUtf8(result.err)));
    QVERIFY2(out.contains(QRegularExpression(
                 QStringLiteral("\n== \\d+ of 14 steps did not match the engine's run\n$"))),
             qPrintable(out));
}

void TestCliCode::badInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown language with --run")
        << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"), QStringLiteral("rust"),
                       QStringLiteral("--run")}
        << QStringLiteral("unknown language rust: use c or python");
    QTest::addRow("unknown language with --in-step")
        << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"), QStringLiteral("java"),
                       QStringLiteral("--in-step")}
        << QStringLiteral("unknown language java");
    QTest::addRow("no language") << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--run")}
                                 << QStringLiteral("code needs --lang c or --lang python");
    QTest::addRow("both --in-step and --run")
        << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"), QStringLiteral("c"),
                       QStringLiteral("--in-step"), QStringLiteral("--run")}
        << QStringLiteral("choose one");
    QTest::addRow("--run with --actor")
        << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"),  QStringLiteral("c"),
                       QStringLiteral("--run"),    QStringLiteral("--actor"), QStringLiteral("client")}
        << QStringLiteral("leave out --actor");
    QTest::addRow("--host-loopback without --run")
        << QStringList{QStringLiteral("tcp-echo"), QStringLiteral("--lang"), QStringLiteral("c"),
                       QStringLiteral("--host-loopback")}
        << QStringLiteral("it needs --run");
    QTest::addRow("unknown scenario")
        << QStringList{QStringLiteral("no-such-lesson"), QStringLiteral("--lang"), QStringLiteral("c"),
                       QStringLiteral("--run")}
        << QStringLiteral("no-such-lesson: no built-in scenario");
}

void TestCliCode::badInputExitsTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto result = runSocketscope(QStringList{QStringLiteral("code")} + arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
}

void TestCliCode::missingToolExitsTwo_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("message");
    QTest::addRow("C without cc") << QStringLiteral("c")
                                  << QStringLiteral("needs a C compiler, and no cc was found");
    QTest::addRow("Python without python3") << QStringLiteral("python") << QStringLiteral("needs python3");
}

// A PATH with neither cc nor python3 on it stands for a machine without them.
void TestCliCode::missingToolExitsTwo()
{
    QFETCH(QString, language);
    QFETCH(QString, message);
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), QStringLiteral("/nonexistent"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(SOCKETSCOPE_BINARY),
                  {QStringLiteral("code"), QStringLiteral("tcp-echo"), QStringLiteral("--lang"), language,
                   QStringLiteral("--run")});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    const QString errors = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 2);
    QVERIFY2(errors.contains(message), qPrintable(errors));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(TestCliCode)
#include "tst_cli_code.moc"
