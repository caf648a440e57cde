// The source of the generated programs' helper functions, resources/codegen/, is real C and Python:
// each file as the library holds it compiles on its own.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestCodegenHelpers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fileCompiles_data();
    void fileCompiles();

private:
    QTemporaryDir m_dir;
    QString m_cc;
    QString m_python;
};

void TestCodegenHelpers::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cc = QStandardPaths::findExecutable(QStringLiteral("cc"));
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    // Each folder beside the others, as in the source tree, so that a C file finds helpers.h.
    for (const QString &folder : {QStringLiteral("c"), QStringLiteral("python")}) {
        const QDir resources(QStringLiteral(":/codegen/") + folder);
        QVERIFY(QDir(m_dir.path()).mkpath(folder));
        for (const QString &name : resources.entryList(QDir::Files)) {
            QFile source(resources.filePath(name));
            QFile copy(m_dir.filePath(folder + u'/' + name));
            QVERIFY2(source.open(QIODevice::ReadOnly), qPrintable(source.fileName()));
            QVERIFY2(copy.open(QIODevice::WriteOnly), qPrintable(copy.fileName()));
            QVERIFY(copy.write(source.readAll()) == source.size());
        }
    }
}

void TestCodegenHelpers::fileCompiles_data()
{
    QTest::addColumn<QString>("file");
    int count = 0;
    for (const QString &pattern : {QStringLiteral("c/*.c"), QStringLiteral("python/*.py")}) {
        const QString folder = pattern.section(u'/', 0, 0);
        for (const QString &name :
             QDir(QStringLiteral(":/codegen/") + folder, pattern.section(u'/', 1)).entryList(QDir::Files)) {
            QTest::newRow(qPrintable(folder + u'/' + name)) << folder + u'/' + name;
            ++count;
        }
    }
    // Four files of each language today: an empty list would pass every row it does not have.
    QVERIFY2(count >= 8, qPrintable(QString::number(count)));
}

void TestCodegenHelpers::fileCompiles()
{
    QFETCH(QString, file);
    const bool isC = file.endsWith(QLatin1String(".c"));
    const QString tool = isC ? m_cc : m_python;
    if (tool.isEmpty())
        QSKIP(isC ? "no C compiler (cc) on this machine" : "no python3 on this machine");
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    if (isC) {
        process.start(tool, {QStringLiteral("-std=c11"), QStringLiteral("-Wall"), QStringLiteral("-Wextra"),
                             QStringLiteral("-Werror"), QStringLiteral("-fsyntax-only"), file});
    } else {
        // Compiled to a file of its own, so that no __pycache__ is left beside the copy.
        const QString code =
            QStringLiteral("import py_compile, sys; "
                           "py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)");
        process.start(tool, {QStringLiteral("-c"), code, file, file + QStringLiteral("c")});
    }
    QVERIFY2(process.waitForFinished(60000), qPrintable(file));
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             qPrintable(QString::fromUtf8(process.readAllStandardError())));
}

QTEST_GUILESS_MAIN(TestCodegenHelpers)
#include "tst_codegenhelpers.moc"
