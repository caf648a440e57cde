#include "inspector/inspector.h"

#include "common/viewcontext.h"
#include "inspector/hexview.h"
#include "projections/errnoinfo.h"
#include "projections/eventtext.h"
#include "projections/packetfieldmodel.h"
#include "trace/trace.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

Inspector::Inspector(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_empty(new QLabel(tr("Select a call or a packet (in the sequence diagram) to see it in detail.")))
    , m_packetPage(new QWidget)
    , m_packetTitle(new QLabel)
    , m_tree(new QTreeView)
    , m_fields(new PacketFieldModel(this))
    , m_hex(new HexView)
    , m_text(new QTextBrowser)
{
    setObjectName(QStringLiteral("inspector"));
    setAccessibleName(tr("Inspector"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_pages->addWidget(m_empty);

    auto *packetLayout = new QVBoxLayout(m_packetPage);
    packetLayout->setContentsMargins(0, 0, 0, 0);
    m_packetTitle->setWordWrap(true);
    packetLayout->addWidget(m_packetTitle);
    auto *split = new QSplitter(Qt::Vertical);
    m_tree->setModel(m_fields);
    m_tree->setMouseTracking(true);
    m_tree->setAccessibleName(tr("Fields of the packet"));
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    split->addWidget(m_tree);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_hex);
    scroll->setWidgetResizable(true);
    split->addWidget(scroll);
    packetLayout->addWidget(split, 1);
    m_pages->addWidget(m_packetPage);

    m_text->setAccessibleName(tr("The call in detail"));
    m_text->setOpenLinks(false);
    m_pages->addWidget(m_text);

    connect(m_tree, &QTreeView::entered, this, &Inspector::highlightField);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { highlightField(current); });
}

Inspector::Inspector(ViewContext &context, QWidget *parent)
    : Inspector(parent)
{
    m_context = &context;
    connect(&context, &ViewContext::cursorChanged, this, &Inspector::followContext);
    connect(&context, &ViewContext::selectionChanged, this, &Inspector::followContext);
    connect(&context, &ViewContext::sessionChanged, this, &Inspector::followContext);
    followContext();
}

Inspector::~Inspector() = default;

void Inspector::followContext()
{
    const Trace *trace = m_context ? m_context->trace() : nullptr;
    if (!trace) {
        showEvent(nullptr, -1);
        return;
    }
    const qint64 cursor = m_context->cursor();
    qint64 seq = m_context->selectedEvent();
    if (seq < 0 || seq >= cursor) {
        seq = -1;
        for (qint64 i = cursor - 1; i >= 0 && i >= cursor - 64; --i) {
            const TraceEvent &event = trace->at(i);
            if (event.call() || event.packet()) {
                seq = i;
                break;
            }
        }
    }
    showEvent(trace, seq);
}

bool Inspector::showsPacket() const
{
    return m_pages->currentWidget() == m_packetPage;
}

QString Inspector::callText() const
{
    return m_text->toPlainText();
}

void Inspector::highlightField(const QModelIndex &index)
{
    if (!index.isValid()) {
        m_hex->setHighlight(0, 0);
        return;
    }
    m_hex->setHighlight(index.data(PacketFieldModel::OffsetRole).toInt(),
                        qMax(1, index.data(PacketFieldModel::LengthRole).toInt()));
}

void Inspector::showEvent(const Trace *trace, qint64 seq)
{
    m_seq = seq;
    if (!trace || seq < 0 || seq >= trace->size()) {
        m_fields->setFrame({});
        m_hex->setBytes({});
        m_pages->setCurrentWidget(m_empty);
        return;
    }
    const TraceEvent &event = trace->at(seq);
    if (const PacketInfo *packet = event.packet()) {
        const QString summary =
            packet->summary.isEmpty() ? u'[' + packet->flags.join(u' ') + u']' : packet->summary;
        m_packetTitle->setText(
            QStringLiteral("<b>%1</b> %2")
                .arg(tr("Event %1:").arg(seq), QStringLiteral("%1 %2 → %3 %4")
                                                   .arg(packet->proto, packet->src, packet->dst, summary)
                                                   .toHtmlEscaped()));
        if (packet->frame.isEmpty())
            m_packetTitle->setText(m_packetTitle->text() + QStringLiteral("<br>") +
                                   tr("The frame's bytes were not kept."));
        m_fields->setFrame(packet->frame);
        m_hex->setBytes(packet->frame);
        m_tree->expandAll();
        m_pages->setCurrentWidget(m_packetPage);
        return;
    }
    QString html;
    if (const CallInfo *call = event.call()) {
        html += QStringLiteral("<h3>%1</h3>").arg(eventtext::callSignature(*call).toHtmlEscaped());
        html += QStringLiteral("<p>%1, step %2, %3</p>")
                    .arg(call->actor.toHtmlEscaped())
                    .arg(call->step + 1)
                    .arg(call->phase == CallInfo::Phase::Blocked ? tr("waiting in the kernel")
                                                                 : phaseName(call->phase).toHtmlEscaped());
        html += QStringLiteral("<table cellspacing=4>");
        auto row = [&html](const QString &name, const QString &value) {
            html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                        .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
        };
        for (auto it = call->args.cbegin(); it != call->args.cend(); ++it) {
            const QVariant &value = it.value();
            row(it.key(), value.typeId() == QMetaType::QStringList
                              ? value.toStringList().join(QStringLiteral(" | "))
                              : value.toString());
        }
        if (!call->socket.isEmpty())
            row(tr("socket"),
                call->fd >= 0 ? tr("%1 (descriptor %2)").arg(call->socket).arg(call->fd) : call->socket);
        if (call->phase == CallInfo::Phase::Returned) {
            row(tr("result"), QString::number(call->result));
            row(tr("errno"), call->errnoName.isEmpty() ? tr("none: the call succeeded") : call->errnoName);
        }
        if (!call->local.isEmpty())
            row(tr("local address"), call->local);
        if (!call->peer.isEmpty())
            row(tr("peer address"), call->peer);
        if (!call->data.isEmpty())
            row(tr("bytes"), eventtext::quoted(call->data, 200));
        if (!call->detail.isEmpty())
            row(tr("detail"), call->detail);
        if (call->durationNs > 0)
            row(tr("time in the kernel"), tr("%1 µs").arg(call->durationNs / 1000.0, 0, 'f', 1));
        html += QStringLiteral("</table>");
        if (!call->errnoName.isEmpty())
            html += QStringLiteral("<p><b>%1</b>: %2</p>")
                        .arg(call->errnoName.toHtmlEscaped(),
                             errnoinfo::explain(call->errnoName, call->call).toHtmlEscaped());
        if (!call->expectation.isEmpty())
            html += QStringLiteral("<p><i>%1</i></p>").arg(call->expectation.toHtmlEscaped());
    } else {
        html = QStringLiteral("<p>%1</p>").arg(eventtext::line(event).toHtmlEscaped());
    }
    m_text->setHtml(html);
    m_pages->setCurrentWidget(m_text);
}
