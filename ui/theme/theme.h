#pragma once

#include <QColor>
#include <QPalette>
#include <QString>
#include <QStringList>

/// The colours of the window and the stage. Based on the Okabe–Ito palette, which stays distinct
/// for the common colour-vision deficiencies; the stage never uses colour alone to tell things apart.
struct Theme
{
    QString name;  // "light", "dark", "high-contrast"
    QString title; // "Light"
    QColor window;
    QColor text;
    QColor mutedText;
    QColor disabledText; // controls that cannot be used now
    QColor stage;        // the stage's background
    QColor process;      // an actor's box
    QColor processBorder;
    QColor socket; // a socket's card
    QColor socketBorder;
    QColor kernel;   // the kernel band
    QColor wire;     // the loopback wire
    QColor envelope; // a packet in flight
    QColor envelopeText;
    QColor accent;  // the current step, a changed value
    QColor blocked; // a call waiting in the kernel
    QColor error;   // a call that failed
    QColor queueFill;
    QColor highlight; // a state badge that just changed

    QPalette palette() const;

    static Theme named(const QString &name);
    static QStringList names();
};
