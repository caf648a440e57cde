#include "window/mainwindow.h"

#include "common/viewcontext.h"
#include "controls/controlsbar.h"
#include "exercise/answerinput.h"
#include "exercise/exercisepane.h"
#include "exercise/exerciseresult.h"
#include "exercise/exercisesession.h"
#include "player/player.h"
#include "projections/sessionsnapshot.h"
#include "sequence/sequencediagram.h"
#include "setup/sessioncontroller.h"
#include "stage/stageview.h"
#include "trace/trace.h"
#include "window/exercisemode.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// Student mode driven as a student does, by keys: Step stays locked before a "before" question,
// an answer unlocks it, and the verdict selects the packet that decided it.
class TestExerciseMode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SocketScopeTest"));
    }

    void init()
    {
        QFile::remove(ExerciseMode::progressFile(QStringLiteral("handshake-lab"), Student));
        m_window = std::make_unique<MainWindow>(QStringLiteral("tcp-echo"));
        m_window->resize(1280, 720);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        openExercise();
    }

    void cleanup() { m_window.reset(); }

    void stepWaitsForTheAnswerAndTheVerdictShowsItsPacket()
    {
        stepTo(5);
        ExercisePane *pane = m_window->exerciseMode()->pane();
        QCOMPARE(pane->shownQuestion(), QStringLiteral("q1"));
        // Step 6 is the connect() the two questions ask about: neither Step nor Step Client runs it.
        QVERIFY(!m_window->controls()->stepAction()->isEnabled());
        QVERIFY(!m_window->controls()->actorActions().at(1)->isEnabled());
        QVERIFY2(
            m_window->controls()->blockedText().startsWith(QStringLiteral("Answer the question on step 6")),
            qPrintable(m_window->controls()->blockedText()));
        QTest::keyClick(m_window.get(), Qt::Key_Space);
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QVERIFY(!m_window->controller()->isBusy());
        QCOMPARE(snapshot().stepsStarted, 5);

        answerByKeys(QStringLiteral("0"));
        QCOMPARE(pane->shownQuestion(), QStringLiteral("q2"));
        QVERIFY(!m_window->controls()->stepAction()->isEnabled()); // q2 still holds step 6
        answerByKeys(QStringLiteral("2"));                         // three packets cross: a wrong answer
        QVERIFY(m_window->controls()->stepAction()->isEnabled());

        QTest::keyClick(m_window.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() && snapshot().stepsStarted == 6, 10000);
        ExerciseSession *session = m_window->exerciseMode()->session();
        const Question &q1 = session->exercise().questions.at(0);
        const Question &q2 = session->exercise().questions.at(1);
        QTRY_COMPARE_WITH_TIMEOUT(session->status(q1), ExerciseSession::Status::Right, 5000);
        QCOMPARE(session->status(q2), ExerciseSession::Status::Wrong);

        // The verdict shown last is q2's; its evidence is the handshake's first packet, selected in
        // the sequence diagram.
        QCOMPARE(pane->reviewedQuestion(), QStringLiteral("q2"));
        QVERIFY2(pane->feedback().contains(QStringLiteral("Wrong: you said 2; the kernel says 3")),
                 qPrintable(pane->feedback()));
        const qint64 selected = m_window->viewContext()->selectedEvent();
        QVERIFY(selected >= 0);
        const TraceEvent &event = m_window->viewContext()->trace()->at(selected);
        QVERIFY(event.packet());
        QCOMPARE(event.packet()->flags, QStringList{QStringLiteral("SYN")});
        auto *diagram = m_window->findChild<SequenceDiagram *>();
        QVERIFY(diagram);
        QCOMPARE(diagram->selectedEvent(), selected);
        QVERIFY2(pane->scoreText().startsWith(QStringLiteral("Score: 1 right of 4 questions")),
                 qPrintable(pane->scoreText()));
    }

    void aRecordedAnswerNeverChangesAndGoingBackOnlyShowsThePast()
    {
        stepTo(5);
        answerByKeys(QStringLiteral("0"));
        answerByKeys(QStringLiteral("3"));
        QTest::keyClick(m_window.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() && snapshot().stepsStarted == 6, 10000);
        QTest::keyClick(m_window.get(), Qt::Key_Left);
        QTRY_COMPARE(snapshot().stepsStarted, 5);
        ExerciseSession *session = m_window->exerciseMode()->session();
        QVERIFY(!session->answer(QStringLiteral("q1"), QJsonValue(-1)).isEmpty());
        QCOMPARE(session->given(QStringLiteral("q1")), QJsonValue(0));
        QCOMPARE(session->status(session->exercise().questions.at(0)), ExerciseSession::Status::Right);
    }

    void aGoalIsReachedByTheOrderTheProgramsAreStepped()
    {
        ExerciseSession *session = m_window->exerciseMode()->session();
        const Question &goal = session->exercise().questions.at(3);
        QVERIFY(goal.isGoal());
        QCOMPARE(session->status(goal), ExerciseSession::Status::Later);
        // The client first: its socket, then (after the predictions) a connect() nobody listens for.
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() && snapshot().stepsStarted == 1, 10000);
        answerByKeys(QStringLiteral("0"));
        answerByKeys(QStringLiteral("3"));
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() && snapshot().stepsStarted == 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(session->status(goal), ExerciseSession::Status::Right, 5000);
        const TraceEvent &evidence =
            m_window->viewContext()->trace()->at(session->graded(goal).measured.evidence.first());
        QVERIFY(evidence.packet() && evidence.packet()->flags.contains(QStringLiteral("RST")));
        QCOMPARE(session->status(session->exercise().questions.at(0)), ExerciseSession::Status::Wrong);
    }

    void theResultFileIsVerifiedAndProgressCarriesOn()
    {
        stepTo(5);
        answerByKeys(QStringLiteral("0"));
        answerByKeys(QStringLiteral("3"));
        stepTo(11);
        ExercisePane *pane = m_window->exerciseMode()->pane();
        QTRY_COMPARE(pane->shownQuestion(), QStringLiteral("q3"));
        answerByKeys(QStringLiteral("FIN_WAIT2"));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->exerciseMode()->session()->score(), 3, 5000);

        QTemporaryDir folder;
        const QString file = folder.filePath(QStringLiteral("ada.json"));
        QCOMPARE(m_window->exerciseMode()->saveResults(file), QString());
        const ResultCheck check = exerciseresult::check(file);
        QVERIFY2(check.verified(), qPrintable(check.problems.join(u'\n')));
        QCOMPARE(check.student, Student);
        QCOMPARE(check.score, 3);
        QCOMPARE(check.missed, QStringList{QStringLiteral("g1")});

        // Closed and opened again: the answers are kept and the steps run again up to step 11.
        m_window.reset();
        m_window = std::make_unique<MainWindow>(QStringLiteral("tcp-echo"));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        openExercise();
        ExerciseSession *session = m_window->exerciseMode()->session();
        QVERIFY(session->isAnswered(QStringLiteral("q3")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() && snapshot().stepsStarted == 11, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(session->score(), 3, 5000);
    }

private:
    static inline const QString Student = QStringLiteral("Ada Lovelace");

    void openExercise()
    {
        QSignalSpy ready(m_window.get(), &MainWindow::readyToStep);
        QVERIFY(m_window->openExercise(QStringLiteral("handshake-lab"), Student));
        QVERIFY(ready.wait(10000));
        QVERIFY(m_window->exerciseMode()->isActive());
        m_window->stage()->setAnimationMs(0);
    }

    const SessionSnapshot &snapshot() const { return m_window->viewContext()->snapshot(); }

    void stepTo(int steps)
    {
        while (snapshot().stepsStarted < steps) {
            const int before = snapshot().stepsStarted;
            QVERIFY(m_window->controls()->stepAction()->isEnabled());
            QTest::keyClick(m_window.get(), Qt::Key_Space);
            QTRY_VERIFY_WITH_TIMEOUT(
                !m_window->controller()->isBusy() && snapshot().stepsStarted == before + 1, 10000);
        }
    }

    // As a student does: the answer typed into the pane's input, then Enter.
    void answerByKeys(const QString &text)
    {
        ExercisePane *pane = m_window->exerciseMode()->pane();
        const QString question = pane->shownQuestion();
        QVERIFY(!question.isEmpty());
        // Enter on an untouched input gives no answer: nothing is recorded by accident.
        pane->input()->focusInput();
        QWidget *focus = QApplication::focusWidget();
        QVERIFY(focus && pane->input()->isAncestorOf(focus));
        QTest::keyClick(focus, Qt::Key_Return);
        QVERIFY(!m_window->exerciseMode()->session()->isAnswered(question));
        QVERIFY(pane->input()->setText(text));
        QTest::keyClick(focus, Qt::Key_Return);
        QTRY_VERIFY(m_window->exerciseMode()->session()->isAnswered(question));
    }

    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestExerciseMode)
#include "tst_exercisemode.moc"
