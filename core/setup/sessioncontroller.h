#pragma once

#include "engine/session.h"
#include "scenario/scenario.h"
#include "setup/sessionsetup.h"

#include <QObject>

#include <memory>
#include <mutex>

class Player;
class QThread;

/// Runs a Session on its own thread so that the thread that asks for steps never waits.
///
/// The session is set up, stepped and destroyed on the controller's thread; every request returns
/// at once and its outcome comes back as a signal on the thread that owns the controller. A new
/// session (start(), reset()) replaces the old one only after sessionReady was delivered, so a view
/// never holds a pointer into a trace that is gone.
class SessionController : public QObject
{
    Q_OBJECT
public:
    explicit SessionController(SessionSetupOptions options = {}, QObject *parent = nullptr);
    ~SessionController() override;

    /// The session being stepped (owned by the controller), null until the first sessionReady.
    Session *session() const { return m_session.get(); }
    const SessionSetup &setup() const { return m_setup; }
    /// A step or a setup is running on the session thread.
    bool isBusy() const { return m_busy; }

    /// Sets up a new session for `scenario`; the current one is cancelled and, once the new one is
    /// ready, destroyed.
    void start(const Scenario &scenario);
    /// Starts the current scenario anew.
    void reset();
    /// The next step in script order. Ignored (returns false) while busy or without a session.
    bool step();
    /// The next step of `actor`.
    bool stepActor(const QString &actor);
    /// Wakes every blocked call of the session (when the window closes). Its steps end cancelled.
    void cancel();

    /// Answers `player`: runs the live steps and the resets it asks for, and tells it when the
    /// session is busy and when a step finished. The new trace is the player's owner's to give it.
    void serve(Player *player);

Q_SIGNALS:
    /// A new session is ready to step; the previous one (if any) is destroyed right after.
    void sessionReady(Session *session);
    void stepFinished(const StepOutcome &outcome);
    void busyChanged(bool busy);

private:
    void setBusy(bool busy);
    void handOver();
    bool runStep(const QString &actor);

    SessionSetupOptions m_options;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr; // lives on m_thread: the target of queued requests
    std::unique_ptr<Session> m_session;
    SessionSetup m_setup; // mode, capture, description of m_session (session moved out)
    bool m_busy = false;
    Scenario m_scenario;      // the scenario last started: what reset() starts anew
    quint64 m_generation = 0; // drops outcomes of a session that was replaced
    std::mutex m_handover;    // see handOver()
};
