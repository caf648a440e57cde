#include "exercise/variant.h"

#include "scenario/jsoncheck.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtEndian>

namespace variant {
namespace {

const QRegularExpression &placeholder()
{
    static const QRegularExpression pattern(QStringLiteral("\\$\\{([^}]*)\\}"));
    return pattern;
}

QString text(const QJsonValue &value)
{
    return value.isDouble() ? QString::number(value.toInteger()) : value.toString();
}

QJsonValue substituteString(const QString &string, const QMap<QString, QJsonValue> &values,
                            const QString &path)
{
    QString result;
    qsizetype last = 0;
    auto matches = placeholder().globalMatch(string);
    while (matches.hasNext()) {
        const QRegularExpressionMatch match = matches.next();
        const QString name = match.captured(1);
        if (!values.contains(name))
            jsoncheck::fail(path, QStringLiteral("the scenario uses \"${%1}\", but the exercise declares no "
                                                 "variable \"%1\" (add it to \"variables\")")
                                      .arg(name));
        if (match.capturedStart() == 0 && match.capturedLength() == string.size())
            return values.value(name);
        result += string.mid(last, match.capturedStart() - last) + text(values.value(name));
        last = match.capturedEnd();
    }
    return last == 0 ? QJsonValue(string) : QJsonValue(result + string.mid(last));
}

} // namespace

QJsonValue draw(const ExerciseVariable &variable, const QString &exerciseId, const QString &student)
{
    // SHA-256 of the three names, not a library's random generator: the same draw everywhere, in
    // every version, so that a result file can be checked against its student's variant.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &part : {exerciseId, student, variable.name}) {
        hash.addData(part.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    }
    const QByteArray digest = hash.result();
    const quint64 number = qFromBigEndian<quint64>(digest.constData());
    if (variable.isRange) {
        const auto span = quint64(variable.high - variable.low) + 1;
        return QJsonValue(variable.low + qint64(number % span));
    }
    if (variable.choices.isEmpty())
        return {};
    return variable.choices.at(qsizetype(number % quint64(variable.choices.size())));
}

QJsonValue substitute(const QJsonValue &value, const QMap<QString, QJsonValue> &values, const QString &path)
{
    if (value.isString())
        return substituteString(value.toString(), values, path);
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            array[i] = substitute(array.at(i), values, path + QStringLiteral("[%1]").arg(i));
        return array;
    }
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = substitute(it.value(), values, path + u'.' + it.key());
        return object;
    }
    return value;
}

QStringList namesUsed(const QJsonValue &value)
{
    QStringList names;
    if (value.isString()) {
        auto matches = placeholder().globalMatch(value.toString());
        while (matches.hasNext())
            names << matches.next().captured(1);
    } else if (value.isArray()) {
        for (const auto &item : value.toArray())
            names << namesUsed(item);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            names << namesUsed(it.value());
    }
    names.removeDuplicates();
    return names;
}

} // namespace variant
