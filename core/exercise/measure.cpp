#include "exercise/measure.h"

#include <QList>

const QList<Measure> &allMeasures()
{
    static const QList<Measure> measures = {
        Measure::Result, Measure::Errno,       Measure::Blocks,    Measure::Packets,   Measure::Flags,
        Measure::State,  Measure::AcceptQueue, Measure::RecvQueue, Measure::LocalPort, Measure::Data};
    return measures;
}

QString measureName(Measure measure)
{
    switch (measure) {
    case Measure::Result:
        return QStringLiteral("result");
    case Measure::Errno:
        return QStringLiteral("errno");
    case Measure::Blocks:
        return QStringLiteral("blocks");
    case Measure::Packets:
        return QStringLiteral("packets");
    case Measure::Flags:
        return QStringLiteral("flags");
    case Measure::State:
        return QStringLiteral("state");
    case Measure::AcceptQueue:
        return QStringLiteral("accept_queue");
    case Measure::RecvQueue:
        return QStringLiteral("recv_queue");
    case Measure::LocalPort:
        return QStringLiteral("local_port");
    case Measure::Data:
        return QStringLiteral("data");
    }
    return {};
}

std::optional<Measure> measureFromName(const QString &name)
{
    for (Measure measure : allMeasures()) {
        if (measureName(measure) == name)
            return measure;
    }
    return std::nullopt;
}

bool measureNeedsSocket(Measure measure)
{
    switch (measure) {
    case Measure::State:
    case Measure::AcceptQueue:
    case Measure::RecvQueue:
    case Measure::LocalPort:
        return true;
    case Measure::Result:
    case Measure::Errno:
    case Measure::Blocks:
    case Measure::Packets:
    case Measure::Flags:
    case Measure::Data:
        return false;
    }
    return false;
}

QString measureDescription(Measure measure)
{
    switch (measure) {
    case Measure::Result:
        return QStringLiteral("the value the call returned");
    case Measure::Errno:
        return QStringLiteral("the errno the call set (or none)");
    case Measure::Blocks:
        return QStringLiteral("whether the call waited");
    case Measure::Packets:
        return QStringLiteral("how many packets the step put on the wire");
    case Measure::Flags:
        return QStringLiteral("the TCP flags of the step's packets, in order");
    case Measure::State:
        return QStringLiteral("the socket's TCP state after the step");
    case Measure::AcceptQueue:
        return QStringLiteral("the connections waiting in the accept queue after the step");
    case Measure::RecvQueue:
        return QStringLiteral("the bytes waiting in the receive queue after the step");
    case Measure::LocalPort:
        return QStringLiteral("the socket's local port after the step");
    case Measure::Data:
        return QStringLiteral("the bytes the call moved");
    }
    return {};
}
