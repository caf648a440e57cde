#pragma once

// The source a generated program's helper functions come from: resources/codegen/c/*.c and
// resources/codegen/python/*.py, real files that compile on their own. Each file is cut into
// sections at its marker lines ("/* section NAME */", "# section NAME"); what comes before the
// first marker (the includes and stand-ins that make the file valid alone) reaches no program.

#include "codegen/codegen.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace codegen {

/// A name in a section that the program has as a literal of `bytes` (a piece of the HTTP page).
struct Placeholder
{
    QString name;
    QByteArray bytes;
};

class Snippets
{
public:
    /// The sections of every file in the resource folder of `language`, read once.
    static const Snippets &of(Language language);

    /// The lines of section `name`, without the empty lines that end it, each placeholder written
    /// as a literal that breaks after a line end where it would pass the column limit.
    QStringList lines(const QString &name, const QList<Placeholder> &placeholders = {}) const;

private:
    explicit Snippets(Language language);
    QStringList literal(const QByteArray &bytes, int firstColumn, int nextColumn) const;

    Language m_language;
    QHash<QString, QStringList> m_sections;
};

} // namespace codegen
