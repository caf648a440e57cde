#pragma once

#include "projections/sessionsnapshot.h"
#include "scenario/scenario.h"

#include <QObject>

class Session;
class Trace;

/// What every view of the window shares: the session, its trace and scenario, the cursor and the
/// selection. Lives on the GUI thread.
///
/// A view takes the context (or just `trace()` and `scenario()`) and repaints on cursorChanged.
/// When sessionChanged is emitted, the old trace is gone: drop every pointer into it and rebuild
/// from `trace()`. Views never step the session; they may move the cursor and the selection.
class ViewContext : public QObject
{
    Q_OBJECT
public:
    explicit ViewContext(QObject *parent = nullptr);
    ~ViewContext() override;

    /// The session being shown; null while a new one is being set up.
    Session *session() const { return m_session; }
    /// Its trace; null while there is no session.
    Trace *trace() const { return m_trace; }
    const Scenario &scenario() const { return m_scenario; }
    /// "sandbox" or "host", whether packets are captured, and a sentence saying why.
    QString mode() const { return m_mode; }
    bool capture() const { return m_capture; }
    QString modeDescription() const { return m_modeDescription; }

    /// "Now": events [0, cursor) are shown. Same as trace()->cursor().
    qint64 cursor() const;
    /// The world at the cursor (recomputed when the cursor moves or the trace grows at it).
    const SessionSnapshot &snapshot() const { return m_snapshot; }

    QString selectedSocket() const { return m_selectedSocket; }
    /// Seq of the selected event, -1 when none.
    qint64 selectedEvent() const { return m_selectedEvent; }

    /// Moves the trace's cursor (clamped to 0..size).
    void setCursor(qint64 cursor);
    void selectSocket(const QString &name);
    void selectEvent(qint64 seq);

    /// Called by the window when a session is ready (or null while one is set up).
    void setSession(Session *session, const QString &mode, bool capture, const QString &description);

Q_SIGNALS:
    /// A new session (new scenario, or a reset): trace() and scenario() changed.
    void sessionChanged();
    /// The cursor moved, or the trace grew while the cursor followed the live end.
    void cursorChanged(qint64 cursor);
    /// Events were appended (delivered on the GUI thread); `size` is the trace's new size.
    void traceGrew(qint64 size);
    void selectionChanged();

private:
    void traceCursorChanged(qint64 cursor);
    void eventAppended(qint64 seq);

    Session *m_session = nullptr;
    Trace *m_trace = nullptr;
    Scenario m_scenario;
    QString m_mode;
    bool m_capture = false;
    QString m_modeDescription;
    SessionSnapshot m_snapshot;
    QString m_selectedSocket;
    qint64 m_selectedEvent = -1;
    qint64 m_knownSize = 0;
    bool m_followLive = true;
    QMetaObject::Connection m_cursorConnection;
    QMetaObject::Connection m_appendConnection;
};
