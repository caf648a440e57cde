#include "controls/timelineslider.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOptionSlider>

TimelineSlider::TimelineSlider(QWidget *parent)
    : QSlider(Qt::Horizontal, parent)
{
    setTickPosition(QSlider::TicksAbove);
    setTickInterval(1);
    setPageStep(1);
}

QSize TimelineSlider::sizeHint() const
{
    QSize size = QSlider::sizeHint();
    size.setHeight(size.height() + fontMetrics().height());
    return size;
}

QSize TimelineSlider::minimumSizeHint() const
{
    QSize size = QSlider::minimumSizeHint();
    size.setHeight(size.height() + fontMetrics().height());
    return size;
}

void TimelineSlider::paintEvent(QPaintEvent *event)
{
    QSlider::paintEvent(event);
    const int steps = maximum() - minimum();
    if (steps <= 0)
        return;
    QStyleOptionSlider option;
    initStyleOption(&option);
    const QRect groove = style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, this);
    const int handle = style()->pixelMetric(QStyle::PM_SliderLength, &option, this);
    const int span = groove.width() - handle;
    // Label every step when there is room, else every 2nd, 5th or 10th.
    const int widest = fontMetrics().horizontalAdvance(QString::number(maximum())) + 6;
    int every = 1;
    for (const int candidate : {1, 2, 5, 10, 20, 50}) {
        every = candidate;
        if (span * candidate / steps >= widest)
            break;
    }
    QPainter painter(this);
    painter.setPen(palette().color(QPalette::WindowText));
    const int top = height() - fontMetrics().height();
    for (int value = minimum(); value <= maximum(); value += every) {
        const int x = groove.left() + handle / 2 +
                      QStyle::sliderPositionFromValue(minimum(), maximum(), value, span, option.upsideDown);
        QFont f = font();
        f.setBold(value == this->value());
        painter.setFont(f);
        const QString text = QString::number(value);
        const int w = fontMetrics().horizontalAdvance(text);
        painter.drawText(QRect(x - w, top, 2 * w, fontMetrics().height()), Qt::AlignCenter, text);
    }
}
