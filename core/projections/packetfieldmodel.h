#pragma once

#include "decode/packetdecoder.h"

#include <QAbstractItemModel>

/// The layers of one frame as a tree of fields (name, value), for the inspector. Each field knows
/// the bytes it came from (OffsetRole, LengthRole), so a view can highlight them in the hex dump.
class PacketFieldModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Value, ColumnCount };
    enum Role { OffsetRole = Qt::UserRole + 1, LengthRole };

    explicit PacketFieldModel(QObject *parent = nullptr);

    /// Shows the fields of `frame` (empty: nothing).
    void setFrame(const QByteArray &frame);
    QByteArray frame() const { return m_frame; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        DecodedField field;
        int parent = -1; // index into m_nodes, -1 for a layer
        int row = 0;     // among its siblings
        QList<int> children;
    };
    void add(const DecodedField &field, int parent, int row);

    QByteArray m_frame;
    QList<Node> m_nodes;
    QList<int> m_roots;
};
