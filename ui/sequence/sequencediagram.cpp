#include "sequence/sequencediagram.h"

#include "common/viewcontext.h"
#include "player/player.h"
#include "projections/eventtext.h"
#include "sequence/diagramstyle.h"
#include "trace/trace.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <cmath>

SequenceDiagram::SequenceDiagram(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setObjectName(QStringLiteral("sequenceDiagram"));
    setAccessibleName(tr("Sequence diagram"));
    setWhatsThis(tr("Up and Down select the previous or next call, packet or state and move \"now\" "
                    "to it; Enter opens it in the inspector. Ctrl+wheel or + and - zoom, F fits the "
                    "whole trace, 0 resets the zoom; the strip on the right is an overview: click it "
                    "to jump."));
    setAccessibleDescription(whatsThis());
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this](int value) { m_followCursor = value >= verticalScrollBar()->maximum(); });
}

SequenceDiagram::SequenceDiagram(ViewContext &context, QWidget *parent)
    : SequenceDiagram(parent)
{
    m_context = &context;
    m_player = context.player();
    auto reload = [this] {
        QStringList actors;
        for (const ScenarioActor &actor : m_context->scenario().actors)
            actors << actor.id;
        setTrace(m_context->trace(), actors);
    };
    connect(&context, &ViewContext::sessionChanged, this, reload);
    connect(&context, &ViewContext::traceGrew, this, &SequenceDiagram::catchUp);
    connect(&context, &ViewContext::cursorChanged, this, &SequenceDiagram::cursorMoved);
    connect(&context, &ViewContext::selectionChanged, this,
            [this] { selectEvent(m_context->selectedEvent()); });
    reload();
}

SequenceDiagram::~SequenceDiagram() = default;

void SequenceDiagram::setPlayer(Player *player, const QStringList &actors)
{
    if (m_player)
        disconnect(m_player, nullptr, this, nullptr);
    m_player = player;
    connect(player, &Player::traceReplaced, this, [this, actors] { setTrace(m_player->trace(), actors); });
    connect(player, &Player::traceGrew, this, &SequenceDiagram::catchUp);
    connect(player, &Player::cursorChanged, this, &SequenceDiagram::cursorMoved);
    setTrace(player->trace(), actors);
}

void SequenceDiagram::setTrace(Trace *trace, const QStringList &actors)
{
    m_trace = trace;
    m_layout.clear();
    m_layout.setActors(actors);
    m_ingested = 0;
    m_selected = -1;
    describeSelection();
    m_densityRows = -1;
    m_followCursor = true;
    catchUp();
    cursorMoved();
}

void SequenceDiagram::catchUp()
{
    if (!m_trace)
        return;
    const qint64 size = m_trace->size();
    // A trace only grows; a new one comes through setTrace(), which starts the layout over.
    for (; m_ingested < size; ++m_ingested)
        m_layout.ingest(m_trace->at(m_ingested));
    cursorMoved();
}

void SequenceDiagram::cursorMoved()
{
    m_cursor = m_trace && m_player ? m_player->cursor() : 0;
    updateScrollBars();
    if (m_followCursor)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    viewport()->update();
}

qsizetype SequenceDiagram::shownRows() const
{
    return m_layout.rowsBefore(m_cursor);
}

SequenceDiagram::Geometry SequenceDiagram::geometryFor(const QSize &size, double zoom) const
{
    Geometry g;
    g.width = size.width();
    g.height = size.height();
    g.rowHeight = BaseRowHeight * zoom;
    g.header = qMax(36, fontMetrics().height() * 2 + 8);
    const int columns = qMax(1, m_layout.laneCount());
    g.laneWidth = qMax(120, (g.width - g.left * 2 - g.strip - 8) / columns);
    return g;
}

int SequenceDiagram::laneX(const Geometry &g, int lane) const
{
    const int column = m_layout.column(lane);
    // A lane's line sits a quarter in, so that the labels of its calls have room on its right.
    return column < 0 ? -1 : g.left + column * g.laneWidth + g.laneWidth / 4;
}

void SequenceDiagram::updateScrollBars()
{
    const Geometry g = geometryFor(viewport()->size(), m_zoom);
    const double content = double(shownRows()) * g.rowHeight + g.rowHeight;
    const int page = qMax(1, g.height - g.header);
    verticalScrollBar()->setPageStep(page);
    verticalScrollBar()->setSingleStep(qMax(1, int(g.rowHeight)));
    verticalScrollBar()->setRange(0, qMax(0, int(std::ceil(content)) - page));
    const int contentWidth = g.left * 2 + m_layout.laneCount() * g.laneWidth + g.strip;
    horizontalScrollBar()->setPageStep(g.width);
    horizontalScrollBar()->setRange(0, qMax(0, contentWidth - g.width));
}

