#pragma once

#include <QString>
#include <QStringList>

/// A student's explanation of an errno the engine can meet.
namespace errnoinfo {

/// One sentence for `errnoName` ("ECONNREFUSED: nobody is listening …"); when the name is not in the
/// table, the C library's own message.
QString explain(const QString &errnoName);
/// Like explain(), but tuned to the call that failed when that helps ("bind" + EADDRINUSE).
QString explain(const QString &errnoName, const QString &call);
/// Every errno name with a hand-written explanation.
QStringList knownNames();

} // namespace errnoinfo
