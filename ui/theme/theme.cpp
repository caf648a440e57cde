#include "theme/theme.h"

namespace {

// Okabe–Ito: orange E69F00, sky blue 56B4E9, bluish green 009E73, yellow F0E442, blue 0072B2,
// vermillion D55E00, reddish purple CC79A7.
Theme light()
{
    Theme t;
    t.name = QStringLiteral("light");
    t.title = QStringLiteral("Light");
    t.window = QColor(0xf4, 0xf4, 0xf2);
    t.text = QColor(0x1a, 0x1a, 0x1a);
    t.mutedText = QColor(0x55, 0x55, 0x55);
    t.disabledText = QColor(0x9a, 0x9a, 0x9a);
    t.stage = QColor(0xfb, 0xfb, 0xf9);
    t.process = QColor(0xe8, 0xf1, 0xf8);
    t.processBorder = QColor(0x00, 0x72, 0xb2);
    t.socket = QColor(0xff, 0xff, 0xff);
    t.socketBorder = QColor(0x44, 0x44, 0x44);
    t.kernel = QColor(0xec, 0xe6, 0xf0);
    t.wire = QColor(0x33, 0x33, 0x33);
    t.envelope = QColor(0xf0, 0xe4, 0x42);
    t.envelopeText = QColor(0x1a, 0x1a, 0x1a);
    t.accent = QColor(0x00, 0x72, 0xb2);
    t.blocked = QColor(0xe6, 0x9f, 0x00);
    t.error = QColor(0xd5, 0x5e, 0x00);
    t.queueFill = QColor(0x00, 0x9e, 0x73);
    t.highlight = QColor(0x56, 0xb4, 0xe9);
    return t;
}

Theme dark()
{
    Theme t;
    t.name = QStringLiteral("dark");
    t.title = QStringLiteral("Dark");
    t.window = QColor(0x20, 0x22, 0x25);
    t.text = QColor(0xe8, 0xe8, 0xe8);
    t.mutedText = QColor(0xa8, 0xa8, 0xa8);
    t.disabledText = QColor(0x6a, 0x6a, 0x6a);
    t.stage = QColor(0x18, 0x1a, 0x1c);
    t.process = QColor(0x1f, 0x32, 0x44);
    t.processBorder = QColor(0x56, 0xb4, 0xe9);
    t.socket = QColor(0x2a, 0x2d, 0x31);
    t.socketBorder = QColor(0xb0, 0xb0, 0xb0);
    t.kernel = QColor(0x2e, 0x27, 0x36);
    t.wire = QColor(0xcc, 0xcc, 0xcc);
    t.envelope = QColor(0xf0, 0xe4, 0x42);
    t.envelopeText = QColor(0x1a, 0x1a, 0x1a);
    t.accent = QColor(0x56, 0xb4, 0xe9);
    t.blocked = QColor(0xe6, 0x9f, 0x00);
    t.error = QColor(0xff, 0x8c, 0x3a);
    t.queueFill = QColor(0x00, 0x9e, 0x73);
    t.highlight = QColor(0xcc, 0x79, 0xa7);
    return t;
}

Theme highContrast()
{
    Theme t;
    t.name = QStringLiteral("high-contrast");
    t.title = QStringLiteral("High contrast");
    t.window = Qt::black;
    t.text = Qt::white;
    t.mutedText = QColor(0xe0, 0xe0, 0xe0);
    t.disabledText = QColor(0x80, 0x80, 0x80);
    t.stage = Qt::black;
    t.process = Qt::black;
    t.processBorder = Qt::white;
    t.socket = Qt::black;
    t.socketBorder = QColor(0xff, 0xff, 0x00);
    t.kernel = QColor(0x10, 0x10, 0x10);
    t.wire = Qt::white;
    t.envelope = QColor(0xff, 0xff, 0x00);
    t.envelopeText = Qt::black;
    t.accent = QColor(0x00, 0xff, 0xff);
    t.blocked = QColor(0xff, 0xb0, 0x00);
    t.error = QColor(0xff, 0x80, 0x40);
    t.queueFill = QColor(0x00, 0xff, 0x80);
    t.highlight = QColor(0xff, 0x80, 0xff);
    return t;
}

} // namespace

QPalette Theme::palette() const
{
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, stage);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    // The style outlines controls in the window colour darkened, which vanishes on black: in high
    // contrast the buttons get a face of their own, so that each one stands out from the window.
    p.setColor(QPalette::Button, name == QLatin1String("high-contrast") ? QColor(0x33, 0x33, 0x33) : window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, socket);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, mutedText);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, stage);
    p.setColor(QPalette::Link, accent);
    p.setColor(QPalette::Disabled, QPalette::Text, disabledText);
    p.setColor(QPalette::Disabled, QPalette::WindowText, disabledText);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, disabledText);
    return p;
}

Theme Theme::named(const QString &name)
{
    if (name == QLatin1String("dark"))
        return dark();
    if (name == QLatin1String("high-contrast"))
        return highContrast();
    return light();
}

QStringList Theme::names()
{
    return {QStringLiteral("light"), QStringLiteral("dark"), QStringLiteral("high-contrast")};
}
