#pragma once

#include "scenario/scenario.h"

#include <QObject>

class Player;
class Trace;
struct SessionSnapshot;

/// What every view of the window shares: the trace and scenario of the session shown, the Player
/// that holds "now", and the selection. Lives on the GUI thread.
///
/// A view takes the context (or just `trace()` and `scenario()`) and repaints on cursorChanged.
/// When sessionChanged is emitted, the old trace is gone: drop every pointer into it and rebuild
/// from `trace()`. Views never step the session and never move the cursor themselves: they ask
/// the player (a click seeks, a key steps), and may change the selection.
class ViewContext : public QObject
{
    Q_OBJECT
public:
    explicit ViewContext(QObject *parent = nullptr);
    ~ViewContext() override;

    /// A session is shown; false while a new one is being set up.
    bool hasSession() const { return m_trace != nullptr; }
    /// Its trace; null while there is no session.
    Trace *trace() const { return m_trace; }
    const Scenario &scenario() const { return m_scenario; }
    /// "sandbox" or "host", whether packets are captured, and a sentence saying why.
    QString mode() const { return m_mode; }
    bool capture() const { return m_capture; }
    QString modeDescription() const { return m_modeDescription; }

    /// Holds the cursor and the rules of stepping; ask it to move "now".
    Player *player() const { return m_player; }
    /// "Now": events [0, cursor) are shown. Same as player()->cursor().
    qint64 cursor() const;
    /// The world at the cursor (recomputed when the cursor moves or the trace grows at it).
    const SessionSnapshot &snapshot() const;

    QString selectedSocket() const { return m_selectedSocket; }
    /// Seq of the selected event, -1 when none.
    qint64 selectedEvent() const { return m_selectedEvent; }

    void selectSocket(const QString &name);
    void selectEvent(qint64 seq);

    /// Called by the window when a session is ready (or with a null trace while one is set up):
    /// the player shows `trace` from its live end.
    void setSession(Trace *trace, const Scenario &scenario, const QString &mode, bool capture,
                    const QString &description);

Q_SIGNALS:
    /// A new session (new scenario, or a reset): trace() and scenario() changed.
    void sessionChanged();
    /// The cursor moved, or the trace grew while the cursor followed the live end.
    void cursorChanged(qint64 cursor);
    /// Events were appended (delivered on the GUI thread); `size` is the trace's new size.
    void traceGrew(qint64 size);
    void selectionChanged();

private:
    Player *m_player;
    Trace *m_trace = nullptr;
    Scenario m_scenario;
    QString m_mode;
    bool m_capture = false;
    QString m_modeDescription;
    QString m_selectedSocket;
    qint64 m_selectedEvent = -1;
    bool m_settingSession = false; // sessionChanged goes before the new session's cursorChanged
};
