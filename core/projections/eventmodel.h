#pragma once

#include <QAbstractTableModel>

class Trace;

/// The trace as a table, one row per event, for lists and inspectors. Rows are added in batches as
/// the trace grows (connect it from the thread the model lives in).
class EventModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Seq, Time, Kind, Actor, Text, ColumnCount };
    enum Role { SeqRole = Qt::UserRole + 1, KindRole, CauseRole, StepRole };

    explicit EventModel(Trace *trace, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Takes in every event published so far.
    void refresh();

private:
    Trace *m_trace;
    int m_rows = 0;
};
