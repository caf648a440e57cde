#include "common/viewcontext.h"

#include "player/player.h"
#include "projections/sessionsnapshot.h"

ViewContext::ViewContext(QObject *parent)
    : QObject(parent)
    , m_player(new Player(this))
{
    connect(m_player, &Player::cursorChanged, this, [this](qint64 cursor) {
        if (!m_settingSession)
            Q_EMIT cursorChanged(cursor);
    });
    connect(m_player, &Player::traceGrew, this, &ViewContext::traceGrew);
}

ViewContext::~ViewContext() = default;

qint64 ViewContext::cursor() const
{
    return m_player->cursor();
}

const SessionSnapshot &ViewContext::snapshot() const
{
    return m_player->snapshot();
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

void ViewContext::setSession(Trace *trace, const Scenario &scenario, const QString &mode, bool capture,
                             const QString &description)
{
    m_trace = trace;
    if (trace)
        m_scenario = scenario;
    m_mode = mode;
    m_capture = capture;
    m_modeDescription = description;
    m_selectedSocket.clear();
    m_selectedEvent = -1;
    m_settingSession = true;
    m_player->setTrace(trace, m_scenario);
    m_settingSession = false;
    Q_EMIT sessionChanged();
    Q_EMIT cursorChanged(cursor());
}
