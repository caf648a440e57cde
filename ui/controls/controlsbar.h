#pragma once

#include <QWidget>

class QAction;
class QHBoxLayout;
class QLabel;
class QSlider;
class QSpinBox;
class QVBoxLayout;
class Player;
class QToolButton;
class ViewContext;

/// The stepping controls: Step, Step <actor>, Back, Forward, Run/Pause, Reset, the speed and the
/// timeline. Owns the actions (with their keys) so that the menus and the tool bar share them.
///
/// Every control asks the context's Player, which holds the rules of time travel: Step at the
/// live end runs a real call; anywhere in the past it only moves the cursor to the end of the next
/// step's events, like Forward. Back and the timeline only move the cursor. Reset asks for a new
/// session. The bar shows what the player says: where "now" is, who waits, whether it plays.
class ControlsBar : public QWidget
{
    Q_OBJECT
public:
    explicit ControlsBar(ViewContext *context, QWidget *parent = nullptr);
    ~ControlsBar() override;

    QAction *stepAction() const { return m_step; }
    QAction *backAction() const { return m_back; }
    QAction *forwardAction() const { return m_forward; }
    QAction *runAction() const { return m_run; }
    QAction *resetAction() const { return m_reset; }
    QList<QAction *> actorActions() const { return m_actorActions; }

    /// Teaching pace, 1 (slow) … 5 (fast).
    int speed() const;
    void setSpeed(int speed);
    /// How long a packet takes to cross the stage at the current speed.
    int animationMs() const;
    bool isRunning() const;
    /// The sentence shown while an actor waits ("Server waits in accept() …"), empty otherwise.
    QString blockedText() const;

    void step();
    void stepActor(const QString &actor);
    void back();
    void forward();
    void setRunning(bool running);
    void reset();
    /// Shows the state after `steps` steps: moves the cursor when they ran, else runs up to there.
    void jumpToStep(int steps);

Q_SIGNALS:
    void speedChanged(int speed);

protected:
    void changeEvent(QEvent *event) override;

private:
    void makeActions();
    QHBoxLayout *addButtonRow(QVBoxLayout *rows);
    void addTimelineRow(QVBoxLayout *rows);
    void addWaitingLine(QHBoxLayout *buttons);
    void connectControls();
    void sessionChanged();
    void refresh();
    void fitWaitingLine();

    ViewContext *m_context;
    Player *m_player;
    QAction *m_step;
    QAction *m_back;
    QAction *m_forward;
    QAction *m_run;
    QAction *m_reset;
    QList<QAction *> m_actorActions;
    QList<QToolButton *> m_actorButtons;
    QHBoxLayout *m_actorLayout;
    QSlider *m_speed;
    QSlider *m_timeline;
    QSpinBox *m_jump;
    QLabel *m_position;
    QLabel *m_blocked;
    bool m_updating = false;
};
