#include "window/mainwindow.h"

#include "code/codeview.h"
#include "common/viewcontext.h"
#include "controls/controlsbar.h"
#include "engine/session.h"
#include "inspector/inspector.h"
#include "narration/narrationview.h"
#include "player/player.h"
#include "scenario/scenarioloader.h"
#include "sequence/sequencediagram.h"
#include "setup/sessioncontroller.h"
#include "sockets/sockettableview.h"
#include "stage/stageview.h"
#include "states/statemachineview.h"
#include "theme/contraststyle.h"
#include "theme/theme.h"
#include "window/exercisemode.h"
#include "window/exporter.h"
#include "window/scenariopicker.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

namespace {

constexpr int MinZoom = 50;
constexpr int MaxZoom = 300;
constexpr int PresentationZoom = 160;
constexpr int LayoutVersion = 1;

QString dockName(const QString &title)
{
    QString name;
    for (const QChar c : title) {
        if (c.isLetterOrNumber())
            name += c.toLower();
    }
    return name + QStringLiteral("Dock");
}

} // namespace

MainWindow::MainWindow(const QString &idOrFile, QWidget *parent)
    : QMainWindow(parent)
    , m_context(new ViewContext(this))
    , m_controller(new SessionController({}, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("SocketScope"));
    m_basePointSize = font().pointSizeF() > 0 ? font().pointSizeF() : 10;

    m_stage = new StageView(m_context, this);
    setCentralWidget(m_stage);
    m_controller->serve(m_context->player());
    m_controls = new ControlsBar(m_context, this);
    auto *toolBar = new QToolBar(QStringLiteral("Controls"), this);
    toolBar->setObjectName(QStringLiteral("controlsToolBar"));
    toolBar->setAccessibleName(QStringLiteral("Controls"));
    toolBar->addWidget(m_controls);
    addToolBar(Qt::TopToolBarArea, toolBar);
    m_stage->setAnimationMs(m_controls->animationMs());
    connect(m_controls, &ControlsBar::speedChanged, this,
            [this] { m_stage->setAnimationMs(m_controls->animationMs()); });

    // The right-hand views run the full height beside stage and narration: the window then fits a
    // 1280x720 projector.
    m_exerciseMode = new ExerciseMode(this, m_context, m_controller);
    connect(m_exerciseMode, &ExerciseMode::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    buildDocks();
    buildMenus();
    buildAnalysisDocks();
    m_modeLabel = new QLabel(this);
    m_modeLabel->setObjectName(QStringLiteral("modeLabel"));
    m_modeLabel->setAccessibleName(QStringLiteral("Mode"));
    m_modeLabel->setTextFormat(Qt::PlainText);
    statusBar()->addWidget(m_modeLabel, 1);
    connect(m_controller, &SessionController::sessionReady, this, &MainWindow::sessionReady);
    connect(m_controller, &SessionController::busyChanged, this, &MainWindow::updateStatus);

    restoreLayout();

    if (!openScenario(idOrFile) && idOrFile != QLatin1String("tcp-echo"))
        openScenario(QStringLiteral("tcp-echo"));
    updateStatus();
    // Nothing that can wait runs before the window is on screen: the session (the sandbox helper
    // is forked then) and the views behind tabs follow the stage's first paint.
    m_stage->installEventFilter(this);
}

// The analysis views, two tabbed pairs on the right, and what File → Export offers. The code view and
// the inspector start behind a tab: their docks are here for the first paint, their views are made
// right after it.
void MainWindow::buildAnalysisDocks()
{
    m_sequence = new SequenceDiagram(*m_context, this);
    m_sequenceDock = addViewDock(m_sequence, QStringLiteral("Sequence diagram"), Qt::RightDockWidgetArea);
    m_codeDock = makeDock(QStringLiteral("Code"), Qt::RightDockWidgetArea);
    m_statesDock = addViewDock(new StateMachineView(*m_context, this), QStringLiteral("TCP states"),
                               Qt::RightDockWidgetArea);
    m_inspectorDock = makeDock(QStringLiteral("Inspector"), Qt::RightDockWidgetArea);
    tabifyDockWidget(m_sequenceDock, m_codeDock);
    tabifyDockWidget(m_statesDock, m_inspectorDock);
    m_sequenceDock->raise();
    m_statesDock->raise();
    const auto *exporter = new Exporter(*m_context, m_sequence, this);
    for (QAction *action : exporter->actions())
        addExportAction(action);
    connect(m_sequence, &SequenceDiagram::eventActivated, this, [this] {
        if (m_inspectorDock->isHidden())
            m_inspectorDock->show();
        m_inspectorDock->raise();
    });
}

// The window's size and docks for this screen, then what the user had saved.
void MainWindow::restoreLayout()
{
    const QSize available = screen() ? screen()->availableGeometry().size() : QSize(1280, 720);
    // All of a projector's 1280x720, and as much of a larger screen as a class can read at once.
    resize(qMin(available.width(), qBound(1280, available.width() * 5 / 6, 1680)),
           qMin(available.height(), qBound(720, available.height() * 5 / 6, 1050)));
    fitToScreen(available);
    // Half the width for the views on the right; the narration, read aloud in class, gets as much
    // of the bottom as the socket table.
    auto *narration = findChild<QDockWidget *>(dockName(QStringLiteral("Narration")));
    auto *sockets = findChild<QDockWidget *>(dockName(QStringLiteral("Sockets")));
    resizeDocks({m_sequenceDock, narration, sockets}, {width() / 2, width() / 4, width() / 4},
                Qt::Horizontal);
    if (!tabifiedDockWidgets(m_sequenceDock).contains(m_statesDock))
        resizeDocks({m_sequenceDock, m_statesDock}, {height() / 2, height() / 2}, Qt::Vertical);
    m_defaultState = saveState(LayoutVersion);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), LayoutVersion);
    // A layout saved on a tall screen may not fit this one (a projector, say).
    fitToScreen(available);
    applyTheme(settings.value(QStringLiteral("window/theme"), QStringLiteral("light")).toString());
    setZoom(settings.value(QStringLiteral("window/zoom"), 100).toInt());
    m_controls->setSpeed(settings.value(QStringLiteral("window/speed"), 2).toInt());
}

