#include "common/viewcontext.h"

#include "engine/session.h"
#include "trace/trace.h"

ViewContext::ViewContext(QObject *parent)
    : QObject(parent)
{
}

ViewContext::~ViewContext() = default;

qint64 ViewContext::cursor() const
{
    return m_trace ? m_trace->cursor() : 0;
}

void ViewContext::setCursor(qint64 cursor)
{
    if (!m_trace)
        return;
    const qint64 clamped = qBound<qint64>(0, cursor, m_trace->size());
    m_followLive = clamped == m_trace->size();
    if (clamped == m_trace->cursor()) {
        // The trace may have grown at the same cursor only through eventAppended; nothing moved.
        return;
    }
    m_trace->setCursor(clamped);
}

void ViewContext::selectSocket(const QString &name)
{
    if (name == m_selectedSocket)
        return;
    m_selectedSocket = name;
    Q_EMIT selectionChanged();
}

void ViewContext::selectEvent(qint64 seq)
{
    if (seq == m_selectedEvent)
        return;
    m_selectedEvent = seq;
    Q_EMIT selectionChanged();
}

void ViewContext::setSession(Session *session, const QString &mode, bool capture, const QString &description)
{
    disconnect(m_cursorConnection);
    disconnect(m_appendConnection);
    m_session = session;
    m_trace = session ? &session->trace() : nullptr;
    if (session)
        m_scenario = session->scenario();
    m_mode = mode;
    m_capture = capture;
    m_modeDescription = description;
    m_selectedSocket.clear();
    m_selectedEvent = -1;
    m_followLive = true;
    m_knownSize = m_trace ? m_trace->size() : 0;
    if (m_trace) {
        m_cursorConnection = connect(m_trace, &Trace::cursorChanged, this, &ViewContext::traceCursorChanged);
        // Appends happen on actor threads: the queued connection brings them to this thread.
        m_appendConnection =
            connect(m_trace, &Trace::eventAppended, this, &ViewContext::eventAppended, Qt::QueuedConnection);
        m_trace->setCursor(m_knownSize);
        m_snapshot = SessionSnapshot::compute(m_scenario, *m_trace, m_trace->cursor());
    } else {
        m_snapshot = SessionSnapshot{};
    }
    Q_EMIT sessionChanged();
    Q_EMIT cursorChanged(cursor());
}

void ViewContext::traceCursorChanged(qint64 cursor)
{
    m_snapshot = SessionSnapshot::compute(m_scenario, *m_trace, cursor);
    Q_EMIT cursorChanged(cursor);
}

void ViewContext::eventAppended(qint64 seq)
{
    Q_UNUSED(seq);
    if (!m_trace)
        return;
    const qint64 size = m_trace->size();
    if (size == m_knownSize)
        return; // several appends arrive as one batch: the first delivery saw them all
    const bool atLiveEnd = m_followLive && m_trace->cursor() == m_knownSize;
    m_knownSize = size;
    Q_EMIT traceGrew(size);
    if (atLiveEnd)
        m_trace->setCursor(size);
}