void SequenceDiagram::setZoom(double zoom)
{
    zoom = qBound(1e-4, zoom, 4.0);
    if (qFuzzyCompare(zoom, m_zoom))
        return;
    // Keep the row in the middle of the view where it was.
    const double rowHeight = BaseRowHeight * m_zoom;
    const double middle = (verticalScrollBar()->value() + (viewport()->height() - 44) / 2.0) / rowHeight;
    m_zoom = zoom;
    updateScrollBars();
    if (!m_followCursor)
        verticalScrollBar()->setValue(
            int(middle * BaseRowHeight * m_zoom - (viewport()->height() - 44) / 2.0));
    else
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    viewport()->update();
}

void SequenceDiagram::zoomToFit()
{
    const Geometry g = geometryFor(viewport()->size(), 1.0);
    const qsizetype rows = qMax<qsizetype>(1, shownRows() + 1);
    setZoom(qMin(1.0, double(g.height - g.header) / (double(rows) * BaseRowHeight)));
}

QRect SequenceDiagram::rowRect(qsizetype row) const
{
    const Geometry g = geometryFor(viewport()->size(), m_zoom);
    const double y = g.header + row * g.rowHeight - verticalScrollBar()->value();
    return QRect(0, int(y), g.width - g.strip, qMax(1, int(g.rowHeight)));
}

qint64 SequenceDiagram::eventAt(const QPoint &point) const
{
    const Geometry g = geometryFor(viewport()->size(), m_zoom);
    if (point.y() < g.header || point.x() >= g.width - g.strip)
        return -1;
    const qsizetype row = qsizetype((point.y() - g.header + verticalScrollBar()->value()) / g.rowHeight);
    if (row < 0 || row >= shownRows())
        return -1;
    return m_layout.items()[row].seq;
}

void SequenceDiagram::selectEvent(qint64 seq)
{
    if (seq == m_selected)
        return;
    m_selected = seq;
    describeSelection();
    viewport()->update();
}

bool SequenceDiagram::moveSelection(int delta)
{
    const auto &items = m_layout.items();
    const qsizetype selectedRow = m_selected >= 0 ? m_layout.rowOf(m_selected) : -1;
    qsizetype row = selectedRow;
    if (row < 0) // nothing selected yet: start at "now", the last row shown
        row = qMax<qsizetype>(0, shownRows() - 1);
    else
        row += delta;
    if (row < 0 || row >= qsizetype(items.size()) || (selectedRow < 0 && items.empty()))
        return false;
    const qint64 seq = items[row].seq;
    chooseEvent(seq);
    ensureRowVisible(row);
    return true;
}

// As a click does: the event is selected here and in the other views, and the cursor moves to it.
void SequenceDiagram::chooseEvent(qint64 seq)
{
    selectEvent(seq);
    if (m_context)
        m_context->selectEvent(seq);
    if (m_player)
        m_player->seek(seq + 1);
}

void SequenceDiagram::ensureRowVisible(qsizetype row)
{
    const Geometry g = geometryFor(viewport()->size(), m_zoom);
    const double top = row * g.rowHeight;
    const double page = g.height - g.header;
    QScrollBar *bar = verticalScrollBar();
    if (top < bar->value())
        bar->setValue(int(top));
    else if (top + g.rowHeight > bar->value() + page)
        bar->setValue(int(std::ceil(top + g.rowHeight - page)));
}

void SequenceDiagram::describeSelection()
{
    // A screen reader hears the selected item itself, not only that something is selected.
    if (m_selected >= 0 && m_trace && m_selected < m_trace->size())
        setAccessibleDescription(
            tr("Selected: %1. %2").arg(eventtext::line(m_trace->at(m_selected)), whatsThis()));
    else
        setAccessibleDescription(whatsThis());
}

void SequenceDiagram::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    render(painter, viewport()->size());
    if (hasFocus()) {
        // Where the arrow keys act: a frame, since a selection may not be on screen yet.
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(viewport()->rect()).adjusted(1, 1, -1, -1));
    }
}

void SequenceDiagram::focusInEvent(QFocusEvent *event)
{
    QAbstractScrollArea::focusInEvent(event);
    viewport()->update();
}

