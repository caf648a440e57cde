#include "player/player.h"

#include "trace/trace.h"

#include <QTimer>

Player::Player(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &Player::playNext);
}

Player::~Player() = default;

void Player::setTrace(Trace *trace, const Scenario &scenario)
{
    setPlaying(false);
    disconnect(m_appendConnection);
    m_trace = trace;
    m_scenario = scenario;
    m_knownSize = trace ? trace->size() : 0;
    m_cursor = m_knownSize;
    m_followLive = true;
    if (trace) {
        // Appends happen on actor threads: the queued connection brings them to this thread.
        m_appendConnection =
            connect(trace, &Trace::eventAppended, this, &Player::eventAppended, Qt::QueuedConnection);
        m_snapshot = SessionSnapshot::compute(m_scenario, *trace, m_cursor);
    } else {
        m_snapshot = SessionSnapshot{};
    }
    Q_EMIT traceReplaced();
    Q_EMIT cursorChanged(m_cursor);
}

Trace *Player::trace() const
{
    return m_trace;
}

bool Player::atLiveEnd() const
{
    // Following the live end, the cursor is there even while the last appends are on their way to
    // this thread: a key pressed then steps, rather than replaying the step's late reports.
    return !m_trace || m_cursor >= m_trace->size() || (m_followLive && m_cursor >= m_knownSize);
}

void Player::setInterval(int ms)
{
    m_interval = qMax(0, ms);
}

void Player::seek(qint64 cursor)
{
    if (!m_trace)
        return;
    const qint64 clamped = qBound<qint64>(0, cursor, m_trace->size());
    m_followLive = clamped == m_trace->size();
    moveTo(clamped);
}

void Player::moveTo(qint64 cursor)
{
    if (cursor == m_cursor)
        return;
    m_cursor = cursor;
    m_snapshot = SessionSnapshot::compute(m_scenario, *m_trace, cursor);
    Q_EMIT cursorChanged(cursor);
}

void Player::eventAppended()
{
    if (!m_trace)
        return;
    const qint64 size = m_trace->size();
    if (size == m_knownSize)
        return; // several appends arrive as one batch: the first delivery saw them all
    // A seek to the live end may have gone past what was told: still at the end.
    const bool following = m_followLive && m_cursor >= m_knownSize;
    m_knownSize = size;
    Q_EMIT traceGrew(size);
    if (following)
        moveTo(size);
}

void Player::stepForward()
{
    if (!atLiveEnd()) {
        replayForward();
        return;
    }
    if (m_snapshot.nextStep < 0) {
        // Only blocked calls are left: they complete when something else happens.
        setPlaying(false);
        return;
    }
    requestLiveStep({});
}

void Player::stepActor(const QString &actor)
{
    requestLiveStep(actor);
}

void Player::requestLiveStep(const QString &actor)
{
    if (!m_trace || m_busy)
        return;
    // A step runs where the trace ends, and what it appends is shown as it arrives.
    seek(m_trace->size());
    if (const QString why = heldBecause(actor); !why.isEmpty()) {
        setPlaying(false);
        Q_EMIT stepHeld(why);
        return;
    }
    Q_EMIT liveStepRequested(actor);
}

void Player::setStepGate(StepGate gate)
{
    m_gate = std::move(gate);
    refreshGate();
}

QString Player::heldBecause(const QString &actor) const
{
    if (!m_gate || !m_trace)
        return {};
    // The gate is asked about the live end, whatever the cursor shows.
    const SessionSnapshot live = m_cursor == m_trace->size()
                                     ? m_snapshot
                                     : SessionSnapshot::compute(m_scenario, *m_trace, m_trace->size());
    int step = live.nextStep;
    if (!actor.isEmpty()) {
        const SnapshotActor *who = live.actor(actor);
        step = who ? who->nextStep : -1;
    }
    return step < 0 ? QString() : m_gate(step);
}

void Player::refreshGate()
{
    Q_EMIT stepGateChanged();
}

void Player::stepBack()
{
    if (!m_trace)
        return;
    qint64 previous = -1;
    for (qint64 boundary : stepBoundaries(*m_trace)) {
        if (boundary < m_cursor)
            previous = boundary;
    }
    if (previous >= 0)
        seek(previous);
}

void Player::replayForward()
{
    if (!m_trace)
        return;
    for (qint64 boundary : stepBoundaries(*m_trace)) {
        if (boundary > m_cursor) {
            seek(boundary);
            return;
        }
    }
}

void Player::jumpToStep(int steps)
{
    if (!m_trace)
        return;
    const QList<qint64> marks = stepMarks(*m_trace);
    if (steps <= marks.size()) {
        // Step N ends where step N+1 begins (or at the end of what was recorded).
        seek(steps <= 0 ? 0 : (steps < marks.size() ? marks.at(steps) : m_trace->size()));
        return;
    }
    seek(m_trace->size());
    m_targetSteps = steps;
    if (!m_playing) {
        m_playing = true;
        Q_EMIT playingChanged(true);
    }
    // A step under way goes on towards the target when it finishes; else the next starts now.
    if (!m_busy) {
        m_timer->stop();
        playNext();
    }
}

void Player::setPlaying(bool playing)
{
    if (!playing) {
        m_timer->stop();
        m_targetSteps = -1;
    }
    if (playing == m_playing)
        return;
    m_playing = playing;
    Q_EMIT playingChanged(playing);
    if (playing && !m_busy)
        playNext();
}

void Player::reset()
{
    setPlaying(false);
    Q_EMIT resetRequested();
}

void Player::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void Player::liveStepFinished()
{
    if (!m_playing)
        return;
    const bool targetReached = m_targetSteps >= 0 && m_snapshot.stepsStarted >= m_targetSteps;
    if (m_snapshot.nextStep < 0 || targetReached) {
        // A jump runs at full speed; a run stops at the end.
        setPlaying(false);
        return;
    }
    m_timer->start(nextDelay());
}

int Player::nextDelay() const
{
    return m_targetSteps >= 0 ? 0 : m_interval;
}

void Player::playNext()
{
    if (!m_playing)
        return;
    if (!atLiveEnd()) {
        replayForward();
        m_timer->start(nextDelay());
        return;
    }
    if (m_snapshot.nextStep < 0) {
        setPlaying(false);
        return;
    }
    requestLiveStep({});
}
