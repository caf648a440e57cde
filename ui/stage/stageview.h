#pragma once

#include "stage/stagelayout.h"
#include "theme/theme.h"

#include <QRectF>
#include <QWidget>

class QVariantAnimation;
class ViewContext;
struct SessionSnapshot;
struct TraceEvent;

/// The stage: each actor as a process box with its sockets inside, the kernel and the loopback wire
/// between them. What it draws at rest is a function of (trace, cursor); when the cursor moves one
/// step forward, the step's captured packets travel along the wire first, at the teaching pace.
class StageView : public QWidget
{
    Q_OBJECT
public:
    explicit StageView(ViewContext *context, QWidget *parent = nullptr);
    ~StageView() override;

    void setTheme(const Theme &theme);
    /// How long one packet takes to cross, in ms; 0 turns animation off.
    void setAnimationMs(int ms);
    int animationMs() const { return m_animationMs; }
    /// Something is moving (a timer runs only then).
    bool isAnimating() const;
    /// Where the card of socket `name` is drawn (empty when it is not on the stage).
    QRectF socketRect(const QString &name) const { return m_layout.sockets.value(name); }
    /// Where the process box of `actor` is drawn.
    QRectF actorRect(const QString &actor) const { return m_layout.actors.value(actor); }
    /// The lines of text drawn for socket `name`, as a reader would see them.
    QStringList socketLines(const QString &name) const;
    /// The sentence under the wire: elapsed kernel time of the current step, or why no packets.
    QString timingText() const;
    /// What the process box of `actor` says below its title (e.g. that it waits).
    QString actorStatus(const QString &actor) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Flight
    {
        qint64 seq = -1;
        QString from; // socket names, empty when not known
        QString to;
        QString label; // "SYN, ACK · 0 B"
        bool transfer = false;
    };

    void cursorMoved(qint64 cursor);
    void sessionChanged();
    void layoutStage();
    Flight flightFor(const TraceEvent &event, const SessionSnapshot &snapshot) const;
    QPointF wirePoint(const QString &socket, qreal fallbackX) const;
    void paintProcess(QPainter &painter, const QString &actorId, const QRectF &box) const;
    void paintKernel(QPainter &painter) const;
    void paintFlight(QPainter &painter, const Flight &flight, qreal progress) const;

    ViewContext *m_context;
    Theme m_theme;
    int m_animationMs = 1100;
    QVariantAnimation *m_animation;
    QList<Flight> m_flights;     // what travels during the animation
    QStringList m_changedStates; // sockets whose state badge pulses during the animation
    qint64 m_previousCursor = 0;
    StageLayout m_layout;
};
