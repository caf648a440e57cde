#include "posix/symbols.h"
#include "scenario/callspec.h"
#include "scenario/scenarioloader.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

// resources/scenarios/scenario.schema.json must describe the format the loader reads: the keys the
// built-in scenarios use, the calls and arguments of core/callspec.cpp, and what a JSON Schema
// validator accepts and refuses.
class TestScenarioSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void builtinKeysAreDeclared_data();
    void builtinKeysAreDeclared();
    void callsMatchTheLoader_data();
    void callsMatchTheLoader();
    void errnoNamesAreKnownToTheLoader();
    void validatorAgreesWithTheLoader();

private:
    QJsonObject m_schema;
    QJsonObject m_defs;
};

namespace {

QString schemaFile()
{
    return QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/scenarios/scenario.schema.json");
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

// The if/then branch of the step schema that applies to `call`.
QJsonObject branchFor(const QJsonObject &step, const QString &call)
{
    for (const QJsonValue &condition : step.value(QLatin1String("allOf")).toArray()) {
        const QJsonObject branch = condition.toObject();
        const QString name = branch.value(QLatin1String("if"))
                                 .toObject()
                                 .value(QLatin1String("properties"))
                                 .toObject()
                                 .value(QLatin1String("call"))
                                 .toObject()
                                 .value(QLatin1String("const"))
                                 .toString();
        if (name == call)
            return branch.value(QLatin1String("then")).toObject();
    }
    return {};
}

} // namespace

void TestScenarioSchema::initTestCase()
{
    QFile file(schemaFile());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(schemaFile()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    m_schema = document.object();
    QCOMPARE(m_schema.value(QLatin1String("$schema")).toString(),
             QStringLiteral("https://json-schema.org/draft/2020-12/schema"));
    m_defs = m_schema.value(QLatin1String("$defs")).toObject();
    QVERIFY(m_defs.contains(QLatin1String("step")));
    QVERIFY(m_defs.contains(QLatin1String("expect")));
}

void TestScenarioSchema::builtinKeysAreDeclared_data()
{
    QTest::addColumn<QString>("id");
    const QStringList ids = ScenarioLoader::builtinIds();
    QVERIFY(!ids.isEmpty());
    for (const QString &id : ids)
        QTest::newRow(qPrintable(id)) << id;
}

void TestScenarioSchema::builtinKeysAreDeclared()
{
    QFETCH(QString, id);
    const QJsonObject scenario = readJson(QStringLiteral(":/scenarios/%1.json").arg(id));
    QVERIFY(!scenario.isEmpty());
    QStringList missing = keysNotDeclared(scenario, m_schema);
    for (const QJsonValue &actor : scenario.value(QLatin1String("actors")).toArray())
        missing += keysNotDeclared(actor.toObject(), m_defs.value(QLatin1String("actor")).toObject());
    const QJsonArray steps = scenario.value(QLatin1String("steps")).toArray();
    QVERIFY(!steps.isEmpty());
    for (const QJsonValue &value : steps) {
        const QJsonObject step = value.toObject();
        const QString call = step.value(QLatin1String("call")).toString();
        missing += keysNotDeclared(step, m_defs.value(QLatin1String("step")).toObject());
        const QJsonObject args = m_defs.value(QStringLiteral("args-") + call).toObject();
        QVERIFY2(!args.isEmpty(), qPrintable(QStringLiteral("no arguments declared for ") + call));
        for (const QString &key : keysNotDeclared(step.value(QLatin1String("args")).toObject(), args))
            missing << call + QStringLiteral(".args.") + key;
        for (const QString &key : keysNotDeclared(step.value(QLatin1String("expect")).toObject(),
                                                  m_defs.value(QLatin1String("expect")).toObject()))
            missing << QStringLiteral("expect.") + key;
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", ")));
}

void TestScenarioSchema::callsMatchTheLoader_data()
{
    QTest::addColumn<QString>("call");
    for (const QString &name : callspecs::names())
        QTest::newRow(qPrintable(name)) << name;
}

