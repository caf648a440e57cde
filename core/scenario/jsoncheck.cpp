#include "scenario/jsoncheck.h"

#include <QRegularExpression>

#include <cmath>

namespace jsoncheck {

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

} // namespace jsoncheck
