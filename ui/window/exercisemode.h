#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class ExercisePane;
class ExerciseSession;
class MainWindow;
class QDockWidget;
class SessionController;
class ViewContext;
struct Exercise;

/// Student mode: an exercise's questions beside the views, the Step lock of its "before"
/// questions, the results file and the progress that lets a student close the window and carry on.
///
/// The exercise runs its scenario like any other (the window's controller, the same views); this
/// object adds the exercise's pane and tells the Player which live steps must wait.
class ExerciseMode : public QObject
{
    Q_OBJECT
public:
    ExerciseMode(MainWindow *window, ViewContext *context, SessionController *controller);
    ~ExerciseMode() override;

    bool isActive() const { return m_session != nullptr; }
    ExerciseSession *session() const { return m_session; }
    ExercisePane *pane() const { return m_pane; }
    QDockWidget *dock() const { return m_dock; }

    /// Starts student mode on `exercise` (loaded for its student). The window then starts the
    /// exercise's scenario.
    void begin(const Exercise &exercise);
    /// Student mode ends (another scenario was opened); the progress stays saved.
    void end();
    /// A new live session is ready: the pane reads it, and saved progress is replayed on it.
    void sessionReady();
    /// Writes the result file. Returns why it could not, or empty.
    QString saveResults(const QString &fileName);
    /// Asks for a file name and saves.
    void saveResultsDialog();

    /// Where the progress of `exerciseId` for `student` is kept.
    static QString progressFile(const QString &exerciseId, const QString &student);
    /// Where a finished exercise's results are written without asking.
    static QString finishedFile(const QString &exerciseId, const QString &student);

Q_SIGNALS:
    /// A sentence for the status line ("Results saved to …", "Carrying on: replaying 6 steps…").
    void message(const QString &text);

private:
    void saveProgress();
    void replayNext();
    void checkFinished();

    MainWindow *m_window;
    ViewContext *m_context;
    SessionController *m_controller;
    ExerciseSession *m_session = nullptr;
    ExercisePane *m_pane = nullptr;
    QDockWidget *m_dock = nullptr;
    QStringList m_replay; // actors still to step to carry on where the student left off
    QByteArray m_savedProgress;
    bool m_finishedSaved = false;
};
