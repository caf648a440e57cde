#pragma once

#include "scenario/call.h"

#include <QList>
#include <QString>
#include <QStringList>

/// The form of one argument of a call, as written in a scenario file.
struct ArgSpec
{
    enum class Type {
        Integer, // any whole number within [minimum, maximum]
        Port,    // 0..65535
        Text,    // a string
        Address, // a loopback IP address, a Unix path in the session directory, or "@abstract"
        Choice,  // one of `choices`
        Flags,   // a list drawn from `choices`
        Boolean,
    };
    QString name;
    Type type = Type::Text;
    bool required = false;
    QStringList choices;
    qint64 minimum = 0;
    qint64 maximum = 0;
    QString help;
};

/// The calls a scenario may make, with their arguments. Shared by the loader, the engine and the
/// code generator.
struct CallSpec
{
    Call call = Call::Socket;
    bool usesSocket = false;    // the step names an existing socket in "socket"
    bool createsSocket = false; // the step names the new socket in "creates"
    bool mayBlock = false;      // the call can wait for the kernel or the peer
    bool systemCall = true;     // "process" runs in user space only
    QList<ArgSpec> args;
    QString help;

    QString name() const { return callName(call); }
    const ArgSpec *arg(const QString &name) const;
};

namespace callspecs {
const QList<CallSpec> &all();
/// The spec of `call`; every call has one.
const CallSpec &of(Call call);
/// The spec of the call named `name`, or null when no call has that name.
const CallSpec *find(QStringView name);
QStringList names();
} // namespace callspecs
