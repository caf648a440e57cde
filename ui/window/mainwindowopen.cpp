// What the main window opens: a scenario, or an exercise in student mode (with the student's name
// asked first), and the menu entries for them.
#include "window/mainwindow.h"

#include "common/viewcontext.h"
#include "exercise/exerciseloader.h"
#include "exercise/exercisesession.h"
#include "player/player.h"
#include "scenario/scenarioloader.h"
#include "setup/sessioncontroller.h"
#include "window/exercisemode.h"
#include "window/scenariopicker.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>

namespace {

const QString StudentKey = QStringLiteral("exercise/student");

} // namespace

void MainWindow::buildExerciseMenu(QMenu *file)
{
    file->addSeparator();
    QAction *open = file->addAction(QStringLiteral("Open e&xercise…"), this, &MainWindow::openExerciseDialog);
    open->setObjectName(QStringLiteral("openExerciseAction"));
    QAction *choose = file->addAction(QStringLiteral("Choose a built-in exe&rcise…"), this,
                                      &MainWindow::showExercisePicker);
    choose->setObjectName(QStringLiteral("chooseExerciseAction"));
    choose->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction *save =
        file->addAction(QStringLiteral("Save &results…"), m_exerciseMode, &ExerciseMode::saveResultsDialog);
    save->setObjectName(QStringLiteral("saveResultsAction"));
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(file, &QMenu::aboutToShow, save, [this, save] { save->setEnabled(m_exerciseMode->isActive()); });
    addActions({choose, save});
    file->addSeparator();
}

bool MainWindow::openExercise(const QString &idOrFile, const QString &student)
{
    if (student.trimmed().isEmpty()) {
        askStudentThenOpen(idOrFile);
        return true;
    }
    const ExerciseLoadResult loaded = ExerciseLoader::load(idOrFile, student.trimmed());
    if (!loaded.ok()) {
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Cannot open the exercise"),
                                    loaded.error.toString(), QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("exerciseError"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    QSettings().setValue(StudentKey, loaded.exercise.student);
    m_exerciseMode->begin(loaded.exercise);
    startScenario(loaded.exercise.scenario);
    setWindowTitle(QStringLiteral("Exercise: %1 (%2) — SocketScope")
                       .arg(loaded.exercise.title, loaded.exercise.student));
    return true;
}

// Each student's variant is drawn from the name, so the name comes before the exercise.
void MainWindow::askStudentThenOpen(const QString &idOrFile)
{
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("studentNameDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("Your name"));
    dialog->setLabelText(
        QStringLiteral("Your name, as your teacher will read it (your variant of the exercise is "
                       "drawn from it):"));
    dialog->setTextValue(QSettings().value(StudentKey).toString());
    connect(dialog, &QInputDialog::textValueSelected, this, [this, idOrFile](const QString &name) {
        if (!name.trimmed().isEmpty())
            openExercise(idOrFile, name);
    });
    dialog->open();
}

void MainWindow::openExerciseDialog()
{
    auto *dialog = new QFileDialog(this, QStringLiteral("Open exercise"), QString(),
                                   QStringLiteral("Exercises (*.json);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString &file) { askStudentThenOpen(file); });
    dialog->open();
}

void MainWindow::showExercisePicker()
{
    const QString current = m_exerciseMode->isActive() ? m_exerciseMode->session()->exercise().id : QString();
    auto *picker = new ScenarioPicker(current, this, ScenarioPicker::Kind::Exercises);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    picker->setStudent(QSettings().value(StudentKey).toString());
    connect(picker, &ScenarioPicker::chosen, this,
            [this, picker](const QString &id) { openExercise(id, picker->student()); });
    picker->open();
}

bool MainWindow::openScenario(const QString &idOrFile)
{
    const ScenarioLoadResult loaded = ScenarioLoader::load(idOrFile);
    if (!loaded.ok()) {
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Cannot open the scenario"),
                                    loaded.error.toString(), QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("scenarioError"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    m_exerciseMode->end();
    startScenario(loaded.scenario);
    return true;
}

void MainWindow::startScenario(const Scenario &scenario)
{
    m_context->player()->pause();
    m_scenarioId = scenario.id;
    m_ready = false;
    setWindowTitle(scenario.title + QStringLiteral(" — SocketScope"));
    if (m_painted)
        m_controller->start(scenario);
    else
        m_pendingScenario = scenario;
    updateStatus();
}

void MainWindow::openScenarioDialog()
{
    auto *dialog = new QFileDialog(this, QStringLiteral("Open scenario"), QString(),
                                   QStringLiteral("Scenarios (*.json);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) { openScenario(file); });
    dialog->open();
}

void MainWindow::showPicker()
{
    auto *picker = new ScenarioPicker(m_scenarioId, this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    connect(picker, &ScenarioPicker::chosen, this, [this](const QString &id) { openScenario(id); });
    picker->open();
}
