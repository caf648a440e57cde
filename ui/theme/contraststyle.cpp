#include "theme/contraststyle.h"

#include "theme/theme.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOption>

namespace {

constexpr int MinTickSpacing = 3; // closer ticks run together into a bar

QColor foreground(const QStyleOption *option)
{
    return option->palette.color(QPalette::WindowText);
}

// Halfway between the foreground and the window: seen on the window, quieter than the text.
QColor mid(const QStyleOption *option)
{
    const QColor front = foreground(option);
    const QColor back = option->palette.color(QPalette::Window);
    return QColor::fromRgbF((front.redF() + back.redF()) / 2, (front.greenF() + back.greenF()) / 2,
                            (front.blueF() + back.blueF()) / 2);
}

void outline(QPainter *painter, const QRect &rect, const QColor &colour, qreal radius = 2)
{
    if (rect.isEmpty())
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, radius > 0);
    painter->setPen(QPen(colour, 1));
    painter->setBrush(Qt::NoBrush);
    // Half a pixel in, so that the 1-pixel line falls on the rectangle's own edge pixels.
    const QRectF edge = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5);
    if (radius > 0)
        painter->drawRoundedRect(edge, radius, radius);
    else
        painter->drawRect(edge);
    painter->restore();
}

} // namespace

ContrastStyle::ContrastStyle(const QString &baseKey)
    : QProxyStyle(!baseKey.isEmpty()                         ? baseKey
                  : !QApplication::style()->name().isEmpty() ? QApplication::style()->name()
                                                             : QStringLiteral("fusion"))
{
}

bool ContrastStyle::wanted(const Theme &theme)
{
    return theme.name == QLatin1String("high-contrast");
}

void ContrastStyle::followTheme(const Theme &theme)
{
    const auto *current = qobject_cast<const ContrastStyle *>(QApplication::style());
    if (wanted(theme) && !current)
        QApplication::setStyle(new ContrastStyle);
    else if (!wanted(theme) && current)
        QApplication::setStyle(current->baseStyle()->name());
}

