#include "projections/eventmodel.h"

#include "projections/eventtext.h"
#include "trace/trace.h"

EventModel::EventModel(Trace *trace, QObject *parent)
    : QAbstractTableModel(parent)
    , m_trace(trace)
{
    connect(
        trace, &Trace::eventAppended, this,
        [this](qint64 seq) {
            if (seq >= m_rows)
                refresh();
        },
        Qt::QueuedConnection);
    connect(trace, &Trace::cleared, this, [this] {
        beginResetModel();
        m_rows = 0;
        endResetModel();
    });
    refresh();
}

void EventModel::refresh()
{
    const int size = int(m_trace->size());
    if (size <= m_rows)
        return;
    beginInsertRows({}, m_rows, size - 1);
    m_rows = size;
    endInsertRows();
}

int EventModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int EventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TraceEvent &event = m_trace->at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Seq:
            return event.seq;
        case Time:
            return QStringLiteral("%1 ms").arg(double(event.tNs) / 1e6, 0, 'f', 3);
        case Kind:
            return kindName(event.kind());
        case Actor:
            return event.call() ? event.call()->actor : QString();
        case Text:
            return eventtext::line(event).trimmed();
        }
        return {};
    case SeqRole:
        return event.seq;
    case KindRole:
        return int(event.kind());
    case CauseRole:
        return event.cause;
    case StepRole:
        return event.call() ? event.call()->step : -1;
    default:
        return {};
    }
}

QVariant EventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Seq:
        return QStringLiteral("#");
    case Time:
        return QStringLiteral("Time");
    case Kind:
        return QStringLiteral("Kind");
    case Actor:
        return QStringLiteral("Actor");
    case Text:
        return QStringLiteral("What happened");
    }
    return {};
}
