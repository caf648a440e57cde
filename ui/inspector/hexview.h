#pragma once

#include <QByteArray>
#include <QWidget>

/// Bytes as a hex and ASCII dump, 16 to a row, with one range highlighted: filled and outlined, so
/// that it shows without colour too.
class HexView : public QWidget
{
    Q_OBJECT
public:
    explicit HexView(QWidget *parent = nullptr);

    void setBytes(const QByteArray &bytes);
    QByteArray bytes() const { return m_bytes; }
    /// Highlights [offset, offset + length); length 0 clears.
    void setHighlight(int offset, int length);
    int highlightOffset() const { return m_offset; }
    int highlightLength() const { return m_length; }
    /// The dump as text, one row per line ("0000  45 00 …  E..<").
    QString text() const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QByteArray m_bytes;
    int m_offset = 0;
    int m_length = 0;
};
