// The helper functions a generated Python program defines before its steps: only those it uses.
// Their source is resources/codegen/python/.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"
#include "codegen/snippets.h"
#include "scenario/httppage.h"

namespace codegen {
namespace {

QList<Placeholder> httpPagePlaceholders()
{
    const HttpPage &page = httpPage();
    return {{QStringLiteral("HTTP_BODY_BEFORE_PATH"), page.bodyBeforePath},
            {QStringLiteral("HTTP_BODY_AFTER_PATH"), page.bodyAfterPath},
            {QStringLiteral("HTTP_HEAD_BEFORE_LENGTH"), page.headBeforeLength},
            {QStringLiteral("HTTP_HEAD_AFTER_LENGTH"), page.headAfterLength}};
}

} // namespace

void writePythonHelpers(const ProgramNeeds &needs, const Options &options, ProgramWriter &w)
{
    const Snippets &source = Snippets::of(Language::Python);
    // In the order of the program, each with what makes a program need it; two empty lines after
    // each, as between Python's top-level definitions.
    const QList<std::pair<bool, QString>> sections = {
        {needs.filterOption, QStringLiteral("filter_options")},
        {needs.socketFilter, QStringLiteral("socket_filter")},
        {options.inStep, QStringLiteral("wait_for_turn")},
        {true, QStringLiteral("shown")},
        {true, QStringLiteral("report")},
        {true, QStringLiteral("failed")},
        {true, QStringLiteral("format_address")},
        {needs.icmp, QStringLiteral("icmp_echo_request")},
    };
    for (const auto &[needed, name] : sections) {
        if (needed)
            w.lines(source.lines(name) << QString() << QString());
    }
    if (needs.httpResponse)
        w.lines(source.lines(QStringLiteral("http_response"), httpPagePlaceholders())
                << QString() << QString());
}

} // namespace codegen
