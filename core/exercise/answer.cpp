#include "exercise/answer.h"

#include "exercise/exercise.h"
#include "posix/symbols.h"
#include "projections/tcpstatemachine.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cctype>
#include <cmath>

namespace answer {
namespace {

const QStringList &tcpFlags()
{
    static const QStringList flags = {QStringLiteral("SYN"), QStringLiteral("FIN"), QStringLiteral("RST"),
                                      QStringLiteral("PSH"), QStringLiteral("ACK"), QStringLiteral("URG"),
                                      QStringLiteral("ECE"), QStringLiteral("CWR")};
    return flags;
}

Parsed failed(const QString &problem)
{
    return Parsed{QJsonValue(QJsonValue::Undefined), problem};
}

std::optional<qint64> wholeNumber(const QJsonValue &given)
{
    if (given.isDouble()) {
        // Beyond ±2^53 a double is no longer a whole number a person typed (and a cast of one past
        // 2^63 is undefined).
        constexpr double Limit = 9007199254740992.0;
        const double number = given.toDouble();
        if (number >= -Limit && number <= Limit && number == std::trunc(number))
            return qint64(number);
        return std::nullopt;
    }
    if (given.isString()) {
        bool ok = false;
        const qint64 number = given.toString().trimmed().toLongLong(&ok);
        if (ok)
            return number;
    }
    return std::nullopt;
}

Parsed parseCount(const QJsonValue &given, qint64 maximum)
{
    const std::optional<qint64> number = wholeNumber(given);
    if (!number || *number < 0 || *number > maximum)
        return failed(QStringLiteral("must be a whole number from 0 to %1").arg(maximum));
    return Parsed{QJsonValue(*number), {}};
}

Parsed parseErrno(const QJsonValue &given)
{
    if (given.isNull())
        return Parsed{QStringLiteral("none"), {}};
    if (!given.isString())
        return failed(QStringLiteral("must be an errno name such as ECONNREFUSED, or none"));
    const QString name = given.toString().trimmed().toUpper();
    if (name.isEmpty() || name == QLatin1String("NONE") || name == QLatin1String("0"))
        return Parsed{QStringLiteral("none"), {}};
    const std::optional<int> value = symbols::errnoValue(name);
    if (!value)
        return failed(QStringLiteral("\"%1\" is not an errno name (such as ECONNREFUSED), nor none")
                          .arg(given.toString()));
    return Parsed{symbols::errnoName(*value), {}};
}

Parsed parseBlocks(const QJsonValue &given)
{
    if (given.isBool())
        return Parsed{given, {}};
    const QString word = given.toString().trimmed().toLower();
    if (word == QLatin1String("true") || word == QLatin1String("yes"))
        return Parsed{true, {}};
    if (word == QLatin1String("false") || word == QLatin1String("no"))
        return Parsed{false, {}};
    return failed(QStringLiteral("must be true (the call waits) or false"));
}

// One packet's flags, "SYN+ACK" or "syn ack", as the canonical word.
std::optional<QString> flagsOfOnePacket(const QString &word, QString &problem)
{
    QStringList flags;
    for (const QString &flag :
         word.toUpper().split(QRegularExpression(QStringLiteral("[+/|]+")), Qt::SkipEmptyParts)) {
        if (flags.contains(flag)) {
            problem =
                QStringLiteral("%1 appears twice in one packet (separate packets with commas)").arg(flag);
            return std::nullopt;
        }
        if (!tcpFlags().contains(flag)) {
            problem =
                QStringLiteral("\"%1\" is not a TCP flag (SYN, FIN, RST, PSH, ACK, URG, ECE, CWR)").arg(flag);
            return std::nullopt;
        }
        flags << flag;
    }
    if (flags.isEmpty()) {
        problem = QStringLiteral("a packet's flags are missing");
        return std::nullopt;
    }
    return flagsWord(flags);
}

Parsed parseFlags(const QJsonValue &given)
{
    QStringList words;
    if (given.isArray()) {
        for (const auto &item : given.toArray()) {
            if (!item.isString())
                return failed(
                    QStringLiteral("must be a list of flag words such as [\"SYN\", \"SYN+ACK\", \"ACK\"]"));
            words << item.toString();
        }
    } else if (given.isString()) {
        // "SYN, SYN+ACK, ACK" or "SYN SYN+ACK ACK": one word per packet, its flags joined by '+'.
        words = given.toString().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
        if (words.isEmpty())
            return failed(QStringLiteral("write the packets' flags, or none"));
    } else {
        return failed(QStringLiteral("must be a list of flag words such as [\"SYN\", \"SYN+ACK\", \"ACK\"]"));
    }
    QJsonArray canonical;
    for (const QString &word : std::as_const(words)) {
        if (word.trimmed().compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 && words.size() == 1)
            break; // no packet at all
        QString problem;
        const std::optional<QString> packet = flagsOfOnePacket(word.trimmed(), problem);
        if (!packet)
            return failed(problem);
        canonical.append(*packet);
    }
    return Parsed{canonical, {}};
}

Parsed parseState(const QJsonValue &given)
{
    const QString name = given.toString().trimmed().toUpper().replace(u'-', u'_').replace(u' ', u'_');
    const QString state = tcpstatemachine::fromKernel(name);
    if (!given.isString() || state.isEmpty())
        return failed(QStringLiteral("must be a TCP state (%1)").arg(tcpstatemachine::states().join(u", ")));
    return Parsed{state, {}};
}

} // namespace

Parsed parse(Measure measure, const QJsonValue &given)
{
    switch (measure) {
    case Measure::Result: {
        const std::optional<qint64> number = wholeNumber(given);
        if (!number)
            return failed(QStringLiteral("must be a whole number, such as 0 or -1"));
        return Parsed{QJsonValue(*number), {}};
    }
    case Measure::Errno:
        return parseErrno(given);
    case Measure::Blocks:
        return parseBlocks(given);
    case Measure::Packets:
    case Measure::AcceptQueue:
        return parseCount(given, 1000000);
    case Measure::RecvQueue:
        return parseCount(given, qint64(1) << 40);
    case Measure::LocalPort:
        return parseCount(given, 65535);
    case Measure::Flags:
        return parseFlags(given);
    case Measure::State:
        return parseState(given);
    case Measure::Data:
        if (!given.isString() || given.toString().isEmpty())
            return failed(QStringLiteral("must be text (\\n for a line end)"));
        return Parsed{unescape(given.toString()), {}};
    }
    return failed(QStringLiteral("unknown measure"));
}

bool matches(Measure measure, const QJsonValue &given, const QJsonValue &measured)
{
    if (given.isUndefined() || measured.isUndefined())
        return false;
    if (measure == Measure::Data) {
        QString a = given.toString();
        QString b = measured.toString();
        for (QString *text : {&a, &b}) {
            if (text->endsWith(QLatin1String("\r\n")))
                text->chop(2);
            else if (text->endsWith(u'\n'))
                text->chop(1);
        }
        return a == b;
    }
    if (given.isDouble() && measured.isDouble())
        return given.toInteger() == measured.toInteger();
    return given == measured;
}

QString toText(Measure measure, const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("(none)");
    switch (measure) {
    case Measure::Result:
    case Measure::Packets:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
    case Measure::LocalPort:
        return QString::number(value.toInteger());
    case Measure::Blocks:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case Measure::Errno:
    case Measure::State:
        return value.toString();
    case Measure::Flags: {
        QStringList words;
        for (const auto &word : value.toArray())
            words << word.toString();
        return words.isEmpty() ? QStringLiteral("none") : words.join(QStringLiteral(", "));
    }
    case Measure::Data:
        return u'"' + escape(value.toString().toUtf8()) + u'"';
    }
    return {};
}

QString expected(Measure measure)
{
    switch (measure) {
    case Measure::Result:
        return QStringLiteral("a whole number, such as 0 or -1");
    case Measure::Errno:
        return QStringLiteral("an errno name such as ECONNREFUSED, or none");
    case Measure::Blocks:
        return QStringLiteral("true or false");
    case Measure::Packets:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
        return QStringLiteral("a whole number, 0 or more");
    case Measure::LocalPort:
        return QStringLiteral("a port number, 0 to 65535");
    case Measure::Flags:
        return QStringLiteral("the packets' flags in order, such as SYN, SYN+ACK, ACK");
    case Measure::State:
        return QStringLiteral("a TCP state such as ESTABLISHED");
    case Measure::Data:
        return QStringLiteral("text (\\n for a line end)");
    }
    return {};
}

QString unescape(const QString &text)
{
    QByteArray bytes;
    const QByteArray utf8 = text.toUtf8();
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8.at(i);
        if (c != '\\' || i + 1 >= utf8.size()) {
            bytes.append(c);
            continue;
        }
        const char next = utf8.at(++i);
        switch (next) {
        case 'n':
            bytes.append('\n');
            break;
        case 'r':
            bytes.append('\r');
            break;
        case 't':
            bytes.append('\t');
            break;
        case '0':
            bytes.append('\0');
            break;
        case 'x':
            if (i + 2 < utf8.size() && std::isxdigit(static_cast<unsigned char>(utf8.at(i + 1))) &&
                std::isxdigit(static_cast<unsigned char>(utf8.at(i + 2)))) {
                bytes.append(QByteArray::fromHex(utf8.mid(i + 1, 2)));
                i += 2;
            } else {
                bytes.append("\\x");
            }
            break;
        default:
            bytes.append(next);
            break;
        }
    }
    return QString::fromUtf8(bytes);
}

QString escape(const QByteArray &bytes)
{
    QString text;
    const QString decoded = QString::fromUtf8(bytes);
    for (const QChar c : decoded) {
        switch (c.unicode()) {
        case '\n':
            text += QStringLiteral("\\n");
            break;
        case '\r':
            text += QStringLiteral("\\r");
            break;
        case '\t':
            text += QStringLiteral("\\t");
            break;
        case '\\':
            text += QStringLiteral("\\\\");
            break;
        default:
            if (c.unicode() < 0x20)
                text += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                text += c;
        }
    }
    return text;
}

} // namespace answer