void SequenceDiagram::focusOutEvent(QFocusEvent *event)
{
    QAbstractScrollArea::focusOutEvent(event);
    viewport()->update();
}

void SequenceDiagram::render(QPainter &painter, const QSize &size)
{
    const Geometry g = geometryFor(size, m_zoom);
    const DiagramStyle style(palette());
    painter.fillRect(QRect(QPoint(0, 0), size), style.background);
    painter.save();
    painter.translate(-horizontalScrollBar()->value(), 0);
    const double top = verticalScrollBar()->value();
    const qsizetype shown = shownRows();
    const qsizetype first = qMax<qsizetype>(0, qsizetype(top / g.rowHeight) - 1);
    const qsizetype last = qMin<qsizetype>(shown, qsizetype((top + g.height - g.header) / g.rowHeight) + 2);
    painter.setClipRect(QRect(0, g.header, g.width + horizontalScrollBar()->value(), g.height - g.header));
    // Lane lines.
    painter.setPen(QPen(style.lane, 1, Qt::DotLine));
    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const int x = laneX(g, lane);
        painter.drawLine(x, g.header, x, g.height);
    }
    paintRows(painter, g, top, first, last);
    // "Now": under the last event shown.
    const double cursorY = g.header + shown * g.rowHeight - top;
    painter.setPen(QPen(style.cursor, 2));
    painter.drawLine(QPointF(0, cursorY), QPointF(g.left * 2 + m_layout.laneCount() * g.laneWidth, cursorY));
    painter.setPen(style.cursor);
    painter.drawText(QPointF(g.left, cursorY + painter.fontMetrics().ascent() + 2),
                     tr("now (event %1)").arg(m_cursor));
    painter.setClipping(false);
    paintHeader(painter, g);
    painter.restore();
    paintOverview(painter, g, top);
}

void SequenceDiagram::paintHeader(QPainter &painter, const Geometry &g)
{
    const DiagramStyle style(palette());
    painter.fillRect(QRect(0, 0, g.left * 2 + qMax(1, m_layout.laneCount()) * g.laneWidth, g.header),
                     style.header);
    QFont bold = painter.font();
    bold.setBold(true);
    for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
        const SequenceLayout::Lane &info = m_layout.lane(lane);
        const QRect box(laneX(g, lane) - g.laneWidth / 2 + 2, 2, g.laneWidth - 4, g.header - 4);
        painter.setPen(style.text);
        painter.setFont(bold);
        painter.drawText(box, Qt::AlignHCenter | Qt::AlignTop,
                         info.actor.isEmpty() ? tr("kernel") : info.actor);
        painter.setFont(font());
        const QString name = info.socket.isEmpty() ? tr("(program)") : info.socket;
        painter.drawText(box, Qt::AlignHCenter | Qt::AlignBottom,
                         painter.fontMetrics().elidedText(name, Qt::ElideMiddle, g.laneWidth - 4));
    }
    if (m_layout.laneCount() == 0) {
        painter.setPen(style.muted);
        painter.drawText(QRect(g.left, 0, g.width, g.header), Qt::AlignVCenter,
                         tr("No event yet: step to start."));
    }
}

