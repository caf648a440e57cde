#pragma once

#include <QFont>
#include <QHash>
#include <QList>
#include <QPainterPath>
#include <QPolygonF>
#include <QRectF>
#include <QWidget>

namespace tcpstatemachine {
struct Transition;
}

/// The painted TCP state diagram (no knowledge of sockets): the states of RFC 793 where its figure
/// puts them, the transitions as curves, each labelled with what causes it. The lit state has a
/// border, a fill and the words "◀ now"; the transition that led there is drawn bold.
///
/// Labels are laid out so that no two of them, and no label and state, overlap: each goes to the
/// first free place along its curve, and when the curve has none, to the nearest free place with a
/// dotted leader line back to it. If a label fits nowhere the labels' type gets smaller.
class StateDiagramCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit StateDiagramCanvas(QWidget *parent = nullptr);
    /// `state` and `from` are diagram names; empty when unknown. `enabled` false greys it out.
    void setLit(const QString &state, const QString &from, bool enabled);
    QString lit() const { return m_state; }
    QString from() const { return m_from; }
    QSize sizeHint() const override { return {560, 520}; }
    QSize minimumSizeHint() const override { return {320, 250}; }

    /// Where the labels and the states are drawn at the current size (for tests and tooltips).
    QList<QRectF> labelRects() const;
    QStringList labelTexts() const;
    QRectF stateRect(const QString &state) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Edge
    {
        const tcpstatemachine::Transition *transition = nullptr;
        QPainterPath path;
        QPolygonF head;
        bool last = false;
    };
    struct Label
    {
        QString text;
        QRectF rect;
        QPointF anchor; // the point of the curve it names
        bool last = false;
        bool leader = false; // placed away from its curve: a dotted line joins them
    };
    struct Layout
    {
        QSize size;
        QFont font;
        QString state;
        QString from;
        QFont boxFont; // the type of the states: smaller than the widget's in a small dock
        QHash<QString, QRectF> boxes;
        QList<Edge> edges;
        QList<Label> labels;
        QFont labelFont;
        QFont lastFont;
        QRectF nowMark;  // "◀ now" beside the lit state
        QRectF observed; // a change the diagram has no edge for, empty when none
        QString observedText;
    };

    const Layout &layout() const;
    void buildLayout(Layout &layout) const;
    // The parts of buildLayout, in its order: each needs what the ones before it placed.
    QRectF placeBoxes(Layout &layout, const QRectF &bounds) const; // returns the states' area
    void placeEdges(Layout &layout, const QRectF &bounds, const QRectF &area,
                    const tcpstatemachine::Transition *lastEdge) const;
    void placeNowMark(Layout &layout, const QRectF &bounds) const;
    bool placeLabels(Layout &layout) const;

    QString m_state;
    QString m_from;
    bool m_enabled = true;
    mutable Layout m_layout;
    mutable bool m_layoutValid = false;
};
