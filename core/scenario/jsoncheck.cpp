#include "scenario/jsoncheck.h"

#include <QFile>
#include <QJsonParseError>
#include <QRegularExpression>

#include <cmath>

namespace jsoncheck {
namespace {

// QJsonParseError gives a byte offset; a teacher's editor counts characters, so UTF-8 continuation
// bytes do not move the column.
QPair<int, int> lineAndColumn(const QByteArray &text, qsizetype offset)
{
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == '\n') {
            ++line;
            column = 1;
        } else if ((quint8(text.at(i)) & 0xc0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

// Qt's messages ("unterminated object") name the parser's state; a teacher needs the character to
// add or remove.
QString parseProblem(const QJsonParseError &error, const QString &what)
{
    switch (error.error) {
    case QJsonParseError::UnterminatedObject:
        return QStringLiteral("a ',' or '}' is missing (keys and text need double quotes)");
    case QJsonParseError::MissingNameSeparator:
        return QStringLiteral("a ':' is missing after a key");
    case QJsonParseError::UnterminatedArray:
        return QStringLiteral("a ',' or ']' is missing");
    case QJsonParseError::MissingValueSeparator:
        return QStringLiteral("a ',' is missing between two values");
    case QJsonParseError::IllegalValue:
        return QStringLiteral("this is not a JSON value (text needs double quotes; true, false and null are "
                              "lowercase)");
    case QJsonParseError::MissingObject:
        return QStringLiteral("a value is missing after a comma (JSON allows no comma before '}' or ']')");
    case QJsonParseError::GarbageAtEnd:
        return QStringLiteral("there is more text after the %1's closing '}'").arg(what);
    case QJsonParseError::UnterminatedString:
        return QStringLiteral("a string is not closed");
    case QJsonParseError::IllegalUTF8String:
        return QStringLiteral("the text is not UTF-8");
    default:
        return error.errorString();
    }
}

// A string left open runs to the end of the file, where the parser notices it; the mistake is on
// the line where the string meets a line break, which JSON never allows inside a string.
qsizetype openStringAtLineEnd(const QByteArray &text)
{
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (!inString) {
            inString = c == '"';
        } else if (c == '\\') {
            ++i;
        } else if (c == '"') {
            inString = false;
        } else if (c == '\n') {
            return i;
        }
    }
    return -1;
}

} // namespace

void fail(const QString &path, const QString &reason)
{
    throw Failure{path, reason};
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString string(const QJsonObject &object, const QString &key, const QString &path, bool required)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        if (required)
            fail(path, QStringLiteral("\"%1\" is missing").arg(key));
        return {};
    }
    if (!value.isString())
        fail(path + u'.' + key, QStringLiteral("must be a string, not %1").arg(typeName(value)));
    if (required && value.toString().trimmed().isEmpty())
        fail(path + u'.' + key, QStringLiteral("must not be empty"));
    return value.toString();
}

qint64 wholeNumber(const QJsonValue &value, const QString &path, qint64 minimum, qint64 maximum,
                   const QString &what)
{
    if (value.isString()) {
        bool isNumber = false;
        value.toString().toLongLong(&isNumber);
        if (isNumber)
            fail(path, QStringLiteral("must be a number, not a string: write %1 without quotes")
                           .arg(value.toString()));
    }
    if (!value.isDouble())
        fail(path, QStringLiteral("must be a whole number, not %1").arg(typeName(value)));
    // Compare as a double first: casting a huge double to an integer is undefined.
    const double number = value.toDouble();
    if (number != std::floor(number))
        fail(path, QStringLiteral("must be a whole number, not %1").arg(number));
    if (number < double(minimum) || number > double(maximum)) {
        const QString shown = QString::number(number, 'g', 20);
        fail(path, QStringLiteral("%1%2 is out of range (%3 to %4)")
                       .arg(what.isEmpty() ? QString() : what + u' ', shown)
                       .arg(minimum)
                       .arg(maximum));
    }
    return qint64(number);
}

bool boolean(const QJsonValue &value, const QString &path)
{
    if (!value.isBool())
        fail(path, QStringLiteral("must be true or false, not %1").arg(typeName(value)));
    return value.toBool();
}

void rejectUnknownKeys(const QJsonObject &object, const QStringList &known, const QString &path)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            fail(path + u'.' + it.key(),
                 QStringLiteral("unknown key \"%1\" (expected one of: %2)").arg(it.key(), known.join(u", ")));
    }
}

bool isIdentifier(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_-]{0,39}$"));
    return pattern.match(text).hasMatch();
}

std::optional<ParseProblem> parseDocument(const QByteArray &json, QJsonDocument &document,
                                          const QString &what)
{
    QJsonParseError parseError;
    document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error == QJsonParseError::NoError)
        return std::nullopt;
    const qsizetype openString = openStringAtLineEnd(json);
    const bool stringLeftOpen = parseError.error == QJsonParseError::UnterminatedString && openString >= 0 &&
                                openString < parseError.offset;
    const auto [line, column] = lineAndColumn(json, stringLeftOpen ? openString : parseError.offset);
    return ParseProblem{line, column,
                        QStringLiteral("the text is not valid JSON: ") +
                            (stringLeftOpen
                                 ? QStringLiteral("a string is not closed before the end of the line")
                                 : parseProblem(parseError, what))};
}

QStringList readIndex(const QString &fileName)
{
    QFile index(fileName);
    QStringList ids;
    if (index.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : index.readAll().split('\n')) {
            const QString id = QString::fromUtf8(line.trimmed());
            if (!id.isEmpty() && !id.startsWith(u'#'))
                ids << id;
        }
    }
    return ids;
}

} // namespace jsoncheck
