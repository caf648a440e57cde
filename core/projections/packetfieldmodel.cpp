#include "projections/packetfieldmodel.h"

PacketFieldModel::PacketFieldModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void PacketFieldModel::add(const DecodedField &field, int parent, int row)
{
    const int index = int(m_nodes.size());
    Node node;
    node.field = field;
    node.field.children.clear();
    node.parent = parent;
    node.row = row;
    m_nodes << node;
    if (parent < 0)
        m_roots << index;
    else
        m_nodes[parent].children << index;
    for (int i = 0; i < field.children.size(); ++i)
        add(field.children.at(i), index, i);
}

void PacketFieldModel::setFrame(const QByteArray &frame)
{
    beginResetModel();
    m_frame = frame;
    m_nodes.clear();
    m_roots.clear();
    if (!frame.isEmpty()) {
        const QList<DecodedField> layers = packetdecoder::fields(frame);
        for (int i = 0; i < layers.size(); ++i)
            add(layers.at(i), -1, i);
    }
    endResetModel();
}

QModelIndex PacketFieldModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    const QList<int> &siblings = parent.isValid() ? m_nodes.at(int(parent.internalId())).children : m_roots;
    if (row >= siblings.size())
        return {};
    return createIndex(row, column, quintptr(siblings.at(row)));
}

QModelIndex PacketFieldModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int parent = m_nodes.at(int(child.internalId())).parent;
    if (parent < 0)
        return {};
    return createIndex(m_nodes.at(parent).row, 0, quintptr(parent));
}

int PacketFieldModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_roots.size());
    if (parent.column() != 0)
        return 0;
    return int(m_nodes.at(int(parent.internalId())).children.size());
}

int PacketFieldModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant PacketFieldModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const DecodedField &field = m_nodes.at(int(index.internalId())).field;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return index.column() == Name ? field.name : field.value;
    case OffsetRole:
        return field.offset;
    case LengthRole:
        return field.length;
    default:
        return {};
    }
}

QVariant PacketFieldModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == Name ? tr("Field") : tr("Value");
}
