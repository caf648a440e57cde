// The helper functions a generated C program needs before its main(): only those it uses, so that
// it compiles with -Wall -Wextra -Werror. Their source is resources/codegen/c/.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"
#include "codegen/snippets.h"
#include "scenario/httppage.h"

namespace codegen {
namespace {

// The page of an http-response step as the literals http_response() prints with: printf formats,
// so a '%' of the page is written "%%".
QList<Placeholder> httpPagePlaceholders()
{
    const auto format = [](QByteArray text) { return text.replace('%', "%%"); };
    const HttpPage &page = httpPage();
    return {{QStringLiteral("HTTP_BODY_BEFORE_PATH"), format(page.bodyBeforePath)},
            {QStringLiteral("HTTP_BODY_AFTER_PATH"), format(page.bodyAfterPath)},
            {QStringLiteral("HTTP_HEADERS_FORMAT"),
             format(page.headBeforeLength) + "%zu" + format(page.headAfterLength) + "%s"}};
}

} // namespace

void writeCHelpers(const ProgramNeeds &needs, const Options &options, ProgramWriter &w)
{
    const Snippets &source = Snippets::of(Language::C);
    // In the order of the program, each with what makes a program need it.
    const QList<std::pair<bool, QString>> sections = {
        {options.inStep, QStringLiteral("wait_for_turn")},
        {true, QStringLiteral("report")},
        {needs.receivesData, QStringLiteral("report_data")},
        {needs.printsAddress, QStringLiteral("print_address")},
        {needs.memory, QStringLiteral("remember")},
        {needs.sender, QStringLiteral("sender")},
        {needs.icmp, QStringLiteral("icmp_echo_request")},
    };
    for (const auto &[needed, name] : sections) {
        if (needed)
            w.lines(source.lines(name) << QString());
    }
    if (needs.httpResponse)
        w.lines(source.lines(QStringLiteral("http_response"), httpPagePlaceholders()) << QString());
}

} // namespace codegen
