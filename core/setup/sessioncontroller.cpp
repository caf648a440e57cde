#include "setup/sessioncontroller.h"

#include "player/player.h"

#include <QThread>

SessionController::SessionController(SessionSetupOptions options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_thread(new QThread(this))
    , m_worker(new QObject)
{
    m_thread->setObjectName(QStringLiteral("session"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

SessionController::~SessionController()
{
    if (m_session)
        m_session->cancel();
    // The session was made on the session thread and its actors answer to it: end it there.
    Session *session = m_session.release();
    // The thread quits after the delete, not beside it: a quit() posted from here would end the
    // loop before a delete queued behind a step still running, and the session would leak.
    QMetaObject::invokeMethod(
        m_worker,
        [session, thread = m_thread] {
            delete session;
            thread->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait();
}

// What the session thread made (a session, a step's outcome) reaches the GUI thread through Qt's
// event queue, which orders the two threads. The thread sanitizer cannot see inside Qt, which is not
// built with it, and would take the GUI's first look at a new session for a race: both threads pass
// this lock, the sender after it made the value and the receiver before it reads it.
void SessionController::handOver()
{
    const std::lock_guard lock(m_handover);
}

void SessionController::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void SessionController::start(const Scenario &scenario)
{
    m_scenario = scenario;
    const quint64 generation = ++m_generation;
    if (m_session)
        m_session->cancel();
    setBusy(true);
    const SessionSetupOptions options = m_options;
    QMetaObject::invokeMethod(
        m_worker,
        [this, scenario, options, generation] {
            auto setup = std::make_shared<SessionSetup>(setUpSession(scenario, options));
            handOver();
            QMetaObject::invokeMethod(
                this,
                [this, setup, generation] {
                    handOver();
                    if (generation != m_generation) {
                        Session *stale = setup->session.release();
                        QMetaObject::invokeMethod(
                            m_worker, [stale] { delete stale; }, Qt::QueuedConnection);
                        return;
                    }
                    Session *old = m_session.release();
                    m_session = std::move(setup->session);
                    m_setup = std::move(*setup);
                    setBusy(false);
                    Q_EMIT sessionReady(m_session.get());
                    if (old)
                        QMetaObject::invokeMethod(
                            m_worker, [old] { delete old; }, Qt::QueuedConnection);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

// The scenario last asked for, which may still be being set up: a reset then must not bring back
// the session on screen.
void SessionController::reset()
{
    if (m_session || m_busy)
        start(m_scenario);
}

bool SessionController::step()
{
    return runStep({});
}

bool SessionController::stepActor(const QString &actor)
{
    return runStep(actor);
}

void SessionController::cancel()
{
    if (m_session)
        m_session->cancel();
}

void SessionController::serve(Player *player)
{
    connect(player, &Player::liveStepRequested, this, &SessionController::stepActor);
    connect(player, &Player::resetRequested, this, &SessionController::reset);
    connect(this, &SessionController::busyChanged, player, &Player::setBusy);
    connect(this, &SessionController::stepFinished, player, &Player::liveStepFinished);
    player->setBusy(m_busy);
}

bool SessionController::runStep(const QString &actor)
{
    if (m_busy || !m_session)
        return false;
    setBusy(true);
    Session *session = m_session.get();
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        m_worker,
        [this, session, actor, generation] {
            const StepOutcome outcome = actor.isEmpty() ? session->step() : session->stepActor(actor);
            handOver();
            QMetaObject::invokeMethod(
                this,
                [this, outcome, generation] {
                    handOver();
                    if (generation != m_generation)
                        return;
                    setBusy(false);
                    Q_EMIT stepFinished(outcome);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return true;
}
