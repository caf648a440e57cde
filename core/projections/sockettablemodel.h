#pragma once

#include "projections/sessionsnapshot.h"

#include <QAbstractTableModel>

/// The sockets at the cursor as rows: name, program, descriptor, type, addresses, state, queues.
/// A queued connection that accept() took is listed once, as the socket it became.
class SocketTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Actor,
        Fd,
        Type,
        Local,
        Peer,
        State,
        AcceptQueue,
        ReceiveQueue,
        SendQueue,
        ColumnCount
    };

    explicit SocketTableModel(QObject *parent = nullptr);

    /// Shows the sockets of `snapshot`; false when nothing changed.
    bool setSnapshot(const SessionSnapshot &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<SnapshotSocket> m_sockets;
};