void SequenceDiagram::paintOverview(QPainter &painter, const Geometry &g, double top)
{
    const DiagramStyle style(palette());
    const QRect strip(g.width - g.strip, g.header, g.strip, g.height - g.header);
    painter.fillRect(QRect(strip.x(), 0, strip.width(), g.height), style.header);
    const qsizetype shown = shownRows();
    if (shown <= 0 || strip.height() <= 0)
        return;
    const int bins = strip.height();
    if (m_densityRows != shown || m_densityBins != bins || m_overviewKey != style.background.rgba()) {
        // Recounted only when what it shows changed, and kept as an image: a frame draws it in one go.
        m_density = m_layout.density(bins, shown);
        m_densityRows = shown;
        m_densityBins = bins;
        m_overviewKey = style.background.rgba();
        m_overview = QImage(strip.width(), bins, QImage::Format_ARGB32_Premultiplied);
        m_overview.fill(style.header);
        QPainter stripPainter(&m_overview);
        const double perPixel = double(shown) / bins;
        for (int bin = 0; bin < bins; ++bin) {
            const auto &counts = m_density[bin];
            int total = 0;
            int dominant = 0;
            for (int kind = 0; kind < SequenceLayout::KindCount; ++kind) {
                total += counts[kind];
                if (counts[kind] > counts[dominant])
                    dominant = kind;
            }
            if (total == 0)
                continue;
            QColor colour = style.kindColor(SequenceLayout::ItemKind(dominant));
            colour.setAlphaF(float(qBound(0.35, total / qMax(1.0, perPixel), 1.0)));
            stripPainter.setPen(colour);
            stripPainter.drawLine(2, bin, strip.width() - 3, bin);
        }
    }
    painter.drawImage(strip.topLeft(), m_overview);
    // Where the view is.
    const double content = shown * g.rowHeight;
    const double from = qBound(0.0, top / qMax(1.0, content), 1.0);
    const double to = qBound(0.0, (top + g.height - g.header) / qMax(1.0, content), 1.0);
    painter.setPen(QPen(style.text, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(strip.x() + 0.5, strip.y() + from * strip.height(), strip.width() - 1.5,
                            qMax(2.0, (to - from) * strip.height())));
}

QSize SequenceDiagram::fullSize() const
{
    const Geometry g = geometryFor(QSize(qMax(640, width()), 100), 1.0);
    return QSize(g.left * 2 + qMax(1, m_layout.laneCount()) * g.laneWidth + g.strip,
                 int(g.header + (shownRows() + 1.5) * g.rowHeight));
}

void SequenceDiagram::renderFull(QPainter &painter)
{
    const QSize size = fullSize();
    const double zoom = m_zoom;
    const int value = verticalScrollBar()->value();
    const int horizontal = horizontalScrollBar()->value();
    m_zoom = 1.0;
    // The full diagram starts at its first row, whatever the view shows.
    const QSignalBlocker blockV(verticalScrollBar());
    const QSignalBlocker blockH(horizontalScrollBar());
    verticalScrollBar()->setRange(0, 0);
    horizontalScrollBar()->setRange(0, 0);
    render(painter, size);
    m_zoom = zoom;
    updateScrollBars();
    verticalScrollBar()->setValue(value);
    horizontalScrollBar()->setValue(horizontal);
}

void SequenceDiagram::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    if (m_followCursor)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void SequenceDiagram::scrollFromStrip(int y)
{
    const Geometry g = geometryFor(viewport()->size(), m_zoom);
    const double fraction = qBound(0.0, double(y - g.header) / qMax(1, g.height - g.header), 1.0);
    const double content = shownRows() * g.rowHeight;
    verticalScrollBar()->setValue(int(fraction * content - (g.height - g.header) / 2.0));
}

void SequenceDiagram::mousePressEvent(QMouseEvent *event)
{
    const Geometry g = geometryFor(viewport()->size(), m_zoom);
    if (event->position().x() >= g.width - g.strip) {
        m_draggingStrip = true;
        scrollFromStrip(event->position().toPoint().y());
        return;
    }
    const QPoint point = event->position().toPoint() + QPoint(horizontalScrollBar()->value(), 0);
    const qint64 seq = eventAt(QPoint(qMin(point.x(), g.width - g.strip - 1), point.y()));
    if (seq < 0)
        return;
    chooseEvent(seq);
    Q_EMIT eventClicked(seq);
}

void SequenceDiagram::mouseMoveEvent(QMouseEvent *event)
{
    if (m_draggingStrip && (event->buttons() & Qt::LeftButton))
        scrollFromStrip(event->position().toPoint().y());
    else
        m_draggingStrip = false;
}

void SequenceDiagram::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        setZoom(m_zoom * (event->angleDelta().y() > 0 ? 1.25 : 0.8));
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void SequenceDiagram::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal)
        setZoom(m_zoom * 1.25);
    else if (event->key() == Qt::Key_Minus)
        setZoom(m_zoom * 0.8);
    else if (event->key() == Qt::Key_0)
        setZoom(1.0);
    else if (event->key() == Qt::Key_F)
        zoomToFit();
    // Up and Down walk the items; Space, the arrows left and right and the page keys stay the
    // window's step keys (they are its shortcuts and never reach here).
    else if (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down)
        moveSelection(event->key() == Qt::Key_Up ? -1 : 1);
    else if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && m_selected >= 0)
        Q_EMIT eventActivated(m_selected);
    else
        QAbstractScrollArea::keyPressEvent(event);
}

bool SequenceDiagram::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const qint64 seq = eventAt(help->pos() + QPoint(horizontalScrollBar()->value(), 0));
        if (seq >= 0 && m_trace)
            QToolTip::showText(help->globalPos(), eventtext::line(m_trace->at(seq)), viewport());
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}
