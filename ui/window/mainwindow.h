#pragma once

#include "scenario/scenario.h"

#include <QMainWindow>

#include <functional>
#include <optional>

class ControlsBar;
class ExerciseMode;
class NarrationView;
class SequenceDiagram;
class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class SessionController;
class Session;
class SocketTableView;
class StageView;
class ViewContext;

/// The classroom window: the stage in the middle, narration, sockets and the other views in docks,
/// the controls on a tool bar. Everything shown is a function of (trace, cursor).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// Opens with the scenario `idOrFile` (a built-in id or a file) ready to step.
    explicit MainWindow(const QString &idOrFile, QWidget *parent = nullptr);
    ~MainWindow() override;

    ViewContext *viewContext() const { return m_context; }
    SessionController *controller() const { return m_controller; }
    StageView *stage() const { return m_stage; }
    NarrationView *narration() const { return m_narration; }
    SocketTableView *socketTable() const { return m_socketTable; }
    ControlsBar *controls() const { return m_controls; }

    /// Puts `view` in a dock titled `title` (its object name, for the saved layout, is derived from
    /// the title unless `view` has one). The view lives as long as the window; it follows
    /// ViewContext::sessionChanged itself.
    QDockWidget *addViewDock(QWidget *view, const QString &title,
                             Qt::DockWidgetArea area = Qt::RightDockWidgetArea);
    /// Same, for a view built from one session: `make` is called now and again after every
    /// sessionChanged (new scenario or reset), and the previous widget is deleted.
    QDockWidget *addViewDock(const std::function<QWidget *(ViewContext &)> &make, const QString &title,
                             Qt::DockWidgetArea area = Qt::RightDockWidgetArea);
    /// The File → Export submenu, for exports that work. Hidden until it has an action.
    QMenu *exportMenu() const { return m_exportMenu; }
    /// Adds `action` to File → Export and shows the submenu.
    void addExportAction(QAction *action);

    /// Loads `idOrFile` and starts a session for it. On a bad file, shows the error in a dialog and
    /// keeps the current scenario; returns false then.
    bool openScenario(const QString &idOrFile);
    /// Opens the exercise `idOrFile` for `student` (asked for first when empty) in student mode:
    /// its pane beside the views, Step locked until a "before" question is answered. On a bad file,
    /// shows the error and keeps what is open; returns false then.
    bool openExercise(const QString &idOrFile, const QString &student = {});
    ExerciseMode *exerciseMode() const { return m_exerciseMode; }
    /// True once a session of the current scenario is ready to step.
    bool isReady() const { return m_ready; }

    void applyTheme(const QString &name);
    QString themeName() const { return m_themeName; }
    /// Scales every text of the window: 100 is the system size.
    void setZoom(int percent);
    int zoom() const { return m_zoom; }
    /// Full screen, large type, the stage and the narration first.
    void setPresentation(bool on);
    bool isPresenting() const { return m_presenting; }
    void resetLayout();
    /// Lays the docks out to fit a screen whose free area (without task bars) is `available`: on a
    /// short screen the right-hand views become one group of tabs. Called with the window's screen
    /// when it is made.
    void fitToScreen(const QSize &available);

Q_SIGNALS:
    /// A session is set up and the first step can be taken.
    void readyToStep();

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildMenus();
    void buildAnalysisDocks();
    void restoreLayout();
    void firstPainted();
    void buildDocks();
    void sessionReady(Session *session);
    void updateStatus();
    void openScenarioDialog();
    void startScenario(const Scenario &scenario);
    // Student mode (mainwindowexercise.cpp).
    void buildExerciseMenu(QMenu *file);
    void openExerciseDialog();
    void showExercisePicker();
    void askStudentThenOpen(const QString &idOrFile);
    void showPicker();
    void showAbout();
    QDockWidget *makeDock(const QString &title, Qt::DockWidgetArea area);

    ViewContext *m_context = nullptr;
    SessionController *m_controller = nullptr;
    StageView *m_stage = nullptr;
    NarrationView *m_narration = nullptr;
    SocketTableView *m_socketTable = nullptr;
    ControlsBar *m_controls = nullptr;
    ExerciseMode *m_exerciseMode = nullptr;
    SequenceDiagram *m_sequence = nullptr;
    QDockWidget *m_sequenceDock = nullptr;
    QDockWidget *m_codeDock = nullptr;
    QDockWidget *m_statesDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QMenu *m_exportMenu = nullptr;
    QMenu *m_docksMenu = nullptr;
    QLabel *m_modeLabel = nullptr;
    QActionGroup *m_themes = nullptr;
    QAction *m_presentationAction = nullptr;
    QString m_scenarioId;
    qreal m_basePointSize = 10;
    QByteArray m_defaultState;
    QByteArray m_normalState;
    QString m_themeName;
    int m_zoom = 100;
    int m_zoomBeforePresenting = 100;
    bool m_presenting = false;
    bool m_ready = false;
    bool m_painted = false;                    // the stage was painted once: what could wait may start
    std::optional<Scenario> m_pendingScenario; // opened before the first paint
    QList<QDockWidget *> m_docks;
};
