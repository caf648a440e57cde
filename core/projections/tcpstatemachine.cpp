#include "projections/tcpstatemachine.h"

namespace tcpstatemachine {

const QStringList &states()
{
    static const QStringList names = {
        QStringLiteral("CLOSED"),       QStringLiteral("LISTEN"),      QStringLiteral("SYN_SENT"),
        QStringLiteral("SYN_RECEIVED"), QStringLiteral("ESTABLISHED"), QStringLiteral("FIN_WAIT_1"),
        QStringLiteral("FIN_WAIT_2"),   QStringLiteral("CLOSING"),     QStringLiteral("TIME_WAIT"),
        QStringLiteral("CLOSE_WAIT"),   QStringLiteral("LAST_ACK")};
    return names;
}

const QList<Transition> &transitions()
{
    static const QList<Transition> edges = {
        {QStringLiteral("CLOSED"), QStringLiteral("LISTEN"), QStringLiteral("listen()")},
        {QStringLiteral("CLOSED"), QStringLiteral("SYN_SENT"), QStringLiteral("connect() / send SYN")},
        {QStringLiteral("LISTEN"), QStringLiteral("SYN_RECEIVED"), QStringLiteral("recv SYN / send SYN+ACK")},
        {QStringLiteral("LISTEN"), QStringLiteral("CLOSED"), QStringLiteral("close()")},
        {QStringLiteral("SYN_SENT"), QStringLiteral("ESTABLISHED"),
         QStringLiteral("recv SYN+ACK / send ACK")},
        {QStringLiteral("SYN_SENT"), QStringLiteral("SYN_RECEIVED"),
         QStringLiteral("recv SYN / send SYN+ACK")},
        {QStringLiteral("SYN_SENT"), QStringLiteral("CLOSED"), QStringLiteral("close() or timeout")},
        {QStringLiteral("SYN_RECEIVED"), QStringLiteral("ESTABLISHED"), QStringLiteral("recv ACK")},
        {QStringLiteral("SYN_RECEIVED"), QStringLiteral("FIN_WAIT_1"), QStringLiteral("close() / send FIN")},
        {QStringLiteral("SYN_RECEIVED"), QStringLiteral("LISTEN"), QStringLiteral("recv RST")},
        {QStringLiteral("ESTABLISHED"), QStringLiteral("FIN_WAIT_1"), QStringLiteral("close() / send FIN")},
        {QStringLiteral("ESTABLISHED"), QStringLiteral("CLOSE_WAIT"), QStringLiteral("recv FIN / send ACK")},
        {QStringLiteral("FIN_WAIT_1"), QStringLiteral("FIN_WAIT_2"), QStringLiteral("recv ACK")},
        {QStringLiteral("FIN_WAIT_1"), QStringLiteral("CLOSING"), QStringLiteral("recv FIN / send ACK")},
        {QStringLiteral("FIN_WAIT_1"), QStringLiteral("TIME_WAIT"),
         QStringLiteral("recv FIN+ACK / send ACK")},
        {QStringLiteral("FIN_WAIT_2"), QStringLiteral("TIME_WAIT"), QStringLiteral("recv FIN / send ACK")},
        {QStringLiteral("CLOSING"), QStringLiteral("TIME_WAIT"), QStringLiteral("recv ACK")},
        {QStringLiteral("TIME_WAIT"), QStringLiteral("CLOSED"),
         QStringLiteral("after 2 MSL (60 s on Linux)")},
        {QStringLiteral("CLOSE_WAIT"), QStringLiteral("LAST_ACK"), QStringLiteral("close() / send FIN")},
        {QStringLiteral("LAST_ACK"), QStringLiteral("CLOSED"), QStringLiteral("recv ACK")},
    };
    return edges;
}

QString fromKernel(const QString &kernelName)
{
    static const QList<QPair<QString, QString>> names = {
        {QStringLiteral("SYN_RECV"), QStringLiteral("SYN_RECEIVED")},
        {QStringLiteral("NEW_SYN_RECV"), QStringLiteral("SYN_RECEIVED")},
        {QStringLiteral("FIN_WAIT1"), QStringLiteral("FIN_WAIT_1")},
        {QStringLiteral("FIN_WAIT2"), QStringLiteral("FIN_WAIT_2")},
        {QStringLiteral("CLOSE"), QStringLiteral("CLOSED")},
    };
    for (const auto &[kernel, diagram] : names) {
        if (kernelName == kernel)
            return diagram;
    }
    return states().contains(kernelName) ? kernelName : QString();
}

const Transition *find(const QString &from, const QString &to)
{
    for (const Transition &edge : transitions()) {
        if (edge.from == from && edge.to == to)
            return &edge;
    }
    return nullptr;
}

QString whyNoStates(const QString &domain, const QString &type)
{
    if (domain == QLatin1String("AF_UNIX"))
        return QStringLiteral(
            "A Unix-domain socket never leaves this machine: the kernel links the two sockets "
            "directly, with no handshake and no packets, so it has none of TCP's states.");
    if (type == QLatin1String("SOCK_DGRAM"))
        return QStringLiteral(
            "UDP is connectionless: every datagram stands alone, with no handshake and no close, "
            "so a UDP socket has no connection state to move through.");
    if (type == QLatin1String("SOCK_RAW"))
        return QStringLiteral("A raw socket (ICMP echo here) works below the transport layer: no ports, no "
                              "connection, so no TCP states.");
    if (type == QLatin1String("SOCK_SEQPACKET"))
        return QStringLiteral("This sequenced-packet socket is not TCP: its connection is kept by the kernel "
                              "without TCP's handshake or states.");
    return {};
}

} // namespace tcpstatemachine
