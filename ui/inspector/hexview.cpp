#include "inspector/hexview.h"

#include <QFontDatabase>
#include <QPainter>

namespace {
constexpr int PerRow = 16;

QString rowText(const QByteArray &bytes, int row)
{
    QString hex;
    QString ascii;
    for (int column = 0; column < PerRow; ++column) {
        const int index = row * PerRow + column;
        if (index < bytes.size()) {
            const auto byte = static_cast<unsigned char>(bytes.at(index));
            hex += QStringLiteral("%1 ").arg(int(byte), 2, 16, QLatin1Char('0'));
            ascii += byte >= 0x20 && byte < 0x7f ? QChar(int(byte)) : QChar(u'.');
        } else {
            hex += QStringLiteral("   ");
        }
        if (column == 7)
            hex += u' ';
    }
    return QStringLiteral("%1  ").arg(row * PerRow, 4, 16, QLatin1Char('0')) + hex + u' ' + ascii;
}
} // namespace

HexView::HexView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("hexView"));
    setAccessibleName(tr("Bytes of the frame"));
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void HexView::setBytes(const QByteArray &bytes)
{
    m_bytes = bytes;
    m_offset = 0;
    m_length = 0;
    updateGeometry();
    update();
}

void HexView::setHighlight(int offset, int length)
{
    offset = qBound(0, offset, int(m_bytes.size()));
    length = qBound(0, length, int(m_bytes.size()) - offset);
    if (offset == m_offset && length == m_length)
        return;
    m_offset = offset;
    m_length = length;
    update();
}

QString HexView::text() const
{
    QStringList rows;
    for (int row = 0; row * PerRow < m_bytes.size(); ++row)
        rows << rowText(m_bytes, row);
    return rows.join(u'\n');
}

QSize HexView::sizeHint() const
{
    const QFontMetrics metrics(font());
    const int rows = int((m_bytes.size() + PerRow - 1) / PerRow);
    return {metrics.horizontalAdvance(rowText(QByteArray(PerRow, 'x'), 0)) + 16,
            qMax(1, rows) * metrics.height() + 8};
}

void HexView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));
    const QFontMetricsF metrics(font());
    const double charWidth = metrics.horizontalAdvance(u'0');
    const double lineHeight = metrics.height();
    QColor fill = pal.color(QPalette::Highlight);
    fill.setAlpha(90);
    // Column of byte `column` in the hex part and in the ASCII part, in characters.
    auto hexColumn = [](int column) { return 6 + column * 3 + (column >= 8 ? 1 : 0); };
    auto asciiColumn = [](int column) { return 6 + PerRow * 3 + 1 + 1 + column; };
    for (int row = 0; row * PerRow < m_bytes.size(); ++row) {
        const double y = 4 + row * lineHeight;
        for (int column = 0; column < PerRow; ++column) {
            const int index = row * PerRow + column;
            if (index >= m_offset && index < m_offset + m_length) {
                const QRectF hexBox(4 + hexColumn(column) * charWidth - 1, y, charWidth * 2 + 2, lineHeight);
                const QRectF asciiBox(4 + asciiColumn(column) * charWidth, y, charWidth, lineHeight);
                painter.fillRect(hexBox, fill);
                painter.fillRect(asciiBox, fill);
                painter.setPen(QPen(pal.color(QPalette::Text), 1));
                painter.drawLine(hexBox.bottomLeft(), hexBox.bottomRight());
                painter.drawLine(asciiBox.bottomLeft(), asciiBox.bottomRight());
            }
        }
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QPointF(4, y + metrics.ascent()), rowText(m_bytes, row));
    }
}
