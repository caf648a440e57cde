#pragma once

#include "projections/sessionsnapshot.h"

#include <QAbstractTableModel>
#include <QTableView>

class ViewContext;

/// The sockets at the cursor as rows: name, program, descriptor, type, addresses, state, queues.
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

/// The socket table dock: follows the cursor, and selecting a row selects the socket everywhere.
class SocketTableView : public QTableView
{
    Q_OBJECT
public:
    explicit SocketTableView(ViewContext *context, QWidget *parent = nullptr);

    SocketTableModel *socketModel() const { return m_model; }

private:
    void refresh();

    ViewContext *m_context;
    SocketTableModel *m_model;
};
