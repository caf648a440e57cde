#include "sockets/sockettableview.h"

#include "common/viewcontext.h"

#include <QHeaderView>
#include <QItemSelectionModel>

SocketTableView::SocketTableView(ViewContext *context, QWidget *parent)
    : QTableView(parent)
    , m_context(context)
    , m_model(new SocketTableModel(this))
{
    setObjectName(QStringLiteral("socketTable"));
    setAccessibleName(QStringLiteral("Sockets at this step"));
    setModel(m_model);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAlternatingRowColors(true);
    verticalHeader()->hide();
    horizontalHeader()->setStretchLastSection(true);
    connect(m_context, &ViewContext::cursorChanged, this, &SocketTableView::refresh);
    connect(m_context, &ViewContext::sessionChanged, this, &SocketTableView::refresh);
    connect(m_context, &ViewContext::selectionChanged, this, &SocketTableView::refresh);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_context->selectSocket(
                        m_model->index(current.row(), SocketTableModel::Name).data().toString());
            });
    refresh();
}

void SocketTableView::refresh()
{
    // Columns are fitted when the contents change, not on every layout (ResizeToContents would).
    if (m_model->setSnapshot(m_context->snapshot()))
        resizeColumnsToContents();
    const QString selected = m_context->selectedSocket();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, SocketTableModel::Name);
        if (index.data().toString() == selected && selectionModel()->currentIndex().row() != row) {
            selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
            break;
        }
    }
}
