#pragma once

// The page a `process` step with `transform: http-response` answers a request with. Defined here
// once: the engine fills it (httpResponse), and the code generators write its pieces into the
// programs, whose http_response() fills them in the same way. tst_httptransform checks that the
// three agree.

#include <QByteArray>

/// A response in four fixed pieces, around the two parts that depend on the request.
struct HttpPage
{
    QByteArray headBeforeLength; // status line and headers, up to the value of Content-Length
    QByteArray headAfterLength;  // the remaining headers and the blank line that ends them
    QByteArray bodyBeforePath;   // the HTML up to the requested path
    QByteArray bodyAfterPath;
};

const HttpPage &httpPage();

/// The path a request asks for: the second word of its first line ("GET /index.html HTTP/1.1"),
/// "/" when the line has no second word.
QByteArray httpRequestedPath(const QByteArray &request);
/// `path` with & < > " written as HTML entities, byte by byte (a path need not be UTF-8).
QByteArray httpEscaped(const QByteArray &path);
/// The whole response to `request`: the page around its escaped path, with its length.
QByteArray httpResponse(const QByteArray &request);
