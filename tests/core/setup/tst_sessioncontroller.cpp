#include "setup/sessioncontroller.h"

#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

using testsupport::makeScenario;

namespace {

// A scenario of one UDP socket, named `id`: nothing in it needs a port.
Scenario oneSocket(const QString &id)
{
    Scenario scenario = makeScenario(
        {QStringLiteral("a")},
        {QStringLiteral(
            R"({"actor": "a", "call": "socket", "creates": "s", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}})")});
    scenario.id = id;
    return scenario;
}

QString readyScenario(QSignalSpy &ready)
{
    const auto *session = ready.takeLast().at(0).value<Session *>();
    return session ? session->scenario().id : QString();
}

} // namespace

/// The controller that owns the window's session on a thread of its own.
class TestSessionController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resetRestartsTheScenarioLastStarted();
    void resetAfterAStepStartsTheSameScenarioAnew();
};

// Reset pressed while a newly chosen scenario is still being set up starts that one, not the
// scenario whose session is still on screen.
void TestSessionController::resetRestartsTheScenarioLastStarted()
{
    SessionController controller({true, {}});
    QSignalSpy ready(&controller, &SessionController::sessionReady);
    controller.start(oneSocket(QStringLiteral("first")));
    QVERIFY(ready.wait(10000));
    QCOMPARE(readyScenario(ready), QStringLiteral("first"));

    controller.start(oneSocket(QStringLiteral("second")));
    controller.reset();
    QVERIFY(ready.wait(10000));
    QCOMPARE(readyScenario(ready), QStringLiteral("second"));
    // Only the last request is answered: the setup it replaced never shows.
    QTest::qWait(200);
    QCOMPARE(ready.size(), 0);
}

void TestSessionController::resetAfterAStepStartsTheSameScenarioAnew()
{
    SessionController controller({true, {}});
    QSignalSpy ready(&controller, &SessionController::sessionReady);
    QSignalSpy finished(&controller, &SessionController::stepFinished);
    controller.start(oneSocket(QStringLiteral("only")));
    QVERIFY(ready.wait(10000));
    const auto *first = ready.takeLast().at(0).value<Session *>();
    QVERIFY(first);
    QVERIFY(controller.step());
    QVERIFY(finished.wait(10000));
    QCOMPARE(first->trace().size() > 0, true);

    controller.reset();
    QVERIFY(ready.wait(10000));
    const auto *fresh = ready.takeLast().at(0).value<Session *>();
    QVERIFY(fresh && fresh != first);
    QCOMPARE(fresh->scenario().id, QStringLiteral("only"));
    QCOMPARE(fresh->nextStep(), 0);
}

QTEST_GUILESS_MAIN(TestSessionController)
#include "tst_sessioncontroller.moc"
