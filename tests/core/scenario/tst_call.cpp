#include "scenario/call.h"
#include "scenario/callspec.h"

#include <QSet>
#include <QTest>

// The call vocabulary: the names are those of scenario and trace files (a contract), every call has
// exactly one spec, and a name outside the vocabulary is refused.
class TestCall : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void namesAreTheFilesNames_data();
    void namesAreTheFilesNames();
    void everyCallRoundTrips_data();
    void everyCallRoundTrips();
    void everyCallHasOneSpec_data();
    void everyCallHasOneSpec();
    void specsListEveryCallOnce();
    void unknownNameIsRefused_data();
    void unknownNameIsRefused();
};

namespace {

void addCallRows()
{
    QTest::addColumn<Call>("call");
    for (const Call call : allCalls())
        QTest::addRow("%s", qPrintable(callName(call))) << call;
}

} // namespace

void TestCall::namesAreTheFilesNames_data()
{
    QTest::addColumn<Call>("call");
    QTest::addColumn<QString>("name");
    QTest::addRow("socket") << Call::Socket << QStringLiteral("socket");
    QTest::addRow("bind") << Call::Bind << QStringLiteral("bind");
    QTest::addRow("listen") << Call::Listen << QStringLiteral("listen");
    QTest::addRow("accept") << Call::Accept << QStringLiteral("accept");
    QTest::addRow("connect") << Call::Connect << QStringLiteral("connect");
    QTest::addRow("send") << Call::Send << QStringLiteral("send");
    QTest::addRow("recv") << Call::Recv << QStringLiteral("recv");
    QTest::addRow("sendto") << Call::SendTo << QStringLiteral("sendto");
    QTest::addRow("recvfrom") << Call::RecvFrom << QStringLiteral("recvfrom");
    QTest::addRow("shutdown") << Call::Shutdown << QStringLiteral("shutdown");
    QTest::addRow("close") << Call::Close << QStringLiteral("close");
    QTest::addRow("getsockname") << Call::GetSockName << QStringLiteral("getsockname");
    QTest::addRow("getpeername") << Call::GetPeerName << QStringLiteral("getpeername");
    QTest::addRow("setsockopt") << Call::SetSockOpt << QStringLiteral("setsockopt");
    QTest::addRow("fcntl") << Call::Fcntl << QStringLiteral("fcntl");
    QTest::addRow("process") << Call::Process << QStringLiteral("process");
}

// The trace file's "call" field and the scenario file's "call" key spell these names.
void TestCall::namesAreTheFilesNames()
{
    QFETCH(Call, call);
    QFETCH(QString, name);
    QCOMPARE(callName(call), name);
    QVERIFY(allCalls().contains(call));
}

void TestCall::everyCallRoundTrips_data()
{
    addCallRows();
}

void TestCall::everyCallRoundTrips()
{
    QFETCH(Call, call);
    const std::optional<Call> parsed = callFromName(callName(call));
    QVERIFY(parsed);
    QCOMPARE(*parsed, call);
    QCOMPARE(allCalls().count(call), 1);
}

void TestCall::everyCallHasOneSpec_data()
{
    addCallRows();
}

void TestCall::everyCallHasOneSpec()
{
    QFETCH(Call, call);
    int specs = 0;
    for (const CallSpec &spec : callspecs::all())
        specs += spec.call == call ? 1 : 0;
    QCOMPARE(specs, 1);
    QCOMPARE(callspecs::of(call).call, call);
    const CallSpec *byName = callspecs::find(callName(call));
    QVERIFY(byName);
    QCOMPARE(byName->call, call);
}

// The loader lists the known calls in the specs' order: the course's order, that of allCalls().
void TestCall::specsListEveryCallOnce()
{
    QList<Call> specCalls;
    for (const CallSpec &spec : callspecs::all())
        specCalls << spec.call;
    QCOMPARE(specCalls, allCalls());
    QStringList names;
    for (const Call call : allCalls())
        names << callName(call);
    QCOMPARE(callspecs::names(), names);
    QCOMPARE(QSet<QString>(names.begin(), names.end()).size(), names.size());
}

void TestCall::unknownNameIsRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addRow("another system call") << QStringLiteral("sendfile");
    QTest::addRow("empty") << QString();
    QTest::addRow("capitalised") << QStringLiteral("Accept");
    QTest::addRow("a variant") << QStringLiteral("accept4");
    QTest::addRow("with parentheses") << QStringLiteral("bind()");
    QTest::addRow("with a space") << QStringLiteral(" listen");
    QTest::addRow("an enumerator's spelling") << QStringLiteral("RecvFrom");
}

void TestCall::unknownNameIsRefused()
{
    QFETCH(QString, name);
    QVERIFY(!callFromName(name));
    QVERIFY(!callspecs::find(name));
}

QTEST_GUILESS_MAIN(TestCall)
#include "tst_call.moc"
