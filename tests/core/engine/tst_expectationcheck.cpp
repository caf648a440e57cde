// Grading a call against its step's expectation, and the words of a departure.
#include "engine/expectationcheck.h"

#include <QTest>

#include <cerrno>

Q_DECLARE_METATYPE(Expectation)
Q_DECLARE_METATYPE(CallResult)

namespace {

Expectation none()
{
    return {};
}

Expectation returns(qint64 result)
{
    Expectation expect;
    expect.result = result;
    return expect;
}

Expectation succeeds()
{
    Expectation expect;
    expect.ok = true;
    return expect;
}

Expectation failsWith(const QString &errnoName)
{
    Expectation expect;
    expect.errnoName = errnoName;
    return expect;
}

Expectation delivers(const QByteArray &data)
{
    Expectation expect;
    expect.data = data;
    return expect;
}

Expectation waits(Expectation expect = {})
{
    expect.blocks = true;
    return expect;
}

CallResult returned(qint64 result, const QByteArray &data = {})
{
    CallResult got;
    got.result = result;
    got.data = data;
    return got;
}

CallResult failed(int error)
{
    CallResult got;
    got.result = -1;
    got.error = error;
    return got;
}

} // namespace

class TestExpectationCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void departure_data();
    void departure();
    void messages_data();
    void messages();
    void departuresKeepTheirOrder();
};

void TestExpectationCheck::departure_data()
{
    QTest::addColumn<Expectation>("expect");
    QTest::addColumn<CallResult>("got");
    QTest::addColumn<bool>("waited");
    QTest::addColumn<QString>("departure"); // empty: the expectation was met

    QTest::addRow("no expectation") << none() << failed(ECONNREFUSED) << false << QString();
    QTest::addRow("result met") << returns(0) << returned(0) << false << QString();
    QTest::addRow("result differs") << returns(5) << returned(3) << false
                                    << QStringLiteral("expected 5, but it returned 3");
    QTest::addRow("result 0 is not a failure")
        << returns(0) << failed(ECONNREFUSED) << false
        << QStringLiteral("expected 0, but it returned -1 ECONNREFUSED");
    QTest::addRow("result -1 met by a failure") << returns(-1) << failed(EAGAIN) << false << QString();
    QTest::addRow("ok met") << succeeds() << returned(7) << false << QString();
    QTest::addRow("ok but failed") << succeeds() << failed(ECONNREFUSED) << false
                                   << QStringLiteral("expected to succeed, but it returned -1 ECONNREFUSED");
    QTest::addRow("ok but negative") << succeeds() << returned(-1) << false
                                     << QStringLiteral("expected to succeed, but it returned -1");
    QTest::addRow("errno met") << failsWith(QStringLiteral("EADDRINUSE")) << failed(EADDRINUSE) << false
                               << QString();
    QTest::addRow("errno but succeeded")
        << failsWith(QStringLiteral("ECONNREFUSED")) << returned(0) << false
        << QStringLiteral("expected to fail with ECONNREFUSED, but it returned 0");
    QTest::addRow("another errno") << failsWith(QStringLiteral("ECONNREFUSED")) << failed(ETIMEDOUT) << false
                                   << QStringLiteral("expected to fail with ECONNREFUSED, but it returned -1 "
                                                     "ETIMEDOUT");
    QTest::addRow("data met") << delivers("hi") << returned(2, "hi") << false << QString();
    QTest::addRow("data differs") << delivers("hi") << returned(3, "hey") << false
                                  << QStringLiteral("expected the bytes \"hi\", but got \"hey\"");
    QTest::addRow("blocks met") << waits() << returned(0) << true << QString();
    QTest::addRow("blocks but at once")
        << waits() << returned(0) << false << QStringLiteral("expected to wait, but it returned at once");
    QTest::addRow("a wrong result is told before the wait")
        << waits(returns(1)) << returned(0) << false << QStringLiteral("expected 1, but it returned 0");
}

void TestExpectationCheck::departure()
{
    QFETCH(Expectation, expect);
    QFETCH(CallResult, got);
    QFETCH(bool, waited);
    QFETCH(QString, departure);
    QCOMPARE(expectationcheck::departure(expect, got, waited), departure);
}

void TestExpectationCheck::messages_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");
    QTest::addRow("a step cannot start")
        << expectationcheck::cannotStart(4, QStringLiteral("server"), QStringLiteral("accept"), 2)
        << QStringLiteral("step 5 cannot start: server is still waiting in accept() (step 3)");
    QTest::addRow("the scenario ended waiting")
        << expectationcheck::endedWaiting(QStringLiteral("client"), QStringLiteral("connect"), 6)
        << QStringLiteral("the scenario ended with client still waiting in connect() (step 7)");
}

void TestExpectationCheck::messages()
{
    QFETCH(QString, message);
    QFETCH(QString, expected);
    QCOMPARE(message, expected);
}

void TestExpectationCheck::departuresKeepTheirOrder()
{
    Departures departures;
    QVERIFY(departures.isEmpty());
    departures.add(3, QStringLiteral("late"));
    departures.add(1, QStringLiteral("early"));
    QVERIFY(!departures.isEmpty());
    const QList<QPair<int, QString>> expected{{3, QStringLiteral("late")}, {1, QStringLiteral("early")}};
    QCOMPARE(departures.all(), expected);
}

QTEST_GUILESS_MAIN(TestExpectationCheck)
#include "tst_expectationcheck.moc"
