#include "codegen/snippets.h"

#include "codegen/programwriter.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace codegen {
namespace {

// A long literal breaks after one of its line ends once it would pass this column: the project's
// own limit, which keeps a generated program readable beside its narration.
constexpr int columnLimit = 110;

QString folderOf(Language language)
{
    switch (language) {
    case Language::C:
        return QStringLiteral(":/codegen/c");
    case Language::Python:
        return QStringLiteral(":/codegen/python");
    }
    return {};
}

// The column after the last bracket `text` leaves open, where a continued argument lines up; the
// end of `text` when none is open.
int continuationColumn(const QString &text)
{
    QList<int> open;
    QChar quote;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!quote.isNull()) {
            if (c == u'\\')
                ++i;
            else if (c == quote)
                quote = QChar();
        } else if (c == u'"' || c == u'\'') {
            quote = c;
        } else if (c == u'(') {
            open << i + 1;
        } else if (c == u')' && !open.isEmpty()) {
            open.removeLast();
        }
    }
    return open.isEmpty() ? int(text.size()) : open.last();
}

// The pieces of `bytes`, each up to and with a line end.
QList<QByteArray> linesOf(const QByteArray &bytes)
{
    QList<QByteArray> pieces;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype end = bytes.indexOf('\n', start);
        const qsizetype next = end < 0 ? bytes.size() : end + 1;
        pieces << bytes.mid(start, next - start);
        start = next;
    }
    if (pieces.isEmpty())
        pieces << QByteArray();
    return pieces;
}

} // namespace

const Snippets &Snippets::of(Language language)
{
    static const Snippets c(Language::C);
    static const Snippets python(Language::Python);
    return language == Language::C ? c : python;
}

Snippets::Snippets(Language language)
    : m_language(language)
{
    static const QRegularExpression marker(QStringLiteral(R"(^(?:/\* section (\w+) \*/|# section (\w+))$)"));
    const QDir folder(folderOf(language));
    for (const QString &name : folder.entryList(QDir::Files, QDir::Name)) {
        QFile file(folder.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        QString section; // none before the first marker
        for (const QString &line : QString::fromUtf8(file.readAll()).split(u'\n')) {
            const QRegularExpressionMatch match = marker.match(line);
            if (match.hasMatch()) {
                section = match.captured(1) + match.captured(2);
                if (m_sections.contains(section))
                    qFatal("two sections %s in %s", qPrintable(section), qPrintable(folder.path()));
                m_sections.insert(section, {});
            } else if (!section.isEmpty()) {
                m_sections[section] << line;
            }
        }
    }
    for (QStringList &section : m_sections) {
        while (!section.isEmpty() && section.last().isEmpty())
            section.removeLast();
    }
}

QStringList Snippets::lines(const QString &name, const QList<Placeholder> &placeholders) const
{
    const auto found = m_sections.constFind(name);
    if (found == m_sections.cend())
        qFatal("no section %s in %s", qPrintable(name), qPrintable(folderOf(m_language)));
    if (placeholders.isEmpty())
        return *found;
    QStringList names;
    for (const Placeholder &placeholder : placeholders)
        names << placeholder.name;
    const QRegularExpression pattern(QStringLiteral("\\b(%1)\\b").arg(names.join(u'|')));
    QStringList result;
    for (const QString &line : *found) {
        result << line;
        qsizetype from = 0;
        QRegularExpressionMatch match;
        while ((match = pattern.match(result.last(), from)).hasMatch()) {
            const QString before = result.last().left(match.capturedStart());
            const QString after = result.last().mid(match.capturedEnd());
            const QByteArray &bytes = placeholders.at(names.indexOf(match.captured(1))).bytes;
            const int nextColumn = continuationColumn(before);
            const QStringList pieces = literal(bytes, int(before.size()), nextColumn);
            result.last() = before + pieces.first();
            for (qsizetype i = 1; i < pieces.size(); ++i)
                result << QString(nextColumn, u' ') + pieces.at(i);
            from = result.last().size();
            result.last() += after;
        }
    }
    return result;
}

QStringList Snippets::literal(const QByteArray &bytes, int firstColumn, int nextColumn) const
{
    const auto quoted = [this](const QByteArray &piece) {
        return m_language == Language::C ? ProgramWriter::cString(piece) : ProgramWriter::pythonBytes(piece);
    };
    QStringList result;
    QByteArray current;
    int column = firstColumn;
    for (const QByteArray &piece : linesOf(bytes)) {
        if (!current.isEmpty() && column + quoted(current + piece).size() > columnLimit) {
            result << quoted(current);
            current.clear();
            column = nextColumn;
        }
        current += piece;
    }
    result << quoted(current);
    return result;
}

} // namespace codegen
