// One HTTP page, three transforms: the engine's process step, and the http_response() of the
// generated C and Python programs (the same helper text the generator writes into a program) answer
// every request with the same bytes.

#include "codegen/codegen.h"
#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"
#include "engine/callrunner.h"
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestHttpTransform : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void programsHaveTheseHelpers_data();
    void programsHaveTheseHelpers();
    void transformsAgree_data();
    void transformsAgree();

private:
    bool writeFile(const QString &name, const QString &text);
    QByteArray run(const QString &program, const QStringList &arguments, const QByteArray &input);

    QTemporaryDir m_dir;
    QString m_cProgram; // built from the C helpers, empty without a compiler
    QString m_python;
    QString m_cHelpers;
    QString m_pythonHelpers;
};

namespace {

codegen::ProgramNeeds httpNeeds()
{
    codegen::ProgramNeeds needs;
    needs.memory = needs.receivesData = needs.httpResponse = true;
    return needs;
}

QString cHelpers()
{
    ProgramWriter writer(QStringLiteral("    "));
    codegen::writeCHelpers(httpNeeds(), {}, writer);
    GeneratedProgram program;
    writer.finish(program);
    return program.text;
}

QString pythonHelpers()
{
    ProgramWriter writer(QStringLiteral("    "));
    codegen::writePythonHelpers(httpNeeds(), {}, writer);
    GeneratedProgram program;
    writer.finish(program);
    return program.text;
}

} // namespace

bool TestHttpTransform::writeFile(const QString &name, const QString &text)
{
    QFile file(m_dir.filePath(name));
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) == text.toUtf8().size();
}

QByteArray TestHttpTransform::run(const QString &program, const QStringList &arguments,
                                  const QByteArray &input)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.start(program, arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return "failed: " + process.readAllStandardError();
    return process.readAllStandardOutput();
}

void TestHttpTransform::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cHelpers = cHelpers();
    m_pythonHelpers = pythonHelpers();
    QVERIFY(m_cHelpers.contains(QStringLiteral("static void http_response(void)")));
    QVERIFY(m_pythonHelpers.contains(QStringLiteral("def http_response(request):")));

    // The request on standard input, its response on standard output.
    const QString cMain = QStringLiteral(R"(
int main(void)
{
    static char request[1 << 16];
    remember(request, fread(request, 1, sizeof request, stdin));
    http_response();
    fwrite(received, 1, received_length, stdout);
    (void)report_data;
    return 0;
}
)");
    const QString cIncludes =
        QStringLiteral("#define _GNU_SOURCE\n#include <arpa/inet.h>\n#include <ctype.h>\n"
                       "#include <errno.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
                       "#include <string.h>\n\n");
    const QString cc = QStandardPaths::findExecutable(QStringLiteral("cc"));
    if (!cc.isEmpty()) {
        QVERIFY(writeFile(QStringLiteral("transform.c"), cIncludes + m_cHelpers + cMain));
        QProcess compiler;
        compiler.setWorkingDirectory(m_dir.path());
        compiler.start(cc, {QStringLiteral("-std=gnu17"), QStringLiteral("-Wall"), QStringLiteral("-Wextra"),
                            QStringLiteral("-Werror"), QStringLiteral("-o"), QStringLiteral("transform"),
                            QStringLiteral("transform.c")});
        QVERIFY(compiler.waitForFinished(60000));
        QVERIFY2(compiler.exitCode() == 0, compiler.readAllStandardError().constData());
        m_cProgram = m_dir.filePath(QStringLiteral("transform"));
    }
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (!m_python.isEmpty()) {
        QVERIFY(writeFile(
            QStringLiteral("transform.py"),
            QStringLiteral("import errno\nimport sys\n\n\n") + m_pythonHelpers +
                QStringLiteral("sys.stdout.buffer.write(http_response(sys.stdin.buffer.read()))\n")));
    }
}

void TestHttpTransform::programsHaveTheseHelpers_data()
{
    QTest::addColumn<codegen::Language>("language");
    QTest::addRow("c") << codegen::Language::C;
    QTest::addRow("python") << codegen::Language::Python;
}

// The helpers this test runs are the ones a generated program holds, down to the byte.
void TestHttpTransform::programsHaveTheseHelpers()
{
    QFETCH(codegen::Language, language);
    const Scenario scenario = testsupport::makeScenario(
        {QStringLiteral("server")},
        {QStringLiteral(
             R"({"actor": "server", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})"),
         QStringLiteral(R"({"actor": "server", "call": "recv", "socket": "s", "args": {"length": 64}})"),
         QStringLiteral(
             R"({"actor": "server", "call": "process", "args": {"transform": "http-response"}})")});
    const GeneratedProgram program = codegen::generate(scenario, QStringLiteral("server"), language);
    const QString helpers = language == codegen::Language::C ? m_cHelpers : m_pythonHelpers;
    QVERIFY2(program.text.contains(helpers), qPrintable(program.text));
}

void TestHttpTransform::transformsAgree_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("shownPath"); // as the page shows it
    QTest::addRow("a path") << QByteArray("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            << QByteArray("/index.html");
    QTest::addRow("characters HTML escapes")
        << QByteArray("GET /a<b>&c\"d HTTP/1.1\r\n") << QByteArray("/a&lt;b&gt;&amp;c&quot;d");
    QTest::addRow("no path") << QByteArray("GET\r\n") << QByteArray("/");
    QTest::addRow("empty request") << QByteArray() << QByteArray("/");
    QTest::addRow("white space around the line")
        << QByteArray(" \t GET /x HTTP/1.0 \r\n") << QByteArray("/x");
    QTest::addRow("two spaces: an empty path") << QByteArray("GET  /x HTTP/1.1\r\n") << QByteArray();
    QTest::addRow("no line end") << QByteArray("GET /x HTTP/1.1") << QByteArray("/x");
    // Bytes, not text: a path that is not UTF-8 reaches the page as it came.
    QTest::addRow("not UTF-8") << QByteArray("GET /caf\xe9 HTTP/1.1\r\n") << QByteArray("/caf\xe9");
}

void TestHttpTransform::transformsAgree()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, shownPath);
    const QByteArray engine = processBytes(QStringLiteral("http-response"), request);
    QVERIFY2(engine.startsWith("HTTP/1.1 200 OK\r\n"), engine.constData());
    QVERIFY2(engine.contains(QByteArray("You asked for " + shownPath + "</p>")), engine.constData());
    const qsizetype bodyStart = engine.indexOf("\r\n\r\n") + 4;
    QVERIFY2(engine.contains(
                 QByteArray("Content-Length: " + QByteArray::number(engine.size() - bodyStart) + "\r\n")),
             engine.constData());
    if (m_cProgram.isEmpty())
        QSKIP("no C compiler (cc) on this machine");
    QCOMPARE(run(m_cProgram, {}, request), engine);
    if (m_python.isEmpty())
        QSKIP("no python3 on this machine");
    QCOMPARE(run(m_python, {QStringLiteral("transform.py")}, request), engine);
}

QTEST_GUILESS_MAIN(TestHttpTransform)
#include "tst_httptransform.moc"
