#include "window/mainwindow.h"

#include "common/viewcontext.h"
#include "controls/controlsbar.h"
#include "engine/session.h"
#include "narration/narrationview.h"
#include "projections/sessionsnapshot.h"
#include "scenario/scenarioloader.h"
#include "setup/sessioncontroller.h"
#include "sockets/sockettableview.h"
#include "stage/stageview.h"
#include "testsupport.h"
#include "trace/trace.h"
#include "window/scenariopicker.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAbstractSlider>
#include <QDockWidget>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>

namespace {

struct Frame
{
    QImage stage;
    SessionSnapshot snapshot;
    QString narration;
    QList<QStringList> table;
};

QList<QStringList> tableRows(const SocketTableModel &model)
{
    QList<QStringList> rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column)
            cells << model.index(row, column).data().toString();
        rows << cells;
    }
    return rows;
}

} // namespace

class TestMainWindow : public QObject
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
        m_window = std::make_unique<MainWindow>(QStringLiteral("tcp-echo"));
        m_window->resize(1280, 720);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        if (!m_window->isReady()) {
            QSignalSpy ready(m_window.get(), &MainWindow::readyToStep);
            QVERIFY(ready.wait(10000));
        }
        m_window->stage()->setAnimationMs(0);
        m_window->stage()->setFixedSize(900, 420);
    }

    void cleanup() { m_window.reset(); }

    void opensOnTcpEchoReadyToStep()
    {
        ViewContext *context = m_window->viewContext();
        QVERIFY(context->hasSession());
        QCOMPARE(context->scenario().id, QStringLiteral("tcp-echo"));
        QCOMPARE(context->cursor(), qint64(0));
        QVERIFY(m_window->controls()->stepAction()->isEnabled());
        QVERIFY(m_window->narration()->headline().contains(QStringLiteral("press Space")));
        QVERIFY(m_window->windowTitle().startsWith(context->scenario().title));
    }

    void keysDriveTcpEchoToItsEndAndBack()
    {
        ViewContext *context = m_window->viewContext();
        Trace *trace = context->trace();
        QAbstractItemModelTester tester(m_window->socketTable()->socketModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int steps = int(context->scenario().steps.size());
        const QList<Qt::Key> keys{Qt::Key_Space, Qt::Key_Right, Qt::Key_PageDown};
        QList<Frame> frames;
        frames << capture();
        for (int i = 0; i < steps; ++i) {
            QTest::keyClick(m_window.get(), keys.at(i % keys.size()));
            QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() &&
                                         context->snapshot().stepsStarted == i + 1 &&
                                         context->cursor() == trace->size(),
                                     10000);
            const SessionSnapshot &snapshot = context->snapshot();
            // The narration names the step and shows the scenario's words for it.
            QVERIFY2(m_window->narration()->headline().startsWith(
                         QStringLiteral("Step %1 of %2").arg(i + 1).arg(steps)),
                     qPrintable(m_window->narration()->headline()));
            QCOMPARE(m_window->narration()->narration(),
                     context->scenario().steps.at(snapshot.currentStep).narration);
            QVERIFY(!m_window->narration()->kernelText().isEmpty());
            // The socket table and the stage show each socket as the trace reports it; a queued
            // connection that accept() took is listed once, as the accepted socket.
            QList<SnapshotSocket> listed;
            for (const SnapshotSocket &socket : snapshot.sockets) {
                if (socket.acceptedAs.isEmpty())
                    listed << socket;
            }
            const QList<QStringList> rows = tableRows(*m_window->socketTable()->socketModel());
            QCOMPARE(rows.size(), listed.size());
            for (qsizetype r = 0; r < rows.size(); ++r) {
                const SnapshotSocket &socket = listed.at(r);
                QCOMPARE(rows.at(r).at(SocketTableModel::Name), socket.name);
                QCOMPARE(rows.at(r).at(SocketTableModel::Local), socket.local);
                const QString fd = socket.fd >= 0 ? QString::number(socket.fd) : QStringLiteral("–");
                if (!socket.closed)
                    QCOMPARE(rows.at(r).at(SocketTableModel::Fd), fd);
                QVERIFY(m_window->stage()
                            ->socketLines(socket.name)
                            .value(0)
                            .contains(QStringLiteral("fd ") + fd));
                QCOMPARE(rows.at(r).at(SocketTableModel::State),
                         socket.state.isEmpty() ? QStringLiteral("not reported") : socket.state);
            }
            // The call of this step, as recorded, is what the snapshot's current step is.
            const CallInfo *call = trace->at(snapshot.currentCallSeq).call();
            QVERIFY(call);
            QCOMPARE(call->step, snapshot.currentStep);
            if (call->phase == CallInfo::Phase::Returned && call->errnoName.isEmpty() &&
                !call->created.isEmpty())
                QCOMPARE(snapshot.socket(call->created)->fd, int(call->result));
            frames << capture();
        }
        QVERIFY(m_window->controller()->session()->isFinished());
        QVERIFY(m_window->controls()->blockedText().contains(QStringLiteral("finished")));

        // Back through every step: the same pictures, tables and snapshots as on the way forward.
        // The probe may still report (TIME_WAIT ends later): the last frame is only compared when
        // nothing came after it.
        const bool settled = trace->size() == frames.last().snapshot.cursor;
        for (int i = steps - 1; i >= 0; --i) {
            QTest::keyClick(m_window.get(), i % 2 ? Qt::Key_Left : Qt::Key_PageUp);
            compare(capture(), frames.at(i), i);
            if (QTest::currentTestFailed())
                return;
        }
        QCOMPARE(context->cursor(), qint64(0));
        // … and forward again, replaying without running a call.
        const qint64 size = trace->size();
        for (int i = 1; i <= steps; ++i) {
            QTest::keyClick(m_window.get(), Qt::Key_Right);
            if (i < steps || settled)
                compare(capture(), frames.at(i), i);
            if (QTest::currentTestFailed())
                return;
        }
        if (settled)
            QCOMPARE(trace->size(), size);
        QVERIFY(frames.at(3).stage != frames.at(6).stage);
    }

    void blockedActorIsNamedAndReleasedByTheOther()
    {
        ViewContext *context = m_window->viewContext();
        for (int i = 0; i < 4; ++i) {
            QTest::keyClick(m_window.get(), Qt::Key_Space);
            QTRY_VERIFY_WITH_TIMEOUT(
                !m_window->controller()->isBusy() && context->snapshot().stepsStarted == i + 1, 10000);
        }
        const QString waiting = m_window->controls()->blockedText();
        QVERIFY2(waiting.startsWith(QStringLiteral("Server waits in accept()")), qPrintable(waiting));
        QVERIFY2(waiting.contains(QStringLiteral("Step Client")), qPrintable(waiting));
        QVERIFY(m_window->stage()
                    ->actorStatus(QStringLiteral("server"))
                    .startsWith(QStringLiteral("waits in accept()")));
        // Step Server is off: the server is busy waiting. Ctrl+2 steps the client.
        QVERIFY(!m_window->controls()->actorActions().at(0)->isEnabled());
        for (int i = 0; i < 2; ++i) {
            QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
            QTRY_VERIFY_WITH_TIMEOUT(
                !m_window->controller()->isBusy() && context->snapshot().stepsStarted == 5 + i, 10000);
        }
        QTRY_COMPARE(context->snapshot().actor(QStringLiteral("server"))->blockedStep, -1);
        QVERIFY(!m_window->controls()->blockedText().contains(QStringLiteral("waits")));
        QVERIFY(context->snapshot().socket(QStringLiteral("conn")));
    }

    void resetStartsANewSession()
    {
        ViewContext *context = m_window->viewContext();
        QTest::keyClick(m_window.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(context->snapshot().stepsStarted == 1 && !m_window->controller()->isBusy(),
                                 10000);
        Session *before = m_window->controller()->session();
        QSignalSpy ready(m_window.get(), &MainWindow::readyToStep);
        QTest::keyClick(m_window.get(), Qt::Key_Home);
        QVERIFY(ready.wait(10000));
        QVERIFY(m_window->controller()->session() != before);
        QCOMPARE(context->cursor(), qint64(0));
        QVERIFY(context->snapshot().sockets.isEmpty());
    }

    void brokenFileKeepsTheScenario()
    {
        QTemporaryFile broken;
        QVERIFY(broken.open());
        broken.write("{ \"id\": \"x\", ");
        broken.close();
        Session *before = m_window->controller()->session();
        QVERIFY(!m_window->openScenario(broken.fileName()));
        auto *box = m_window->findChild<QMessageBox *>(QStringLiteral("scenarioError"));
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY(box->text().contains(QFileInfo(broken.fileName()).fileName()));
        box->close();
        QCOMPARE(m_window->controller()->session(), before);
        QCOMPARE(m_window->viewContext()->scenario().id, QStringLiteral("tcp-echo"));
    }

    void zoomScalesTheText()
    {
        const qreal before = m_window->stage()->font().pointSizeF();
        QTest::keyClick(m_window.get(), Qt::Key_Plus, Qt::ControlModifier);
        QCOMPARE(m_window->zoom(), 110);
        QVERIFY(m_window->stage()->font().pointSizeF() > before);
        QVERIFY(m_window->narration()->font().pointSizeF() > before);
        QTest::keyClick(m_window.get(), Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(m_window->zoom(), 100);
        QCOMPARE(m_window->stage()->font().pointSizeF(), before);
    }

    void themesRepaintTheStage()
    {
        const QImage light = m_window->stage()->grab().toImage();
        m_window->applyTheme(QStringLiteral("dark"));
        const QImage dark = m_window->stage()->grab().toImage();
        m_window->applyTheme(QStringLiteral("high-contrast"));
        const QImage contrast = m_window->stage()->grab().toImage();
        QVERIFY(light != dark);
        QVERIFY(dark != contrast);
        QCOMPARE(contrast.pixelColor(2, 2), QColor(Qt::black));
        m_window->applyTheme(QStringLiteral("light"));
        QCOMPARE(m_window->stage()->grab().toImage(), light);
    }

    void presentationPutsStageAndNarrationFirst()
    {
        QTest::keyClick(m_window.get(), Qt::Key_F11);
        QVERIFY(m_window->isPresenting());
        QVERIFY(m_window->zoom() >= 160);
        auto *sockets = m_window->findChild<QDockWidget *>(QStringLiteral("socketsDock"));
        auto *narration = m_window->findChild<QDockWidget *>(QStringLiteral("narrationDock"));
        QVERIFY(sockets && narration);
        QVERIFY(!sockets->isVisible());
        QVERIFY(narration->isVisible());
        QTest::keyClick(m_window.get(), Qt::Key_F11);
        QVERIFY(!m_window->isPresenting());
        QCOMPARE(m_window->zoom(), 100);
        QTRY_VERIFY(sockets->isVisible());
    }

    void everyControlHasAnAccessibleName()
    {
        const QList<QWidget *> widgets = m_window->controls()->findChildren<QWidget *>();
        int checked = 0;
        for (QWidget *widget : widgets) {
            if (qobject_cast<QAbstractButton *>(widget) || qobject_cast<QAbstractSlider *>(widget) ||
                qobject_cast<QSpinBox *>(widget)) {
                QVERIFY2(!widget->accessibleName().isEmpty(), widget->metaObject()->className());
                QVERIFY(widget->focusPolicy() & Qt::TabFocus);
                ++checked;
            }
        }
        QVERIFY(checked >= 9); // step, 2 actors, back, forward, run, reset, speed, timeline, go to
    }

    void timelineJumpsToAStep()
    {
        ViewContext *context = m_window->viewContext();
        // Jumping ahead runs the steps up to there.
        m_window->controls()->jumpToStep(7);
        QTRY_VERIFY_WITH_TIMEOUT(context->snapshot().stepsStarted == 7 && !m_window->controller()->isBusy(),
                                 15000);
        QVERIFY(!m_window->controls()->isRunning());
        // Jumping back only moves the cursor.
        const qint64 size = context->trace()->size();
        m_window->controls()->jumpToStep(2);
        QCOMPARE(context->snapshot().stepsStarted, 2);
        QCOMPARE(context->trace()->size(), size);
        QVERIFY(m_window->narration()->headline().startsWith(QStringLiteral("Step 2 of")));
    }

    void statusLineSaysTheMode()
    {
        auto *mode = m_window->findChild<QLabel *>(QStringLiteral("modeLabel"));
        QVERIFY(mode);
        const ViewContext *context = m_window->viewContext();
        const QString expected = context->mode() == QLatin1String("sandbox")
                                     ? QStringLiteral("Sandbox")
                                     : QStringLiteral("Host loopback");
        QVERIFY2(mode->text().startsWith(expected), qPrintable(mode->text()));
        QVERIFY(mode->text().contains(context->modeDescription()));
        if (!context->capture())
            QVERIFY(m_window->stage()->timingText().contains(context->modeDescription()));
    }

    void pickerListsTheBuiltIns()
    {
        ScenarioPicker picker(QStringLiteral("tcp-echo"));
        const QStringList ids = ScenarioLoader::builtinIds();
        QCOMPARE(picker.list()->count(), ids.size());
        QCOMPARE(picker.selectedId(), QStringLiteral("tcp-echo"));
        const Scenario echo = ScenarioLoader::builtin(QStringLiteral("tcp-echo")).scenario;
        const QString text = picker.list()->currentItem()->text();
        QVERIFY(text.contains(echo.title));
        QVERIFY(text.contains(echo.level));
        QVERIFY(text.contains(echo.tags.first()));
        QSignalSpy chosen(&picker, &ScenarioPicker::chosen);
        picker.list()->setCurrentRow(int(ids.indexOf(QStringLiteral("udp-echo"))));
        picker.accept();
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), QStringLiteral("udp-echo"));
    }

    void openingAnotherScenarioRebuildsTheControls()
    {
        QSignalSpy ready(m_window.get(), &MainWindow::readyToStep);
        QVERIFY(m_window->openScenario(QStringLiteral("udp-echo")));
        QVERIFY(ready.wait(10000));
        const ViewContext *context = m_window->viewContext();
        QCOMPARE(context->scenario().id, QStringLiteral("udp-echo"));
        QCOMPARE(m_window->controls()->actorActions().size(), context->scenario().actors.size());
        QVERIFY(m_window->windowTitle().startsWith(context->scenario().title));
        QVERIFY(m_window->narration()->headline().startsWith(context->scenario().title));
        QTest::keyClick(m_window.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(context->snapshot().stepsStarted == 1 && !m_window->controller()->isBusy(),
                                 10000);
        QCOMPARE(context->snapshot().sockets.first().type, QStringLiteral("SOCK_DGRAM"));
    }

    void theSessionStartsAfterTheFirstPaint()
    {
        MainWindow window(QStringLiteral("tcp-echo"));
        auto *mode = window.findChild<QLabel *>(QStringLiteral("modeLabel"));
        QVERIFY(mode);
        QCOMPARE(mode->text(), QStringLiteral("Starting the sandbox…"));
        QVERIFY(!window.controller()->isBusy());
        QVERIFY(!window.controller()->session());
        // Nothing to step or run yet, and every view says why.
        QCOMPARE(window.narration()->headline(), QStringLiteral("Starting the sandbox…"));
        QVERIFY(!window.controls()->stepAction()->isEnabled());
        QVERIFY(!window.controls()->runAction()->isEnabled());
        // What the stage's first paint saw: no session set up or being set up, the status saying so.
        struct FirstPaint : QObject
        {
            MainWindow *window = nullptr;
            QLabel *mode = nullptr;
            int paints = 0;
            bool busy = true;
            QString status;
            bool eventFilter(QObject *, QEvent *event) override
            {
                if (event->type() == QEvent::Paint && paints++ == 0) {
                    busy = window->controller()->isBusy() || window->controller()->session();
                    status = mode->text();
                }
                return false;
            }
        } firstPaint;
        firstPaint.window = &window;
        firstPaint.mode = mode;
        window.stage()->installEventFilter(&firstPaint);
        QSignalSpy ready(&window, &MainWindow::readyToStep);
        window.show();
        QVERIFY(ready.wait(10000));
        QVERIFY(firstPaint.paints > 0);
        QVERIFY(!firstPaint.busy);
        QCOMPARE(firstPaint.status, QStringLiteral("Starting the sandbox…"));
        QVERIFY(window.viewContext()->hasSession());
        QVERIFY(mode->text() != firstPaint.status);
        // The views behind tabs were made by then.
        for (const char *name : {"codeDock", "inspectorDock"}) {
            const auto *dock = window.findChild<QDockWidget *>(QString::fromLatin1(name));
            QVERIFY2(dock && dock->widget(), name);
        }
    }

    void fitsA1280x720ScreenWithEveryDock()
    {
        // A projector's 1280x720 less a task bar; the default layout, every dock shown.
        const QSize available(1280, 720 - 48);
        MainWindow window(QStringLiteral("tcp-echo"));
        window.resetLayout();
        window.fitToScreen(available);
        window.show();
        QSignalSpy ready(&window, &MainWindow::readyToStep);
        QVERIFY(ready.wait(10000));
        const QList<QDockWidget *> docks = window.findChildren<QDockWidget *>();
        QCOMPARE(docks.size(), 6);
        for (const QDockWidget *dock : docks) {
            QVERIFY2(dock->toggleViewAction()->isChecked() && !dock->isFloating(),
                     qPrintable(dock->windowTitle()));
            QVERIFY2(dock->widget(), qPrintable(dock->windowTitle()));
        }
        const QSize minimum = window.minimumSizeHint();
        QVERIFY2(minimum.width() <= available.width() && minimum.height() <= available.height(),
                 qPrintable(QStringLiteral("minimum %1x%2").arg(minimum.width()).arg(minimum.height())));
        // And the window can really be that small.
        window.resize(available);
        QTRY_COMPARE(window.size(), available);
    }

private:
    Frame capture() const
    {
        return {m_window->stage()->grab().toImage(), m_window->viewContext()->snapshot(),
                m_window->narration()->headline() + u'\n' + m_window->narration()->kernelText(),
                tableRows(*m_window->socketTable()->socketModel())};
    }

    static void compare(const Frame &now, const Frame &then, int step)
    {
        const QByteArray where = "at step " + QByteArray::number(step);
        QVERIFY2(now.snapshot == then.snapshot, where.constData());
        QVERIFY2(now.narration == then.narration, where.constData());
        QVERIFY2(now.table == then.table, where.constData());
        QVERIFY2(now.stage == then.stage, where.constData());
    }

    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
