#include "posix/addresspolicy.h"

#include <QRegularExpression>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace addresspolicy {
namespace {

// sun_path holds 108 bytes; the session directory takes part of them, so a scenario's own part
// stays well short.
constexpr qsizetype MaxUnixPathBytes = 60;
constexpr qsizetype MaxAbstractNameBytes = 99;

// An error message must show what was written, also when it hides a tab or a NUL.
QString quoted(const QString &text)
{
    QString result = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            result += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            result += c;
    }
    return result + u'"';
}

bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}

// Letters beyond a-f cannot be part of an IP address: without a ':' the text is a host name.
bool looksLikeHostName(const QString &text)
{
    static const QRegularExpression nonHexLetter(QStringLiteral("[g-zG-Z]"));
    return text.contains(nonHexLetter) && !text.contains(u':');
}

QString unixRefusal(const QString &address)
{
    if (address.isEmpty())
        return QStringLiteral("a Unix socket address must not be empty");
    if (hasControlCharacters(address))
        return QStringLiteral("%1 contains control characters").arg(quoted(address));
    if (address.startsWith(u'@')) {
        const qsizetype bytes = address.mid(1).toUtf8().size();
        if (bytes < 1 || bytes > MaxAbstractNameBytes)
            return QStringLiteral("an abstract Unix name needs 1 to %1 bytes after '@'")
                .arg(MaxAbstractNameBytes);
        return {};
    }
    // The same spellings are refused by the JSON Schema, where a Unix path and an IP address share one
    // string type.
    static const QRegularExpression ipLike(QStringLiteral("^([0-9.]+|[0-9a-fA-F.]*:[0-9a-fA-F:.]*)$"));
    if (ipLike.match(address).hasMatch())
        return QStringLiteral("%1 looks like an IP address, but the socket is AF_UNIX: its address is a file "
                              "name such as \"echo.sock\"")
            .arg(quoted(address));
    if (address.startsWith(u'/'))
        return QStringLiteral("Unix path %1 is absolute; use a name inside the session's own directory "
                              "(\"echo.sock\") or an abstract name (\"@echo\")")
            .arg(quoted(address));
    if (address.split(u'/').contains(QStringLiteral("..")))
        return QStringLiteral("Unix path %1 leaves the session's own directory (\"..\")")
            .arg(quoted(address));
    if (address.toUtf8().size() > MaxUnixPathBytes)
        return QStringLiteral("Unix path %1 is longer than %2 bytes")
            .arg(quoted(address))
            .arg(MaxUnixPathBytes);
    return {};
}

// Says what went wrong with text that inet_pton refused, in the terms a student would use.
QString notAnAddress(const QString &address, bool v6)
{
    if (address.isEmpty())
        return QStringLiteral("the address must not be empty");
    if (address.trimmed() != address || hasControlCharacters(address))
        return QStringLiteral("%1 has spaces or invisible characters around or in it").arg(quoted(address));
    if (looksLikeHostName(address))
        return QStringLiteral("%1 is a name, not an address: names are not looked up; write %2")
            .arg(quoted(address), v6 ? QStringLiteral("::1") : QStringLiteral("127.0.0.1"));
    in_addr v4{};
    in6_addr v6Address{};
    const QByteArray text = address.toLatin1();
    if (v6 && inet_pton(AF_INET, text.constData(), &v4) == 1)
        return QStringLiteral("%1 is an IPv4 address, but the socket is AF_INET6: write ::1")
            .arg(quoted(address));
    if (!v6 && inet_pton(AF_INET6, text.constData(), &v6Address) == 1)
        return QStringLiteral("%1 is an IPv6 address, but the socket is AF_INET: write 127.0.0.1")
            .arg(quoted(address));
    return QStringLiteral("%1 is not an %2 address")
        .arg(quoted(address), v6 ? QStringLiteral("IPv6") : QStringLiteral("IPv4"));
}

QString inetRefusal(const QString &address)
{
    in_addr v4{};
    if (address.contains(QChar(0)) || inet_pton(AF_INET, address.toLatin1().constData(), &v4) != 1)
        return notAnAddress(address, false);
    if (v4.s_addr == htonl(INADDR_ANY))
        return QStringLiteral("0.0.0.0 means every interface of the machine, not only loopback; "
                              "write 127.0.0.1");
    if ((ntohl(v4.s_addr) >> 24) != 127)
        return QStringLiteral("%1 is not a loopback address: scenarios use 127.0.0.0/8 only, so that nothing "
                              "leaves this machine")
            .arg(address);
    return {};
}

QString inet6Refusal(const QString &address)
{
    in6_addr v6{};
    if (address.contains(QChar(0)) || inet_pton(AF_INET6, address.toLatin1().constData(), &v6) != 1)
        return notAnAddress(address, true);
    if (IN6_IS_ADDR_UNSPECIFIED(&v6))
        return QStringLiteral(":: means every interface of the machine, not only loopback; write ::1");
    if (IN6_IS_ADDR_V4MAPPED(&v6))
        return QStringLiteral("%1 is an IPv4 address written as IPv6; IPv6 scenarios use ::1 only")
            .arg(address);
    if (!IN6_IS_ADDR_LOOPBACK(&v6))
        return QStringLiteral("%1 is not the loopback address: IPv6 scenarios use ::1 only, so that nothing "
                              "leaves this machine")
            .arg(address);
    return {};
}

} // namespace

QString refusal(const QString &domain, const QString &address)
{
    if (domain == QLatin1String("AF_UNIX"))
        return unixRefusal(address);
    if (domain == QLatin1String("AF_INET"))
        return inetRefusal(address);
    if (domain == QLatin1String("AF_INET6"))
        return inet6Refusal(address);
    return QStringLiteral("the socket's address family is unknown, so %1 cannot be checked")
        .arg(quoted(address));
}

bool isLoopback(const sockaddr *address, socklen_t length)
{
    if (!address || length < socklen_t(sizeof(sa_family_t)))
        return false;
    switch (address->sa_family) {
    case AF_INET:
        return length >= socklen_t(sizeof(sockaddr_in)) &&
               (ntohl(reinterpret_cast<const sockaddr_in *>(address)->sin_addr.s_addr) >> 24) == 127;
    case AF_INET6:
        return length >= socklen_t(sizeof(sockaddr_in6)) &&
               IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6 *>(address)->sin6_addr);
    case AF_UNIX:
        return true;
    default:
        return false;
    }
}

} // namespace addresspolicy
