#pragma once

#include "codegen/codegen.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

/// Builds a generated program line by line and remembers which lines belong to which step.
class ProgramWriter
{
public:
    explicit ProgramWriter(QString indentUnit)
        : m_indentUnit(std::move(indentUnit))
    {
    }

    /// Appends one line at the current indentation (an empty line stays empty).
    void line(const QString &text = {});
    void lines(const QStringList &texts);
    void indent() { ++m_depth; }
    void dedent() { --m_depth; }

    void beginStep(int step);
    void endStep();

    /// The finished text and line map.
    void finish(GeneratedProgram &program) const;

    /// `text` broken into lines of at most `width` characters, at spaces.
    static QStringList wrap(const QString &text, int width);
    /// A C string literal for `bytes` (octal escapes, so that no escape swallows the next digit).
    static QString cString(const QByteArray &bytes);
    /// A Python bytes literal: b"…".
    static QString pythonBytes(const QByteArray &bytes);
    /// A Python str literal for text.
    static QString pythonString(const QString &text);

private:
    QString m_indentUnit;
    int m_depth = 0;
    QStringList m_lines;
    QMap<int, LineRange> m_steps;
    int m_openStep = -1;
    int m_openLine = 0;
};
