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

// The scenario of each session the controller announced, read as it is announced, on the thread
// that receives it, as the window reads it.
struct Announced
{
    explicit Announced(SessionController &controller)
    {
        QObject::connect(&controller, &SessionController::sessionReady, &controller,
                         [this](Session *session) {
                             ids << (session ? session->scenario().id : QString());
                             sessions << session;
                         });
    }
    QStringList ids;
    QList<Session *> sessions;
};

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
    Announced announced(controller);
    QSignalSpy ready(&controller, &SessionController::sessionReady);
    controller.start(oneSocket(QStringLiteral("first")));
    QVERIFY(ready.wait(10000));
    QCOMPARE(announced.ids, QStringList{QStringLiteral("first")});

    controller.start(oneSocket(QStringLiteral("second")));
    controller.reset();
    QVERIFY(ready.wait(10000));
    // Only the last request is answered: the setup it replaced never shows. A step runs on the
    // session thread after every setup asked for before it, and its outcome comes back after theirs,
    // so once it has come back nothing else can be announced.
    QSignalSpy finished(&controller, &SessionController::stepFinished);
    QVERIFY(controller.step());
    QVERIFY(finished.wait(10000));
    QCOMPARE(announced.ids, (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
}

void TestSessionController::resetAfterAStepStartsTheSameScenarioAnew()
{
    SessionController controller({true, {}});
    Announced announced(controller);
    QSignalSpy ready(&controller, &SessionController::sessionReady);
    QSignalSpy finished(&controller, &SessionController::stepFinished);
    controller.start(oneSocket(QStringLiteral("only")));
    QVERIFY(ready.wait(10000));
    QVERIFY(controller.step());
    QVERIFY(finished.wait(10000));
    QVERIFY(announced.sessions.constLast()->trace().size() > 0);

    controller.reset();
    QVERIFY(ready.wait(10000));
    QCOMPARE(announced.ids, (QStringList{QStringLiteral("only"), QStringLiteral("only")}));
    QVERIFY(announced.sessions.at(1) && announced.sessions.at(1) != announced.sessions.at(0));
}

QTEST_GUILESS_MAIN(TestSessionController)
#include "tst_sessioncontroller.moc"
