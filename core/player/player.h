#pragma once

#include "projections/sessionsnapshot.h"
#include "scenario/scenario.h"

#include <QObject>
#include <QPointer>

#include <functional>

class QTimer;
class Trace;

/// "Now" in a trace, and the rules of time travel: the one place the cursor moves.
///
/// The cursor (0 = before the first event, size = the live end) selects what every view shows.
/// Stepping back, the timeline and a click only move it, to a step boundary or an event; stepping
/// forward in the past replays the recorded events up to the next step boundary; stepping forward
/// at the live end runs a real call. While the cursor is at the live end it follows the trace as
/// events arrive. Playing steps on its own at a chosen interval and stops at the end; a jump to a
/// step that has not run yet plays at full speed up to it.
///
/// The player runs no call itself and knows nothing of the engine, so that what reads it links
/// only the trace and the projections. At the live end it emits liveStepRequested and waits; the
/// session controller (SessionController::serve) answers by running the step on the session
/// thread, tells the player setBusy() while it works and liveStepFinished() when the step's
/// events are in. A reset is asked for the same way (resetRequested); the new trace arrives
/// through setTrace(). Lives on the GUI thread; the trace may grow on any thread.
class Player : public QObject
{
    Q_OBJECT
public:
    explicit Player(QObject *parent = nullptr);
    ~Player() override;

    /// Shows `trace` (null: none) of `scenario` from its live end; stops playing.
    void setTrace(Trace *trace, const Scenario &scenario);
    Trace *trace() const;
    const Scenario &scenario() const { return m_scenario; }

    qint64 cursor() const { return m_cursor; }
    /// The world at the cursor (recomputed when the cursor moves or the trace grows at it).
    const SessionSnapshot &snapshot() const { return m_snapshot; }
    /// Nothing recorded lies after the cursor: a step forward runs a real call.
    bool atLiveEnd() const;
    /// The live side is running a call or setting up a session: no live step can start.
    bool isBusy() const { return m_busy; }
    bool isPlaying() const { return m_playing; }
    /// The pause between two steps while playing, in milliseconds.
    int interval() const { return m_interval; }
    void setInterval(int ms);

    /// Moves the cursor to `cursor` (clamped to 0..size); at size it follows the live end.
    void seek(qint64 cursor);
    /// In the past: replays to the next step boundary. At the live end: asks for the next step in
    /// script order, unless no step is left (then only blocked calls remain, and playing stops).
    void stepForward();
    /// The next step of `actor`, from the live end (the cursor goes there first).
    void stepActor(const QString &actor);
    /// Moves the cursor to the previous step boundary.
    void stepBack();
    /// Moves the cursor to the next step boundary; never runs a call.
    void replayForward();
    /// Shows the state after `steps` steps: seeks when they ran, else plays up to there.
    void jumpToStep(int steps);
    void setPlaying(bool playing);
    void play() { setPlaying(true); }
    void pause() { setPlaying(false); }
    /// Stops playing and asks for a new session.
    void reset();

    /// Something that may hold a live step back: given the scenario step a live step would run,
    /// why it must wait (an exercise's question that waits for its answer), or empty.
    using StepGate = std::function<QString(int step)>;
    void setStepGate(StepGate gate);
    /// Why the next live step of `actor` (empty: the next in script order) must wait now, or empty.
    QString heldBecause(const QString &actor = {}) const;
    /// What the gate says may have changed (an answer was given): the controls look again.
    void refreshGate();

    /// The live side started or ended a call (or a session's setup).
    void setBusy(bool busy);
    /// The live step asked for has run and its events are in the trace.
    void liveStepFinished();

Q_SIGNALS:
    /// A new trace is shown (setTrace): drop what was taken from the one before.
    void traceReplaced();
    void cursorChanged(qint64 cursor);
    /// Events were appended (delivered on the player's thread); `size` is the trace's new size.
    void traceGrew(qint64 size);
    void busyChanged(bool busy);
    void playingChanged(bool playing);
    /// Run the next step of `actor` for real (empty: the next in script order).
    void liveStepRequested(const QString &actor);
    void resetRequested();
    /// A live step was asked for and the gate held it back (playing stops).
    void stepHeld(const QString &why);
    /// The gate may answer differently now.
    void stepGateChanged();

private:
    void moveTo(qint64 cursor);
    void eventAppended();
    void playNext();
    void requestLiveStep(const QString &actor);
    int nextDelay() const;

    QPointer<Trace> m_trace;
    Scenario m_scenario;
    SessionSnapshot m_snapshot;
    qint64 m_cursor = 0;
    qint64 m_knownSize = 0;   // the size the last traceGrew told
    bool m_followLive = true; // the cursor was put at the live end: it stays there as events arrive
    bool m_busy = false;
    bool m_playing = false;
    int m_interval = 1400;
    int m_targetSteps = -1; // jumpToStep() beyond the recorded steps: play up to this
    QTimer *m_timer;
    QMetaObject::Connection m_appendConnection;
    StepGate m_gate;
};
