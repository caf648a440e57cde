#pragma once

#include <QList>
#include <QString>
#include <QStringList>

/// The standard TCP state diagram (RFC 793, figure 6), and the kernel's names for its states.
namespace tcpstatemachine {

struct Transition
{
    QString from;
    QString to;
    QString label; // "recv SYN / send SYN+ACK"
};

/// CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT,
/// CLOSE_WAIT, LAST_ACK.
const QStringList &states();
const QList<Transition> &transitions();

/// The diagram's name for a state as Linux reports it ("SYN_RECV" → "SYN_RECEIVED",
/// "FIN_WAIT1" → "FIN_WAIT_1", "CLOSE" → "CLOSED"); empty when it is none of them.
QString fromKernel(const QString &kernelName);
/// The transition from → to of the diagram (diagram names), or nullptr when there is no such edge.
const Transition *find(const QString &from, const QString &to);
/// A sentence on why a socket of this domain and type has no TCP states, or empty for TCP.
QString whyNoStates(const QString &domain, const QString &type);

} // namespace tcpstatemachine