void TestScenarioSchema::callsMatchTheLoader()
{
    QFETCH(QString, call);
    const CallSpec *spec = callspecs::find(call);
    QVERIFY(spec);
    const QJsonObject step = m_defs.value(QLatin1String("step")).toObject();
    const QJsonArray calls = step.value(QLatin1String("properties"))
                                 .toObject()
                                 .value(QLatin1String("call"))
                                 .toObject()
                                 .value(QLatin1String("enum"))
                                 .toArray();
    QCOMPARE(strings(calls), callspecs::names());

    const QJsonObject args = m_defs.value(QStringLiteral("args-") + call).toObject();
    QCOMPARE(args.value(QLatin1String("additionalProperties")).toBool(true), false);
    const QJsonObject properties = args.value(QLatin1String("properties")).toObject();
    QStringList specNames;
    QStringList specRequired;
    for (const ArgSpec &arg : spec->args) {
        specNames << arg.name;
        if (arg.required)
            specRequired << arg.name;
        const QJsonObject declared = properties.value(arg.name).toObject();
        switch (arg.type) {
        case ArgSpec::Type::Integer:
            QCOMPARE(declared.value(QLatin1String("type")).toString(), QStringLiteral("integer"));
            QCOMPARE(qint64(declared.value(QLatin1String("minimum")).toDouble()), arg.minimum);
            QCOMPARE(qint64(declared.value(QLatin1String("maximum")).toDouble()), arg.maximum);
            break;
        case ArgSpec::Type::Port:
            QCOMPARE(declared.value(QLatin1String("$ref")).toString(), QStringLiteral("#/$defs/port"));
            break;
        case ArgSpec::Type::Address:
            QCOMPARE(declared.value(QLatin1String("$ref")).toString(), QStringLiteral("#/$defs/address"));
            break;
        case ArgSpec::Type::Choice:
            QCOMPARE(strings(declared.value(QLatin1String("enum")).toArray()), arg.choices);
            break;
        case ArgSpec::Type::Flags:
            QCOMPARE(strings(declared.value(QLatin1String("anyOf"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QLatin1String("enum"))
                                 .toArray()),
                     arg.choices);
            break;
        case ArgSpec::Type::Text:
            QCOMPARE(declared.value(QLatin1String("type")).toString(), QStringLiteral("string"));
            break;
        case ArgSpec::Type::Boolean:
            QVERIFY(declared.value(QLatin1String("type")).toString() == QLatin1String("boolean") ||
                    declared.value(QLatin1String("const")).isBool());
            break;
        }
    }
    QStringList schemaNames = properties.keys();
    schemaNames.sort();
    specNames.sort();
    QCOMPARE(schemaNames, specNames);
    QStringList schemaRequired = strings(args.value(QLatin1String("required")).toArray());
    schemaRequired.sort();
    specRequired.sort();
    QCOMPARE(schemaRequired, specRequired);

    // "socket" and "creates" are required exactly when the loader requires them.
    const QJsonObject branch = branchFor(step, call);
    QVERIFY2(!branch.isEmpty(), "no if/then branch for this call");
    const QStringList required = strings(branch.value(QLatin1String("required")).toArray());
    QCOMPARE(required.contains(QStringLiteral("socket")), spec->usesSocket);
    QCOMPARE(required.contains(QStringLiteral("creates")), spec->createsSocket);
}

void TestScenarioSchema::errnoNamesAreKnownToTheLoader()
{
    const QStringList names = strings(m_defs.value(QLatin1String("expect"))
                                          .toObject()
                                          .value(QLatin1String("properties"))
                                          .toObject()
                                          .value(QLatin1String("errno"))
                                          .toObject()
                                          .value(QLatin1String("enum"))
                                          .toArray());
    QVERIFY(names.contains(QStringLiteral("ECONNREFUSED")));
    QVERIFY(names.contains(QStringLiteral("EWOULDBLOCK")));
    for (const QString &name : names)
        QVERIFY2(symbols::errnoValue(name), qPrintable(name));
}

void TestScenarioSchema::validatorAgreesWithTheLoader()
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 is not installed: no JSON Schema validator to compare with");
    QProcess probe;
    probe.start(python, {QStringLiteral("-c"), QStringLiteral("import jsonschema")});
    if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
        QSKIP("the Python jsonschema module is not installed (apt install python3-jsonschema)");

    // Files the loader accepts must pass; files the loader refuses for a reason the schema can
    // express must fail. Family-dependent rules (an IPv6 address on an AF_INET socket) and the order of
    // steps are the loader's alone.
    QStringList good;
    const QString scenarios = QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/scenarios/");
    for (const QString &id : ScenarioLoader::builtinIds())
        good << scenarios + id + QStringLiteral(".json");
    const QDir valid(testsupport::testData(QStringLiteral("valid")));
    for (const QString &file : valid.entryList({QStringLiteral("*.json")}, QDir::Files))
        good << valid.filePath(file);
    QStringList bad;
    for (const char *name : {"address-any",
                             "address-ipv4-mapped",
                             "address-ipv6-any",
                             "address-ipv6-public",
                             "address-public",
                             "address-short-form",
                             "address-with-nul",
                             "args-not-object",
                             "backlog-as-string",
                             "bad-id",
                             "expect-blocks-never-waits",
                             "expect-errno-and-success",
                             "expect-not-object",
                             "expect-ok-false",
                             "expect-result-float",
                             "expect-unknown-errno",
                             "missing-argument",
                             "missing-id",
                             "no-actors",
                             "no-steps",
                             "not-an-object",
                             "port-as-string",
                             "port-float",
                             "port-negative",
                             "port-out-of-range",
                             "raw-without-icmp",
                             "send-bad-hex",
                             "send-two-payloads",
                             "socket-with-socket-key",
                             "unix-absolute-path",
                             "unix-empty-abstract",
                             "unix-parent-directory",
                             "unix-sneaky-parent",
                             "unknown-argument",
                             "unknown-call",
                             "unknown-family",
                             "unknown-level",
                             "unknown-top-level-key",
                             "unknown-type"})
        bad << testsupport::testData(QStringLiteral("broken/%1.json").arg(QLatin1String(name)));
    for (const QString &file : good + bad) {
        // Every listed file exists: a renamed file must not make this test pass by omission.
        QVERIFY2(QFile::exists(file), qPrintable(file));
    }

    const QString script = QStringLiteral("import json, sys, jsonschema\n"
                                          "schema = json.load(open(sys.argv[1]))\n"
                                          "jsonschema.Draft202012Validator.check_schema(schema)\n"
                                          "validator = jsonschema.Draft202012Validator(schema)\n"
                                          "for name in sys.argv[2:]:\n"
                                          "    errors = list(validator.iter_errors(json.load(open(name))))\n"
                                          "    print(('refused ' if errors else 'accepted ') + name)\n");
    QProcess process;
    process.start(python, QStringList{QStringLiteral("-c"), script, schemaFile()} + good + bad);
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QStringList lines =
        QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), good.size() + bad.size());
    for (const QString &file : good)
        QVERIFY2(lines.contains(QStringLiteral("accepted ") + file), qPrintable(file));
    for (const QString &file : bad)
        QVERIFY2(lines.contains(QStringLiteral("refused ") + file), qPrintable(file));
}

QTEST_GUILESS_MAIN(TestScenarioSchema)
#include "tst_scenarioschema.moc"
