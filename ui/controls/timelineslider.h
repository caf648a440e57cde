#pragma once

#include <QSlider>

/// The timeline scrubber: a horizontal slider over the steps with the step numbers written under
/// its ticks, so a teacher can say "go to step 6" and point at it.
class TimelineSlider : public QSlider
{
    Q_OBJECT
public:
    explicit TimelineSlider(QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};
