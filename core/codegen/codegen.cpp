#include "codegen/codegen.h"

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"

namespace codegen {

std::optional<Language> languageFromName(const QString &name)
{
    if (name == QLatin1String("c") || name == QLatin1String("C"))
        return Language::C;
    if (name == QLatin1String("python") || name == QLatin1String("py"))
        return Language::Python;
    return std::nullopt;
}

QString languageName(Language language)
{
    return language == Language::C ? QStringLiteral("c") : QStringLiteral("python");
}

GeneratedProgram generate(const Scenario &scenario, const QString &actor, Language language,
                          const Options &options)
{
    GeneratedProgram program;
    program.actor = actor;
    program.language = languageName(language);
    const QString base = identifier(actor, {});
    program.fileName = base + (language == Language::C ? QStringLiteral(".c") : QStringLiteral(".py"));
    if (language == Language::C) {
        ProgramWriter writer(QStringLiteral("    "));
        writeC(scenario, actor, options, writer);
        writer.finish(program);
    } else {
        ProgramWriter writer(QStringLiteral("    "));
        writePython(scenario, actor, options, writer);
        writer.finish(program);
    }
    return program;
}

QList<GeneratedProgram> generateAll(const Scenario &scenario, Language language, const Options &options)
{
    QList<GeneratedProgram> programs;
    for (const ScenarioActor &actor : scenario.actors)
        programs << generate(scenario, actor.id, language, options);
    return programs;
}

QString printedBytes(const QByteArray &bytes)
{
    QString result;
    const qsizetype shown = qMin<qsizetype>(bytes.size(), 256);
    for (qsizetype i = 0; i < shown; ++i) {
        const int u = static_cast<unsigned char>(bytes.at(i));
        if (u == '\\' || u == '"')
            result += u'\\' + QChar(u);
        else if (u == '\n')
            result += QStringLiteral("\\n");
        else if (u == '\r')
            result += QStringLiteral("\\r");
        else if (u == '\t')
            result += QStringLiteral("\\t");
        else if (u >= 0x20 && u < 0x7f)
            result += QChar(u);
        else
            result += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > shown)
        result += QStringLiteral("...");
    return result;
}

QString reportLine(int step, const QString &call, qint64 result, const QString &errnoName,
                   const std::optional<QByteArray> &data)
{
    QString line = QStringLiteral("step %1 %2 = %3").arg(step).arg(call).arg(result);
    if (result < 0 && !errnoName.isEmpty())
        line += u' ' + errnoName;
    if (data && result >= 0)
        line += QStringLiteral(" data \"") + printedBytes(*data) + u'"';
    return line;
}

} // namespace codegen

int GeneratedProgram::stepAtLine(int line) const
{
    for (auto it = steps.cbegin(); it != steps.cend(); ++it) {
        if (it.value().contains(line))
            return it.key();
    }
    return -1;
}
