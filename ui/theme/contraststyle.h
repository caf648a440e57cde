#pragma once

#include <QProxyStyle>

struct Theme;

/// The high-contrast theme's style: the base style draws everything, and then the outlines it
/// derives from the window colour (slider grooves, handles and ticks, the frames of spin boxes, line
/// edits, combo boxes, buttons and views, check boxes, scroll bar handles, tool bar separators) are
/// drawn again in the palette's foreground or in a mid colour halfway to the window, so that on a black
/// window every control shows where it is. Colours come from the palette the widget is drawn with, so a
/// dialog in the system's palette stays readable too.
///
/// A style rather than a style sheet: a style sheet set on the window restyles every widget in it
/// (the dock titles too), while this changes only the outlines.
class ContrastStyle : public QProxyStyle
{
    Q_OBJECT
public:
    /// Draws over the style named `baseKey` ("fusion"), or the application's style when empty.
    explicit ContrastStyle(const QString &baseKey = {});

    /// Installs this style for the whole application when `theme` is high contrast, and puts the
    /// plain base style back when another theme follows it. Leaves the style alone otherwise, so
    /// the light and dark themes draw exactly as the base style does.
    static void followTheme(const Theme &theme);
    /// True for the theme that needs this style.
    static bool wanted(const Theme &theme);

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget = nullptr) const override;
    void drawComplexControl(ComplexControl control, const QStyleOptionComplex *option, QPainter *painter,
                            const QWidget *widget = nullptr) const override;

private:
    void drawSlider(const QStyleOptionComplex *option, QPainter *painter, const QWidget *widget) const;
};
