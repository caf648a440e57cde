#include "sequence/sequencediagram.h"

#include "common/viewcontext.h"
#include "controls/controlsbar.h"
#include "inspector/inspector.h"
#include "projections/eventtext.h"
#include "projections/sessionsnapshot.h"
#include "setup/sessioncontroller.h"
#include "stage/stageview.h"
#include "trace/trace.h"
#include "window/mainwindow.h"

#include <QDockWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <set>

// The sequence diagram driven from the keyboard in the real window on tcp-echo.
class TestSequenceDiagram : public QObject
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
        m_window->resetLayout();
        m_window->resize(1280, 720);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        if (!m_window->isReady()) {
            QSignalSpy ready(m_window.get(), &MainWindow::readyToStep);
            QVERIFY(ready.wait(10000));
        }
        m_window->stage()->setAnimationMs(0);
        m_diagram = m_window->findChild<SequenceDiagram *>(QStringLiteral("sequenceDiagram"));
        QVERIFY(m_diagram);
        m_window->findChild<QDockWidget *>(QStringLiteral("sequencediagramDock"))->raise();
        m_diagram->setFocus();
        QTRY_VERIFY(m_diagram->hasFocus());
    }

    void cleanup()
    {
        m_diagram = nullptr;
        m_window.reset();
    }

    void stepKeysStillStepWithTheDiagramFocused()
    {
        ViewContext *context = m_window->viewContext();
        for (const Qt::Key key : {Qt::Key_Space, Qt::Key_Right, Qt::Key_PageDown})
            stepWith(key);
        QCOMPARE(context->snapshot().stepsStarted, 3);
        const qint64 live = context->cursor();
        QTest::keyClick(m_diagram, Qt::Key_Left);
        QTRY_COMPARE(context->snapshot().stepsStarted, 2);
        QTest::keyClick(m_diagram, Qt::Key_PageUp);
        QTRY_COMPARE(context->snapshot().stepsStarted, 1);
        QTest::keyClick(m_diagram, Qt::Key_Right);
        QTest::keyClick(m_diagram, Qt::Key_Space);
        QTRY_COMPARE(context->cursor(), live);
        QVERIFY(m_diagram->hasFocus());
    }

    void upAndDownWalkEveryItemAndMoveTheCursor()
    {
        ViewContext *context = m_window->viewContext();
        for (int i = 0; i < 6; ++i) // socket, bind, listen, accept (waits), socket, connect
            stepWith(Qt::Key_Space);
        const Trace *trace = context->trace();
        const auto &items = m_diagram->layout().items();
        const qsizetype shown = m_diagram->layout().rowsBefore(context->cursor());
        QVERIFY(shown >= 6);
        QCOMPARE(m_diagram->selectedEvent(), qint64(-1));

        // The first key selects "now", the last item shown; each further Up goes one item back.
        QTest::keyClick(m_diagram, Qt::Key_Up);
        QCOMPARE(m_diagram->selectedEvent(), items[shown - 1].seq);
        std::set<SequenceLayout::ItemKind> kinds;
        for (qsizetype row = shown - 1; row >= 0; --row) {
            const qint64 seq = items[row].seq;
            QCOMPARE(m_diagram->selectedEvent(), seq);
            QCOMPARE(context->selectedEvent(), seq);
            // As a click does: the cursor sits just past the item.
            QCOMPARE(context->cursor(), seq + 1);
            QVERIFY2(m_diagram->accessibleDescription().contains(eventtext::line(trace->at(seq))),
                     qPrintable(m_diagram->accessibleDescription()));
            kinds.insert(items[row].kind);
            QTest::keyClick(m_diagram, Qt::Key_Up);
        }
        // At the first item Up stays there.
        QCOMPARE(m_diagram->selectedEvent(), items[0].seq);
        QVERIFY(kinds.count(SequenceLayout::ItemKind::Call));
        QVERIFY(kinds.count(SequenceLayout::ItemKind::Blocked));
        if (context->capture()) {
            QVERIFY(kinds.count(SequenceLayout::ItemKind::Packet));
            QVERIFY(kinds.count(SequenceLayout::ItemKind::State));
        }

        // Down walks forward again, past the row that was "now", to the live end.
        for (qsizetype row = 1; row < qsizetype(items.size()); ++row) {
            QTest::keyClick(m_diagram, Qt::Key_Down);
            QCOMPARE(m_diagram->selectedEvent(), items[row].seq);
            QCOMPARE(context->cursor(), items[row].seq + 1);
        }
        QTest::keyClick(m_diagram, Qt::Key_Down);
        QCOMPARE(m_diagram->selectedEvent(), items.back().seq);
        // The selected row is on screen.
        const QRect row = m_diagram->rowRect(qsizetype(items.size()) - 1);
        QVERIFY(m_diagram->viewport()->rect().intersects(row));
    }

    void keyboardFocusIsShown()
    {
        const QColor frame = m_diagram->palette().color(QPalette::Highlight);
        const QPoint corner(1, m_diagram->viewport()->height() / 2);
        QCOMPARE(m_diagram->viewport()->grab().toImage().pixelColor(corner), frame);
        m_window->stage()->setFocus();
        QTRY_VERIFY(!m_diagram->hasFocus());
        QVERIFY(m_diagram->viewport()->grab().toImage().pixelColor(corner) != frame);
    }

    void enterOpensTheItemInTheInspector()
    {
        ViewContext *context = m_window->viewContext();
        for (int i = 0; i < 3; ++i)
            stepWith(Qt::Key_Space);
        auto *inspector = m_window->findChild<Inspector *>();
        QVERIFY(inspector);
        // Behind a tab (a dock behind a tab is moved out of sight, not hidden).
        QVERIFY(inspector->visibleRegion().isEmpty());
        // Back to the latest call (after it come the states and queues it caused).
        QTest::keyClick(m_diagram, Qt::Key_Up);
        while (m_diagram->selectedEvent() > 0 && !context->trace()->at(m_diagram->selectedEvent()).call())
            QTest::keyClick(m_diagram, Qt::Key_Up);
        const qint64 seq = m_diagram->selectedEvent();
        QVERIFY(seq >= 0);
        QVERIFY(context->trace()->at(seq).call());
        QSignalSpy activated(m_diagram, &SequenceDiagram::eventActivated);
        QTest::keyClick(m_diagram, Qt::Key_Return);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toLongLong(), seq);
        QTRY_VERIFY(!inspector->visibleRegion().isEmpty());
        QCOMPARE(inspector->shownEvent(), seq);
        QVERIFY(inspector->callText().contains(context->trace()->at(seq).call()->call));
    }

private:
    void stepWith(Qt::Key key)
    {
        ViewContext *context = m_window->viewContext();
        const int before = context->snapshot().stepsStarted;
        QTest::keyClick(m_diagram, key);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy() &&
                                     context->snapshot().stepsStarted == before + 1 &&
                                     context->cursor() == context->trace()->size(),
                                 10000);
    }

    std::unique_ptr<MainWindow> m_window;
    SequenceDiagram *m_diagram = nullptr;
};

QTEST_MAIN(TestSequenceDiagram)
#include "tst_sequencediagram.moc"
