#pragma once

#include <QPointer>
#include <QWidget>

class HexView;
class PacketFieldModel;
class QLabel;
class QStackedWidget;
class QTextBrowser;
class QTreeView;
class Trace;
class ViewContext;

/// One event in detail. A packet: its layers as a tree of fields and its bytes as a hex/ASCII dump;
/// hovering or choosing a field highlights its bytes. A call: its arguments, result, errno name and
/// what that errno means, in plain words.
class Inspector : public QWidget
{
    Q_OBJECT
public:
    explicit Inspector(QWidget *parent = nullptr);
    /// Shows the selected event, or else the last call or packet before the cursor.
    explicit Inspector(ViewContext &context, QWidget *parent = nullptr);
    ~Inspector() override;

    /// Shows event `seq` of `trace` (-1: nothing).
    void showEvent(const Trace *trace, qint64 seq);
    qint64 shownEvent() const { return m_seq; }

    PacketFieldModel *fieldModel() const { return m_fields; }
    QTreeView *fieldTree() const { return m_tree; }
    HexView *hexView() const { return m_hex; }
    /// The text of the call page (plain text), for tests and screen readers.
    QString callText() const;
    bool showsPacket() const;

private:
    void followContext();
    void highlightField(const QModelIndex &index);

    QPointer<ViewContext> m_context;
    qint64 m_seq = -1;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_empty = nullptr;
    QWidget *m_packetPage = nullptr;
    QLabel *m_packetTitle = nullptr;
    QTreeView *m_tree = nullptr;
    PacketFieldModel *m_fields = nullptr;
    HexView *m_hex = nullptr;
    QTextBrowser *m_text = nullptr;
};
