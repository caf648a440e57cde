#include "codegen/programwriter.h"

void ProgramWriter::line(const QString &text)
{
    m_lines << (text.isEmpty() ? QString() : m_indentUnit.repeated(m_depth) + text);
}

void ProgramWriter::lines(const QStringList &texts)
{
    for (const QString &text : texts)
        line(text);
}

void ProgramWriter::beginStep(int step)
{
    m_openStep = step;
    m_openLine = int(m_lines.size()) + 1;
}

void ProgramWriter::endStep()
{
    if (m_openStep >= 0)
        m_steps.insert(m_openStep, LineRange{m_openLine, int(m_lines.size())});
    m_openStep = -1;
}

void ProgramWriter::finish(GeneratedProgram &program) const
{
    program.text = m_lines.join(u'\n') + u'\n';
    program.steps = m_steps;
}

QStringList ProgramWriter::wrap(const QString &text, int width)
{
    QStringList result;
    QString current;
    for (const QString &word : text.simplified().split(u' ', Qt::SkipEmptyParts)) {
        if (!current.isEmpty() && current.size() + 1 + word.size() > width) {
            result << current;
            current.clear();
        }
        current += (current.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!current.isEmpty())
        result << current;
    return result;
}

QString ProgramWriter::cString(const QByteArray &bytes)
{
    QString result = QStringLiteral("\"");
    char previous = 0;
    for (const char c : bytes) {
        const int u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '"')
            result += u'\\' + QChar(u);
        else if (c == '\n')
            result += QStringLiteral("\\n");
        else if (c == '\r')
            result += QStringLiteral("\\r");
        else if (c == '\t')
            result += QStringLiteral("\\t");
        else if (c == '?' && previous == '?')
            result += QStringLiteral("\\?"); // never a trigraph
        else if (u >= 0x20 && u < 0x7f)
            result += QChar(u);
        else
            result += QStringLiteral("\\%1").arg(u, 3, 8, QLatin1Char('0'));
        previous = c;
    }
    return result + u'"';
}

QString ProgramWriter::pythonBytes(const QByteArray &bytes)
{
    QString result = QStringLiteral("b\"");
    for (const char c : bytes) {
        const int u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '"')
            result += u'\\' + QChar(u);
        else if (c == '\n')
            result += QStringLiteral("\\n");
        else if (c == '\r')
            result += QStringLiteral("\\r");
        else if (c == '\t')
            result += QStringLiteral("\\t");
        else if (u >= 0x20 && u < 0x7f)
            result += QChar(u);
        else
            result += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    return result + u'"';
}

QString ProgramWriter::pythonString(const QString &text)
{
    QString result = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == u'\\' || c == u'"')
            result += u'\\' + c;
        else if (c == u'\n')
            result += QStringLiteral("\\n");
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            result += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            result += c;
    }
    return result + u'"';
}
