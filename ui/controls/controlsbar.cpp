#include "controls/controlsbar.h"

#include "common/viewcontext.h"
#include "controls/timelineslider.h"
#include "player/player.h"
#include "projections/narration.h"
#include "projections/sessionsnapshot.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <array>

namespace {

constexpr std::array<int, 5> PaceMs{1800, 1100, 700, 400, 180};

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAccessibleName(action->text().remove(u'&'));
    button->setFocusPolicy(Qt::StrongFocus);
    return button;
}

QAction *makeAction(const QString &text, const QList<QKeySequence> &keys, const QString &tip, QObject *parent)
{
    auto *action = new QAction(text, parent);
    action->setShortcuts(keys);
    action->setShortcutContext(Qt::WindowShortcut);
    QString keyText;
    for (const QKeySequence &key : keys)
        keyText +=
            (keyText.isEmpty() ? QString() : QStringLiteral(", ")) + key.toString(QKeySequence::NativeText);
    action->setToolTip(keyText.isEmpty() ? tip : tip + QStringLiteral(" (") + keyText + u')');
    return action;
}

} // namespace

ControlsBar::ControlsBar(ViewContext *context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_player(context->player())
{
    setObjectName(QStringLiteral("controls"));
    setAccessibleName(QStringLiteral("Stepping controls"));
    makeActions();
    auto *rows = new QVBoxLayout(this);
    rows->setContentsMargins(4, 2, 4, 2);
    rows->setSpacing(2);
    QHBoxLayout *buttons = addButtonRow(rows);
    addTimelineRow(rows);
    addWaitingLine(buttons);
    connectControls();
    sessionChanged();
}

void ControlsBar::makeActions()
{
    m_step = makeAction(QStringLiteral("&Step"), {Qt::Key_Space, Qt::Key_Right, Qt::Key_PageDown},
                        QStringLiteral("The next call in script order"), this);
    m_back = makeAction(QStringLiteral("&Back"), {Qt::Key_Left, Qt::Key_PageUp},
                        QStringLiteral("Show the state before the last step"), this);
    m_forward =
        makeAction(QStringLiteral("&Forward"), {}, QStringLiteral("Replay the next recorded step"), this);
    m_run = makeAction(QStringLiteral("&Run"), {Qt::Key_F5},
                       QStringLiteral("Step on its own at the chosen speed"), this);
    m_run->setCheckable(true);
    m_reset =
        makeAction(QStringLiteral("R&eset"), {Qt::Key_Home}, QStringLiteral("Start the scenario anew"), this);
}

// Step, the actors' own step buttons, back, forward, run, reset and the speed.
QHBoxLayout *ControlsBar::addButtonRow(QVBoxLayout *rows)
{
    auto *buttons = new QHBoxLayout;
    rows->addLayout(buttons);
    buttons->addWidget(buttonFor(m_step, this));
    m_actorLayout = new QHBoxLayout;
    buttons->addLayout(m_actorLayout);
    buttons->addWidget(buttonFor(m_back, this));
    buttons->addWidget(buttonFor(m_forward, this));
    buttons->addWidget(buttonFor(m_run, this));
    buttons->addWidget(buttonFor(m_reset, this));
    buttons->addSpacing(12);
    auto *speedLabel = new QLabel(QStringLiteral("Speed"), this);
    buttons->addWidget(speedLabel);
    m_speed = new QSlider(Qt::Horizontal, this);
    m_speed->setRange(1, int(PaceMs.size()));
    m_speed->setValue(2);
    m_speed->setPageStep(1);
    m_speed->setFixedWidth(90);
    m_speed->setAccessibleName(QStringLiteral("Speed"));
    speedLabel->setBuddy(m_speed);
    buttons->addWidget(m_speed);
    buttons->addSpacing(12);
    return buttons;
}

void ControlsBar::addTimelineRow(QVBoxLayout *rows)
{
    // The timeline has a row of its own, so that large type in presentation still fits the screen.
    auto *timelineRow = new QHBoxLayout;
    rows->addLayout(timelineRow);
    auto *timelineLabel = new QLabel(QStringLiteral("Timeline"), this);
    timelineRow->addWidget(timelineLabel);
    m_timeline = new TimelineSlider(this);
    m_timeline->setMinimumWidth(160);
    m_timeline->setAccessibleName(QStringLiteral("Timeline: steps shown"));
    timelineLabel->setBuddy(m_timeline);
    timelineRow->addWidget(m_timeline, 1);
    m_position = new QLabel(this);
    m_position->setAccessibleName(QStringLiteral("Step position"));
    timelineRow->addWidget(m_position);
    auto *jumpLabel = new QLabel(QStringLiteral("Go to"), this);
    timelineRow->addWidget(jumpLabel);
    m_jump = new QSpinBox(this);
    m_jump->setAccessibleName(QStringLiteral("Go to step"));
    m_jump->setKeyboardTracking(false);
    jumpLabel->setBuddy(m_jump);
    timelineRow->addWidget(m_jump);
}

void ControlsBar::addWaitingLine(QHBoxLayout *buttons)
{
    m_blocked = new QLabel(this);
    m_blocked->setObjectName(QStringLiteral("blockedText"));
    m_blocked->setAccessibleName(QStringLiteral("Who waits"));
    m_blocked->setWordWrap(true);
    m_blocked->setTextFormat(Qt::PlainText);
    // Beside the buttons it names: who waits and which button goes on.
    buttons->addWidget(m_blocked, 1);
    fitWaitingLine();
}

void ControlsBar::connectControls()
{
    connect(m_step, &QAction::triggered, this, &ControlsBar::step);
    connect(m_back, &QAction::triggered, this, &ControlsBar::back);
    connect(m_forward, &QAction::triggered, this, &ControlsBar::forward);
    connect(m_run, &QAction::triggered, this, &ControlsBar::setRunning);
    connect(m_reset, &QAction::triggered, this, &ControlsBar::reset);
    connect(m_speed, &QSlider::valueChanged, this, [this](int value) {
        // The pause between steps lets the packets of one step land before the next flies.
        m_player->setInterval(animationMs() + 300);
        Q_EMIT speedChanged(value);
    });
    m_player->setInterval(animationMs() + 300);
    connect(m_timeline, &QSlider::valueChanged, this, [this](int value) {
        if (!m_updating)
            jumpToStep(value);
    });
    connect(m_jump, &QSpinBox::valueChanged, this, [this](int value) {
        if (!m_updating)
            jumpToStep(value);
    });
    connect(m_context, &ViewContext::sessionChanged, this, &ControlsBar::sessionChanged);
    connect(m_context, &ViewContext::cursorChanged, this, &ControlsBar::refresh);
    connect(m_context, &ViewContext::traceGrew, this, &ControlsBar::refresh);
    connect(m_player, &Player::busyChanged, this, &ControlsBar::refresh);
    connect(m_player, &Player::playingChanged, this, &ControlsBar::refresh);
    connect(m_player, &Player::stepGateChanged, this, &ControlsBar::refresh);
}

ControlsBar::~ControlsBar() = default;

void ControlsBar::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitWaitingLine();
}

