#pragma once

#include "projections/sockettablemodel.h"

#include <QTableView>

class ViewContext;

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