void ContrastStyle::drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                                  const QWidget *widget) const
{
    switch (element) {
    case PE_IndicatorToolBarSeparator: {
        // The base style draws it in shades of the window colour: one line in the mid colour.
        const QRect r = option->rect;
        painter->save();
        painter->setPen(QPen(mid(option), 1));
        if (option->state & State_Horizontal)
            painter->drawLine(r.center().x(), r.top() + 2, r.center().x(), r.bottom() - 2);
        else
            painter->drawLine(r.left() + 2, r.center().y(), r.right() - 2, r.center().y());
        painter->restore();
        return;
    }
    default:
        break;
    }
    QProxyStyle::drawPrimitive(element, option, painter, widget);
    switch (element) {
    case PE_FrameLineEdit:
        outline(painter, option->rect, foreground(option));
        break;
    case PE_IndicatorCheckBox:
        outline(painter, option->rect, foreground(option), 1);
        break;
    case PE_IndicatorRadioButton: {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(foreground(option), 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(QRectF(option->rect).adjusted(0.5, 0.5, -0.5, -0.5));
        painter->restore();
        break;
    }
    case PE_PanelButtonCommand:
        outline(painter, option->rect, mid(option));
        break;
    case PE_Frame:
    case PE_FrameTabWidget:
    case PE_FrameGroupBox:
    case PE_FrameMenu:
    case PE_FrameDockWidget:
        outline(painter, option->rect, mid(option), 0);
        break;
    default:
        break;
    }
}

void ContrastStyle::drawComplexControl(ComplexControl control, const QStyleOptionComplex *option,
                                       QPainter *painter, const QWidget *widget) const
{
    if (control == CC_Slider) {
        drawSlider(option, painter, widget);
        return;
    }
    QProxyStyle::drawComplexControl(control, option, painter, widget);
    switch (control) {
    case CC_SpinBox:
        outline(painter, option->rect, foreground(option));
        if (option->subControls & SC_SpinBoxUp) {
            // The buttons are a column of their own: a line tells them from the number.
            const QRect up = subControlRect(CC_SpinBox, option, SC_SpinBoxUp, widget);
            painter->save();
            painter->setPen(QPen(mid(option), 1));
            painter->drawLine(up.left(), option->rect.top() + 1, up.left(), option->rect.bottom() - 1);
            painter->restore();
        }
        break;
    case CC_ComboBox:
        outline(painter, option->rect, foreground(option));
        break;
    case CC_ScrollBar:
        if (option->subControls & SC_ScrollBarSlider)
            outline(painter, subControlRect(CC_ScrollBar, option, SC_ScrollBarSlider, widget), mid(option));
        break;
    default:
        break;
    }
}

void ContrastStyle::drawSlider(const QStyleOptionComplex *option, QPainter *painter,
                               const QWidget *widget) const
{
    const auto *slider = qstyleoption_cast<const QStyleOptionSlider *>(option);
    if (!slider) {
        QProxyStyle::drawComplexControl(CC_Slider, option, painter, widget);
        return;
    }
    // The groove first, then its outline and the ticks, then the handle on top of them.
    QStyleOptionSlider groove = *slider;
    groove.subControls &= ~(SC_SliderHandle | SC_SliderTickmarks);
    QProxyStyle::drawComplexControl(CC_Slider, &groove, painter, widget);
    const QRect grooveRect = subControlRect(CC_Slider, slider, SC_SliderGroove, widget);
    if (slider->subControls & SC_SliderGroove)
        outline(painter, grooveRect, foreground(slider));

    const int handleLength = pixelMetric(PM_SliderLength, slider, widget);
    const bool horizontal = slider->orientation == Qt::Horizontal;
    const int span = (horizontal ? grooveRect.width() : grooveRect.height()) - handleLength;
    const int steps = slider->maximum - slider->minimum;
    if ((slider->subControls & SC_SliderTickmarks) && slider->tickPosition != QSlider::NoTicks && steps > 0 &&
        span > 0) {
        int interval = slider->tickInterval > 0 ? slider->tickInterval : qMax(1, slider->pageStep);
        while (interval < steps && qint64(span) * interval / steps < MinTickSpacing)
            interval *= 2;
        const int tick = pixelMetric(PM_SliderTickmarkOffset, slider, widget);
        const QRect r = slider->rect;
        painter->save();
        painter->setPen(QPen(mid(slider), 1));
        for (int value = slider->minimum; value <= slider->maximum; value += interval) {
            // The same place TimelineSlider writes the step number: the handle's centre at that value.
            const int at =
                (horizontal ? grooveRect.left() : grooveRect.top()) + handleLength / 2 +
                sliderPositionFromValue(slider->minimum, slider->maximum, value, span, slider->upsideDown);
            // A tick spans the room between the widget's edge and the groove, the same on both sides.
            if (horizontal) {
                const int length = qMax(tick, grooveRect.top() - r.top() - 3);
                if (slider->tickPosition & QSlider::TicksAbove)
                    painter->drawLine(at, grooveRect.top() - 2 - length, at, grooveRect.top() - 2);
                if (slider->tickPosition & QSlider::TicksBelow)
                    painter->drawLine(at, grooveRect.bottom() + 2, at, grooveRect.bottom() + 2 + length);
            } else {
                const int length = qMax(tick, grooveRect.left() - r.left() - 3);
                if (slider->tickPosition & QSlider::TicksLeft)
                    painter->drawLine(grooveRect.left() - 2 - length, at, grooveRect.left() - 2, at);
                if (slider->tickPosition & QSlider::TicksRight)
                    painter->drawLine(grooveRect.right() + 2, at, grooveRect.right() + 2 + length, at);
            }
        }
        painter->restore();
    }

    if (slider->subControls & SC_SliderHandle) {
        QStyleOptionSlider handle = *slider;
        handle.subControls = SC_SliderHandle;
        QProxyStyle::drawComplexControl(CC_Slider, &handle, painter, widget);
        outline(painter, subControlRect(CC_Slider, slider, SC_SliderHandle, widget), foreground(slider));
    }
}
