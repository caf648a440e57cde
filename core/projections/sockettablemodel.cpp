#include "projections/sockettablemodel.h"

namespace {

QVariant figure(int value)
{
    return value < 0 ? QVariant(QStringLiteral("–")) : QVariant(value);
}

} // namespace

SocketTableModel::SocketTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

bool SocketTableModel::setSnapshot(const SessionSnapshot &snapshot)
{
    // A queued connection that accept() took is the same connection as the accepted socket's
    // row: it is not listed twice.
    QList<SnapshotSocket> sockets;
    for (const SnapshotSocket &socket : snapshot.sockets) {
        if (socket.acceptedAs.isEmpty())
            sockets << socket;
    }
    if (sockets == m_sockets)
        return false;
    beginResetModel();
    m_sockets = std::move(sockets);
    endResetModel();
    return true;
}

int SocketTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_sockets.size());
}

int SocketTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SocketTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SnapshotSocket &socket = m_sockets.at(index.row());
    if (role == Qt::ToolTipRole && index.column() == State)
        return socket.state.isEmpty()
                   ? QStringLiteral("The kernel has not reported a state for this socket.")
                   : QStringLiteral("Reported by the kernel; before: ") + socket.previousState;
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (index.column()) {
    case Name:
        return socket.name;
    case Actor:
        return socket.actor;
    case Fd:
        return socket.closed ? QVariant(QStringLiteral("closed")) : figure(socket.fd);
    case Type:
        return socket.type;
    case Local:
        return socket.local;
    case Peer:
        return socket.peer;
    case State:
        return socket.state.isEmpty() ? QStringLiteral("not reported") : socket.state;
    case AcceptQueue:
        return socket.acceptQueue < 0
                   ? QVariant(QStringLiteral("–"))
                   : QVariant(QStringLiteral("%1/%2").arg(socket.acceptQueue).arg(socket.backlog));
    case ReceiveQueue:
        return figure(socket.receiveQueue);
    case SendQueue:
        return figure(socket.sendQueue);
    default:
        return {};
    }
}

QVariant SocketTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{QStringLiteral("Socket"), QStringLiteral("Program"),
                                    QStringLiteral("fd"),     QStringLiteral("Type"),
                                    QStringLiteral("Local"),  QStringLiteral("Peer"),
                                    QStringLiteral("State"),  QStringLiteral("Accept queue"),
                                    QStringLiteral("Recv-Q"), QStringLiteral("Send-Q")};
    return titles.value(section);
}
