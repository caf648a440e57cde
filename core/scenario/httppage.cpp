#include "scenario/httppage.h"

#include <QList>
#include <QStringBuilder>

namespace {

constexpr char headBeforeLength[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ";
constexpr char headAfterLength[] = "\r\nConnection: close\r\n\r\n";
constexpr char bodyBeforePath[] = "<!DOCTYPE html>\n<html><head><title>SocketScope</title></head>\n"
                                  "<body><h1>Hello from the server</h1><p>You asked for ";
constexpr char bodyAfterPath[] = "</p></body></html>\n";

// The generated C program allots 256 bytes beyond the escaped path for the body, and 256 beyond
// the body for the headers (with the digits of the length): the page must fit in them.
static_assert(sizeof bodyBeforePath + sizeof bodyAfterPath < 256);
static_assert(sizeof headBeforeLength + sizeof headAfterLength + 20 < 256);

} // namespace

const HttpPage &httpPage()
{
    static const HttpPage page{headBeforeLength, headAfterLength, bodyBeforePath, bodyAfterPath};
    return page;
}

QByteArray httpRequestedPath(const QByteArray &request)
{
    const qsizetype lineEnd = request.indexOf('\n');
    const QByteArray line = lineEnd < 0 ? request : request.first(lineEnd); // Qt 6's left(-1) is empty
    const QList<QByteArray> words = line.trimmed().split(' ');
    return words.size() >= 2 ? words.at(1) : QByteArray("/");
}

QByteArray httpEscaped(const QByteArray &path)
{
    QByteArray escaped;
    for (const char c : path) {
        switch (c) {
        case '&':
            escaped += "&amp;";
            break;
        case '<':
            escaped += "&lt;";
            break;
        case '>':
            escaped += "&gt;";
            break;
        case '"':
            escaped += "&quot;";
            break;
        default:
            escaped += c;
        }
    }
    return escaped;
}

QByteArray httpResponse(const QByteArray &request)
{
    const HttpPage &page = httpPage();
    const QByteArray body =
        page.bodyBeforePath + httpEscaped(httpRequestedPath(request)) + page.bodyAfterPath;
    return page.headBeforeLength + QByteArray::number(body.size()) + page.headAfterLength + body;
}
