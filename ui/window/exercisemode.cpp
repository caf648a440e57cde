#include "window/exercisemode.h"

#include "common/viewcontext.h"
#include "exercise/exercisepane.h"
#include "exercise/exercisesession.h"
#include "player/player.h"
#include "setup/sessioncontroller.h"
#include "window/mainwindow.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

namespace {

QString studentKey(const QString &student)
{
    // A file name from any name: the hash keeps accents, spaces and slashes out of it.
    return QString::fromLatin1(
        QCryptographicHash::hash(student.toUtf8(), QCryptographicHash::Sha256).toHex().left(12));
}

QString dataFolder(const QString &what)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u'/' + what;
    QDir().mkpath(folder);
    return folder;
}

} // namespace

ExerciseMode::ExerciseMode(MainWindow *window, ViewContext *context, SessionController *controller)
    : QObject(window)
    , m_window(window)
    , m_context(context)
    , m_controller(controller)
{
}

// The window ends student mode (end()) while its session still lives: by now the trace is gone.
ExerciseMode::~ExerciseMode() = default;

QString ExerciseMode::progressFile(const QString &exerciseId, const QString &student)
{
    return dataFolder(QStringLiteral("progress")) + u'/' + exerciseId + u'-' + studentKey(student) +
           QStringLiteral(".json");
}

QString ExerciseMode::finishedFile(const QString &exerciseId, const QString &student)
{
    return dataFolder(QStringLiteral("results")) + u'/' + exerciseId + u'-' + studentKey(student) +
           QStringLiteral(".json");
}

void ExerciseMode::begin(const Exercise &exercise)
{
    end();
    m_session = new ExerciseSession(exercise, this);
    m_finishedSaved = false;
    QFile saved(progressFile(exercise.id, exercise.student));
    if (saved.open(QIODevice::ReadOnly)) {
        QStringList order;
        const QString problem = m_session->restore(QJsonDocument::fromJson(saved.readAll()).object(), order);
        if (problem.isEmpty() && !order.isEmpty()) {
            m_replay = order;
            Q_EMIT message(QStringLiteral("Carrying on where you left off: %1 steps will be run again, your "
                                          "answers are kept.")
                               .arg(order.size()));
        } else if (!problem.isEmpty()) {
            Q_EMIT message(QStringLiteral("Starting afresh: ") + problem);
        }
    }
    m_pane = new ExercisePane(m_session, m_context, m_window);
    if (!m_dock)
        m_dock = m_window->addViewDock(m_pane, QStringLiteral("Exercise"), Qt::LeftDockWidgetArea);
    else
        m_dock->setWidget(m_pane);
    m_dock->show();
    m_dock->raise();
    connect(m_pane, &ExercisePane::saveRequested, this, &ExerciseMode::saveResultsDialog);
    connect(m_session, &ExerciseSession::changed, this, &ExerciseMode::saveProgress);
    connect(m_session, &ExerciseSession::changed, this, &ExerciseMode::checkFinished);
    connect(m_session, &ExerciseSession::changed, m_context->player(), &Player::refreshGate);
    Player *player = m_context->player();
    connect(player, &Player::busyChanged, m_session, &ExerciseSession::setBusy);
    connect(player, &Player::busyChanged, m_session, [this](bool busy) {
        if (!busy && !m_replay.isEmpty())
            replayNext();
    });
    // Run and jump-to-step stop at a held step: the status line says why.
    connect(player, &Player::stepHeld, m_session, [this](const QString &why) { Q_EMIT message(why); });
    ExerciseSession *session = m_session;
    player->setStepGate([session](int step) { return session->holds(step); });
}

void ExerciseMode::end()
{
    if (!m_session)
        return;
    saveProgress();
    m_context->player()->setStepGate({});
    // The dock stays (it is one of the window's, in its menus and saved layout), hidden and empty.
    if (m_dock) {
        m_dock->hide();
        delete m_dock->widget();
    }
    m_pane = nullptr;
    m_session->deleteLater();
    m_session = nullptr;
    m_replay.clear();
}

void ExerciseMode::sessionReady()
{
    if (!m_session)
        return;
    m_session->setRun(m_context->trace(),
                      tracejson::Header{m_context->scenario().id, m_context->mode(), m_context->capture(),
                                        m_context->modeDescription()});
    if (!m_replay.isEmpty())
        replayNext();
}

void ExerciseMode::replayNext()
{
    Player *player = m_context->player();
    if (m_replay.isEmpty() || player->isBusy() || !m_context->hasSession())
        return;
    player->stepActor(m_replay.takeFirst());
    if (m_replay.isEmpty())
        Q_EMIT message(QStringLiteral("Carried on where you left off."));
}

void ExerciseMode::saveProgress()
{
    if (!m_session || !m_replay.isEmpty())
        return; // while replaying, the saved progress is still the whole of it
    const QByteArray progress = QJsonDocument(m_session->progress()).toJson(QJsonDocument::Compact);
    if (progress == m_savedProgress)
        return;
    QSaveFile file(progressFile(m_session->exercise().id, m_session->exercise().student));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(progress);
        if (file.commit())
            m_savedProgress = progress;
    }
}

void ExerciseMode::checkFinished()
{
    if (!m_session || m_finishedSaved || !m_session->isComplete() || !m_replay.isEmpty())
        return;
    m_finishedSaved = true;
    const QString file = finishedFile(m_session->exercise().id, m_session->exercise().student);
    const QString problem = saveResults(file);
    Q_EMIT message(problem.isEmpty()
                       ? QStringLiteral("Finished: %1 of %2 right. Results saved to %3 (File → Save "
                                        "results… for a copy to hand in).")
                             .arg(m_session->score())
                             .arg(m_session->exercise().questions.size())
                             .arg(file)
                       : problem);
}

QString ExerciseMode::saveResults(const QString &fileName)
{
    if (!m_session || !m_session->trace())
        return QStringLiteral("No exercise is running.");
    return m_session->result().write(fileName);
}

void ExerciseMode::saveResultsDialog()
{
    if (!m_session)
        return;
    const Exercise &exercise = m_session->exercise();
    QString name = exercise.student;
    name.replace(QRegularExpression(QStringLiteral("[^\\w-]+")), QStringLiteral("-"));
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + u'/' +
                              name + u'-' + exercise.id + QStringLiteral(".json");
    auto *dialog = new QFileDialog(m_window, QStringLiteral("Save results"), suggested,
                                   QStringLiteral("Exercise results (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) {
        const QString problem = saveResults(file);
        if (problem.isEmpty()) {
            Q_EMIT message(QStringLiteral("Results saved to ") + file);
            return;
        }
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Cannot save the results"), problem,
                                    QMessageBox::Ok, m_window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    dialog->open();
}