MainWindow::~MainWindow()
{
    // The session goes first, while no view is asked to look at it any more.
    m_context->blockSignals(true);
    m_exerciseMode->end(); // its progress is saved while the trace it reads still exists
    delete m_controller;
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_stage && event->type() == QEvent::Paint && !m_painted) {
        m_stage->removeEventFilter(this);
        // Queued: the rest of the window is painted and flushed first.
        QMetaObject::invokeMethod(this, &MainWindow::firstPainted, Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::firstPainted()
{
    if (m_painted)
        return;
    m_painted = true;
    // The session is set up on its own thread while this one builds the views behind the tabs.
    if (m_pendingScenario) {
        m_controller->start(*m_pendingScenario);
        m_pendingScenario.reset();
    }
    auto placeView = [](QDockWidget *dock, QWidget *view) {
        if (view->accessibleName().isEmpty())
            view->setAccessibleName(dock->windowTitle());
        dock->setWidget(view);
    };
    placeView(m_codeDock, new CodeView(*m_context, this));
    placeView(m_inspectorDock, new Inspector(*m_context, this));
    updateStatus();
}

QDockWidget *MainWindow::makeDock(const QString &title, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(dockName(title));
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    m_docks.append(dock);
    if (m_docksMenu)
        m_docksMenu->addAction(dock->toggleViewAction());
    return dock;
}

QDockWidget *MainWindow::addViewDock(QWidget *view, const QString &title, Qt::DockWidgetArea area)
{
    QDockWidget *dock = makeDock(title, area);
    if (view->accessibleName().isEmpty())
        view->setAccessibleName(title);
    dock->setWidget(view);
    return dock;
}

QDockWidget *MainWindow::addViewDock(const std::function<QWidget *(ViewContext &)> &make,
                                     const QString &title, Qt::DockWidgetArea area)
{
    QDockWidget *dock = addViewDock(make(*m_context), title, area);
    connect(m_context, &ViewContext::sessionChanged, dock, [dock, make, this, title] {
        QWidget *old = dock->widget();
        QWidget *view = make(*m_context);
        if (view->accessibleName().isEmpty())
            view->setAccessibleName(title);
        dock->setWidget(view);
        delete old;
    });
    return dock;
}

void MainWindow::addExportAction(QAction *action)
{
    m_exportMenu->addAction(action);
    m_exportMenu->menuAction()->setVisible(true);
}

void MainWindow::buildDocks()
{
    m_narration = new NarrationView(m_context, this);
    // A long narration in a short dock scrolls rather than being cut off.
    auto *narrationScroll = new QScrollArea(this);
    narrationScroll->setObjectName(QStringLiteral("narrationScroll"));
    narrationScroll->setWidget(m_narration);
    narrationScroll->setWidgetResizable(true);
    narrationScroll->setFrameShape(QFrame::NoFrame);
    narrationScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    narrationScroll->setAccessibleName(QStringLiteral("Narration"));
    addViewDock(narrationScroll, QStringLiteral("Narration"), Qt::BottomDockWidgetArea);
    m_socketTable = new SocketTableView(m_context, this);
    addViewDock(m_socketTable, QStringLiteral("Sockets"), Qt::BottomDockWidgetArea);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *open = file->addAction(QStringLiteral("&Open scenario…"), this, &MainWindow::openScenarioDialog);
    open->setShortcut(QKeySequence::Open);
    QAction *choose =
        file->addAction(QStringLiteral("&Choose a built-in scenario…"), this, &MainWindow::showPicker);
    choose->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    QMenu *builtins = file->addMenu(QStringLiteral("&Built-in scenarios"));
    builtins->setToolTipsVisible(true);
    // Filled when first opened: reading every scenario file would delay the first paint.
    connect(builtins, &QMenu::aboutToShow, this, [this, builtins] {
        if (!builtins->isEmpty())
            return;
        for (const QString &id : ScenarioLoader::builtinIds()) {
            const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
            if (!loaded.ok())
                continue;
            QAction *action = builtins->addAction(loaded.scenario.title + QStringLiteral("  (") +
                                                  loaded.scenario.level + u')');
            action->setToolTip(loaded.scenario.tags.join(QStringLiteral(", ")));
            connect(action, &QAction::triggered, this, [this, id] { openScenario(id); });
        }
    });
    buildExerciseMenu(file);
    m_exportMenu = file->addMenu(QStringLiteral("&Export"));
    m_exportMenu->menuAction()->setVisible(false);
    file->addSeparator();
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    m_docksMenu = view->addMenu(QStringLiteral("&Docks"));
    for (QDockWidget *dock : std::as_const(m_docks))
        m_docksMenu->addAction(dock->toggleViewAction());
    view->addAction(QStringLiteral("&Reset layout"), this, &MainWindow::resetLayout);
    view->addSeparator();
    QMenu *themes = view->addMenu(QStringLiteral("&Theme"));
    m_themes = new QActionGroup(this);
    for (const QString &name : Theme::names()) {
        QAction *action = themes->addAction(Theme::named(name).title);
        action->setCheckable(true);
        action->setData(name);
        m_themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, name] { applyTheme(name); });
    }
    QAction *zoomIn = view->addAction(QStringLiteral("Zoom &in"), this, [this] { setZoom(m_zoom + 10); });
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction *zoomOut = view->addAction(QStringLiteral("Zoom &out"), this, [this] { setZoom(m_zoom - 10); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction *zoomReset = view->addAction(QStringLiteral("&Actual size"), this, [this] { setZoom(100); });
    zoomReset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_presentationAction = view->addAction(QStringLiteral("&Presentation mode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(Qt::Key_F11);
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentation);

    QMenu *session = menuBar()->addMenu(QStringLiteral("&Session"));
    session->addAction(m_controls->stepAction());
    session->addAction(m_controls->backAction());
    session->addAction(m_controls->forwardAction());
    session->addAction(m_controls->runAction());
    session->addAction(m_controls->resetAction());
    // The window holds the actions too, so their keys work while menus and tool bar are hidden.
    addActions({m_controls->stepAction(), m_controls->backAction(), m_controls->forwardAction(),
                m_controls->runAction(), m_controls->resetAction(), zoomIn, zoomOut, zoomReset,
                m_presentationAction});

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About SocketScope"), this, &MainWindow::showAbout);
}

void MainWindow::sessionReady(Session *session)
{
    const SessionSetup &setup = m_controller->setup();
    m_context->setSession(&session->trace(), session->scenario(), setup.mode, setup.capture,
                          setup.description);
    if (!m_exerciseMode->isActive())
        setWindowTitle(session->scenario().title + QStringLiteral(" — SocketScope"));
    m_exerciseMode->sessionReady();
    m_ready = true;
    updateStatus();
    Q_EMIT readyToStep();
}

void MainWindow::updateStatus()
{
    if (!m_modeLabel)
        return;
    QString text;
    if (!m_context->hasSession())
        text = QStringLiteral("Starting the sandbox…");
    else if (m_context->mode() == QLatin1String("sandbox"))
        text = QStringLiteral("Sandbox (private network namespace)") +
               (m_context->capture() ? QStringLiteral(", packets captured")
                                     : QStringLiteral(", packets not captured"));
    else
        text = QStringLiteral("Host loopback");
    if (!m_context->modeDescription().isEmpty())
        text += QStringLiteral(" — ") + m_context->modeDescription();
    if (m_controller->isBusy() && m_context->hasSession())
        text += QStringLiteral("  ·  the kernel is working…");
    m_modeLabel->setText(text);
    m_modeLabel->setToolTip(text); // the whole sentence, when the window is too narrow for it
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(
        QMessageBox::Information, QStringLiteral("About SocketScope"),
        QStringLiteral("SocketScope steps through real socket calls on loopback and shows what "
                       "the kernel did: the packets, the states, the queues, the results."),
        QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::applyTheme(const QString &name)
{
    const Theme theme = Theme::named(name);
    m_themeName = theme.name;
    setPalette(theme.palette());
    ContrastStyle::followTheme(theme);
    m_stage->setTheme(theme);
    for (QAction *action : m_themes->actions())
        action->setChecked(action->data().toString() == m_themeName);
}

void MainWindow::setZoom(int percent)
{
    m_zoom = qBound(MinZoom, percent, MaxZoom);
    QFont f = font();
    f.setPointSizeF(m_basePointSize * m_zoom / 100.0);
    setFont(f);
}

void MainWindow::setPresentation(bool on)
{
    if (on == m_presenting)
        return;
    m_presenting = on;
    m_presentationAction->setChecked(on);
    if (on) {
        m_normalState = saveState(LayoutVersion);
        m_zoomBeforePresenting = m_zoom;
        for (QDockWidget *dock : std::as_const(m_docks))
            dock->setVisible(dock->objectName() == dockName(QStringLiteral("Narration")));
        menuBar()->hide();
        statusBar()->hide();
        setZoom(qMax(m_zoom, PresentationZoom));
        showFullScreen();
        // The stage comes first: the narration gets a quarter of the screen.
        if (auto *narration = findChild<QDockWidget *>(dockName(QStringLiteral("Narration"))))
            resizeDocks({narration}, {screen()->size().height() / 4}, Qt::Vertical);
    } else {
        menuBar()->show();
        statusBar()->show();
        setZoom(m_zoomBeforePresenting);
        restoreState(m_normalState, LayoutVersion);
        showNormal();
    }
}

void MainWindow::fitToScreen(const QSize &available)
{
    // Below this height two tabbed pairs on the right, one above the other, leave each too little
    // room; one group of four tabs runs the full height instead.
    constexpr int ShortScreen = 900;
    if (available.height() >= ShortScreen && minimumSizeHint().height() <= available.height())
        return;
    const QList<QDockWidget *> column = {m_sequenceDock, m_codeDock, m_statesDock, m_inspectorDock};
    for (QDockWidget *dock : column) {
        if (dock->isFloating() || dockWidgetArea(dock) != Qt::RightDockWidgetArea)
            return; // the user laid it out differently: leave it so
    }
    for (QDockWidget *dock : column.mid(1)) {
        if (!tabifiedDockWidgets(m_sequenceDock).contains(dock))
            tabifyDockWidget(m_sequenceDock, dock);
    }
    m_sequenceDock->raise();
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultState, LayoutVersion);
    for (QDockWidget *dock : std::as_const(m_docks)) {
        if (!dock->isFloating())
            dock->show();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_presenting)
        setPresentation(false);
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(LayoutVersion));
    settings.setValue(QStringLiteral("window/theme"), m_themeName);
    settings.setValue(QStringLiteral("window/zoom"), m_zoom);
    settings.setValue(QStringLiteral("window/speed"), m_controls->speed());
    m_controller->cancel();
    QMainWindow::closeEvent(event);
}