void ControlsBar::fitWaitingLine()
{
    // Two lines, always: a sentence that comes and goes must not resize the tool bar and the stage.
    m_blocked->setFixedHeight(m_blocked->fontMetrics().lineSpacing() * 2 + 2);
    m_position->setMinimumWidth(m_position->fontMetrics().horizontalAdvance(QStringLiteral("step 00 of 00")));
}

int ControlsBar::speed() const
{
    return m_speed->value();
}

void ControlsBar::setSpeed(int speed)
{
    m_speed->setValue(speed);
}

int ControlsBar::animationMs() const
{
    return PaceMs.at(std::size_t(qBound(1, speed(), int(PaceMs.size())) - 1));
}

bool ControlsBar::isRunning() const
{
    return m_player->isPlaying();
}

QString ControlsBar::blockedText() const
{
    return m_blocked->text();
}

void ControlsBar::sessionChanged()
{
    for (QAction *action : std::as_const(m_actorActions))
        delete action;
    for (QToolButton *button : std::as_const(m_actorButtons))
        delete button;
    m_actorActions.clear();
    m_actorButtons.clear();
    const Scenario &scenario = m_context->scenario();
    int number = 1;
    for (const ScenarioActor &actor : scenario.actors) {
        // Ctrl+1, Ctrl+2 … step one actor: the way on when another one waits.
        auto *action = makeAction(QStringLiteral("Step ") + actor.title,
                                  {QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + number))},
                                  QStringLiteral("The next call of ") + actor.title, this);
        const QString id = actor.id;
        connect(action, &QAction::triggered, this, [this, id] { stepActor(id); });
        m_actorActions.append(action);
        auto *button = buttonFor(action, this);
        m_actorButtons.append(button);
        m_actorLayout->addWidget(button);
        // Shown now, not when the layout gets round to it: until then its key would do nothing.
        button->show();
        ++number;
    }
    m_updating = true;
    m_timeline->setRange(0, int(scenario.steps.size()));
    m_jump->setRange(0, int(scenario.steps.size()));
    m_updating = false;
    refresh();
}

