#pragma once

#include "projections/sequencelayout.h"

#include <QAbstractScrollArea>
#include <QImage>
#include <QPointer>

#include <vector>

class Player;
class Trace;
class ViewContext;

/// The trace as a sequence diagram: a lane per actor and socket, calls as markers, packets as
/// arrows labelled with their flags, seq/ack and length, state changes as badges, and "now" (the
/// cursor) as a line under the last event shown. Events after the cursor are not drawn.
///
/// Lays out each event once as it arrives (SequenceLayout) and paints only the visible rows, so it
/// stays smooth with 100,000 events; the strip on the right is an overview of the whole trace.
/// Flags are told apart by text and by the shape of the arrow, never by colour alone.
class SequenceDiagram : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit SequenceDiagram(QWidget *parent = nullptr);
    /// Follows the context's session, cursor and selection.
    explicit SequenceDiagram(ViewContext &context, QWidget *parent = nullptr);
    ~SequenceDiagram() override;

    /// Shows the trace of `player` with lanes in the order of `actors`, up to its cursor; a click
    /// asks it to seek. Without a context, for a diagram of its own (benchmarks, tests).
    void setPlayer(Player *player, const QStringList &actors);
    const SequenceLayout &layout() const { return m_layout; }

    /// Rows are this many pixels high at zoom 1.
    static constexpr int BaseRowHeight = 26;
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    /// Zooms out until every shown row fits the height: the whole trace at a glance.
    void zoomToFit();

    /// The event drawn at `point` (viewport coordinates), or -1.
    qint64 eventAt(const QPoint &point) const;
    /// The row's rectangle in viewport coordinates (for tests and tooltips).
    QRect rowRect(qsizetype row) const;
    qint64 selectedEvent() const { return m_selected; }
    void selectEvent(qint64 seq);
    /// Selects the row `delta` rows from the selected one (or from the last row shown when none is
    /// selected) and moves the cursor just past it, as a click does. Returns false at either end.
    bool moveSelection(int delta);

    /// Paints the current view into `painter` (the widget's size); used by paintEvent and exports.
    void render(QPainter &painter, const QSize &size);
    /// The whole diagram (every shown row) at zoom 1, for SVG and PNG exports.
    QSize fullSize() const;
    void renderFull(QPainter &painter);

    QSize minimumSizeHint() const override { return {300, 150}; }
    QSize sizeHint() const override { return {640, 420}; }

    /// Takes in the events appended since the last call.
    void catchUp();

Q_SIGNALS:
    /// The user clicked an event; the cursor was moved just past it.
    void eventClicked(qint64 seq);
    /// The user asked to open the selected event (Enter), e.g. in the inspector.
    void eventActivated(qint64 seq);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    struct Geometry
    {
        int header = 44;
        int left = 8;
        int laneWidth = 160;
        int strip = 16;
        double rowHeight = BaseRowHeight;
        int width = 0;
        int height = 0;
    };
    Geometry geometryFor(const QSize &size, double zoom) const;
    qsizetype shownRows() const;
    void paintRows(QPainter &painter, const Geometry &g, double top, qsizetype first, qsizetype last);
    void paintRowMarks(QPainter &painter, const Geometry &g, double top, qsizetype first, qsizetype last);
    void paintOverview(QPainter &painter, const Geometry &g, double top);
    void paintHeader(QPainter &painter, const Geometry &g);
    void paintPacket(QPainter &painter, const Geometry &g, const SequenceLayout::Item &item, double y,
                     bool detailed);
    int laneX(const Geometry &g, int lane) const;
    void setTrace(Trace *trace, const QStringList &actors);
    void updateScrollBars();
    void cursorMoved();
    void scrollFromStrip(int y);
    void chooseEvent(qint64 seq);
    void ensureRowVisible(qsizetype row);
    void describeSelection();

    QPointer<ViewContext> m_context;
    QPointer<Player> m_player;
    Trace *m_trace = nullptr;
    SequenceLayout m_layout;
    qint64 m_ingested = 0;
    qint64 m_cursor = 0;
    qint64 m_selected = -1;
    double m_zoom = 1.0;
    bool m_followCursor = true;
    bool m_draggingStrip = false;
    // The overview is recounted only when what it shows changed.
    std::vector<std::array<int, SequenceLayout::KindCount>> m_density;
    qsizetype m_densityRows = -1;
    int m_densityBins = -1;
    QRgb m_overviewKey = 0;
    QImage m_overview;
};