void ControlsBar::refresh()
{
    const SessionSnapshot &snapshot = m_context->snapshot();
    const bool busy = m_player->isBusy();
    const bool live = m_player->atLiveEnd();
    const bool haveSession = m_context->hasSession();
    // An exercise's question may hold the next live step until it is answered.
    const QString held = live && haveSession ? m_player->heldBecause() : QString();
    m_step->setEnabled(haveSession && !busy && held.isEmpty() &&
                       (!live || snapshot.nextStep >= 0 || snapshot.anyBlocked()));
    m_back->setEnabled(haveSession && m_context->cursor() > 0);
    m_forward->setEnabled(haveSession && !live);
    m_reset->setEnabled(haveSession);
    m_run->setEnabled(haveSession || isRunning());
    for (qsizetype i = 0; i < m_actorActions.size(); ++i) {
        const SnapshotActor &actor = snapshot.actors.value(i);
        m_actorActions.at(i)->setEnabled(haveSession && !busy && live && actor.nextStep >= 0 &&
                                         actor.blockedStep < 0 && m_player->heldBecause(actor.id).isEmpty());
    }
    m_run->setChecked(isRunning());
    m_run->setText(isRunning() ? QStringLiteral("&Pause") : QStringLiteral("&Run"));

    m_updating = true;
    m_timeline->setValue(snapshot.stepsStarted);
    m_jump->setValue(snapshot.stepsStarted);
    m_updating = false;
    const int total = int(m_context->scenario().steps.size());
    m_position->setText(QStringLiteral("step %1 of %2").arg(snapshot.stepsStarted).arg(total));

    m_blocked->setText(
        held.isEmpty() ? narration::waitingText(m_context->trace(), snapshot, m_player->atLiveEnd()) : held);
    m_blocked->setToolTip(m_blocked->text());
}

void ControlsBar::step()
{
    m_player->stepForward();
}

void ControlsBar::stepActor(const QString &actor)
{
    m_player->stepActor(actor);
}

void ControlsBar::back()
{
    m_player->stepBack();
}

void ControlsBar::forward()
{
    m_player->replayForward();
}

void ControlsBar::setRunning(bool running)
{
    m_player->setPlaying(running);
    refresh();
}

void ControlsBar::reset()
{
    m_player->reset();
}

void ControlsBar::jumpToStep(int steps)
{
    m_player->jumpToStep(steps);
}
