#include "theme/contraststyle.h"

#include "controls/controlsbar.h"
#include "controls/timelineslider.h"
#include "theme/theme.h"
#include "window/mainwindow.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyleOption>
#include <QTest>
#include <QTreeView>
#include <QVBoxLayout>

#include <memory>

namespace {

// A projector washes out dark greys: a line counts as seen only this far from the black window.
constexpr int Seen = 96;

bool seen(QRgb pixel, const QColor &background)
{
    return qMax(qMax(qAbs(qRed(pixel) - background.red()), qAbs(qGreen(pixel) - background.green())),
                qAbs(qBlue(pixel) - background.blue())) >= Seen;
}

int seenPixels(const QImage &image, const QRect &region, const QColor &background)
{
    int count = 0;
    const QRect r = region.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x)
            count += seen(image.pixel(x, y), background) ? 1 : 0;
    }
    return count;
}

// Rows of the left edge (two pixels wide) in which some pixel is seen: a frame shows on every row.
double leftEdgeShown(const QImage &image, const QColor &background)
{
    const int top = image.height() / 4;
    const int bottom = image.height() * 3 / 4;
    int rows = 0;
    for (int y = top; y < bottom; ++y)
        rows += seenPixels(image, QRect(0, y, 2, 1), background) > 0 ? 1 : 0;
    return double(rows) / double(qMax(1, bottom - top));
}

QStyleOptionSlider sliderOption(QSlider *slider)
{
    QStyleOptionSlider option;
    option.initFrom(slider);
    option.orientation = slider->orientation();
    option.minimum = slider->minimum();
    option.maximum = slider->maximum();
    option.sliderPosition = slider->sliderPosition();
    option.sliderValue = slider->value();
    option.tickPosition = slider->tickPosition();
    option.tickInterval = slider->tickInterval();
    option.upsideDown = slider->invertedAppearance();
    option.subControls = QStyle::SC_All;
    return option;
}

// The empty part of a slider's groove: right of its handle.
QRect emptyGroove(QSlider *slider)
{
    const QStyleOptionSlider option = sliderOption(slider);
    const QRect groove =
        slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, slider);
    const QRect handle =
        slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, slider);
    return QRect(QPoint(handle.right() + 2, groove.top()), groove.bottomRight());
}

} // namespace

class TestContrastStyle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void controlsShowOnBlack_data();
    void controlsShowOnBlack();
    void followsTheTheme();
    void otherThemesDrawAsBefore();
    void theWindowsControlsShowInHighContrast();
};

void TestContrastStyle::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SocketScopeTest"));
    QVERIFY2(qobject_cast<ContrastStyle *>(QApplication::style()) == nullptr, "starts with the plain style");
}

void TestContrastStyle::cleanup()
{
    ContrastStyle::followTheme(Theme::named(QStringLiteral("light")));
}

void TestContrastStyle::controlsShowOnBlack_data()
{
    QTest::addColumn<QString>("control");
    QTest::addRow("timeline: the empty groove") << QStringLiteral("timeline groove");
    QTest::addRow("timeline: the ticks") << QStringLiteral("timeline ticks");
    QTest::addRow("speed: the empty groove") << QStringLiteral("speed groove");
    QTest::addRow("speed: the handle") << QStringLiteral("speed handle");
    QTest::addRow("go to step: the spin box frame") << QStringLiteral("spin box");
    QTest::addRow("line edit frame") << QStringLiteral("line edit");
    QTest::addRow("socket picker: the combo box frame") << QStringLiteral("combo box");
    QTest::addRow("field tree: the view frame") << QStringLiteral("tree view");
    QTest::addRow("check box") << QStringLiteral("check box");
}

void TestContrastStyle::controlsShowOnBlack()
{
    QFETCH(QString, control);
    const Theme theme = Theme::named(QStringLiteral("high-contrast"));
    ContrastStyle::followTheme(theme);
    QVERIFY(qobject_cast<ContrastStyle *>(QApplication::style()));

    QWidget window;
    window.setPalette(theme.palette());
    auto *layout = new QVBoxLayout(&window);
    QWidget *widget = nullptr;
    QSlider *slider = nullptr;
    if (control.startsWith(QLatin1String("timeline"))) {
        slider = new TimelineSlider;
        slider->setRange(0, 14); // tcp-echo's steps, at the start: the whole groove is empty
        widget = slider;
    } else if (control.startsWith(QLatin1String("speed"))) {
        slider = new QSlider(Qt::Horizontal); // as ControlsBar makes it
        slider->setRange(1, 5);
        slider->setValue(2);
        slider->setFixedWidth(90);
        widget = slider;
    } else if (control == QLatin1String("spin box")) {
        widget = new QSpinBox;
    } else if (control == QLatin1String("line edit")) {
        widget = new QLineEdit(QStringLiteral("8080"));
    } else if (control == QLatin1String("combo box")) {
        auto *combo = new QComboBox;
        combo->addItem(QStringLiteral("client: client  (SOCK_STREAM)"));
        widget = combo;
    } else if (control == QLatin1String("tree view")) {
        widget = new QTreeView;
    } else {
        widget = new QCheckBox(QStringLiteral("Follow the live end"));
    }
    layout->addWidget(widget);
    // The focus elsewhere, as it mostly is: a focused field is framed in the highlight colour anyway.
    auto *focusHolder = new QWidget;
    focusHolder->setFocusPolicy(Qt::StrongFocus);
    focusHolder->setFixedHeight(4);
    layout->addWidget(focusHolder);
    window.resize(420, control == QLatin1String("tree view") ? 200 : widget->sizeHint().height() + 24);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    focusHolder->setFocus();
    QTRY_VERIFY(focusHolder->hasFocus());
    const QImage image = widget->grab().toImage();
    const QColor background = theme.window;

    if (control.endsWith(QLatin1String("groove"))) {
        const QRect empty = emptyGroove(slider);
        QVERIFY(empty.width() > 20);
        // Its outline: at least the top and the bottom line along the empty part.
        const int shown = seenPixels(image, empty, background);
        QVERIFY2(shown >= 2 * empty.width() - 8,
                 qPrintable(
                     QStringLiteral("%1 of %2 pixels seen").arg(shown).arg(empty.width() * empty.height())));
    } else if (control.endsWith(QLatin1String("ticks"))) {
        const QStyleOptionSlider option = sliderOption(slider);
        const QRect groove =
            slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, slider);
        // Every step has its tick: count the columns above the groove in which something shows.
        int columns = 0;
        for (int x = 0; x < image.width(); ++x)
            columns += seenPixels(image, QRect(x, 0, 1, groove.top() - 1), background) > 0 ? 1 : 0;
        QVERIFY2(columns >= 15, qPrintable(QString::number(columns)));
    } else if (control.endsWith(QLatin1String("handle"))) {
        const QStyleOptionSlider option = sliderOption(slider);
        const QRect handle =
            slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, slider);
        QVERIFY(seenPixels(image, handle, background) >= 2 * (handle.width() + handle.height()) - 8);
    } else if (control == QLatin1String("check box")) {
        QStyleOptionButton option;
        option.initFrom(widget);
        const QRect box = widget->style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, widget);
        QVERIFY(seenPixels(image, box, background) >= 2 * (box.width() + box.height()) - 8);
    } else {
        const double shown = leftEdgeShown(image, background);
        QVERIFY2(shown > 0.95,
                 qPrintable(QStringLiteral("the frame shows on %1 of its left edge").arg(shown)));
    }
}

void TestContrastStyle::followsTheTheme()
{
    QStyle *plain = QApplication::style();
    const QString baseName = plain->name();
    ContrastStyle::followTheme(Theme::named(QStringLiteral("dark")));
    QCOMPARE(QApplication::style(), plain);
    ContrastStyle::followTheme(Theme::named(QStringLiteral("high-contrast")));
    auto *contrast = qobject_cast<ContrastStyle *>(QApplication::style());
    QVERIFY(contrast);
    QCOMPARE(contrast->baseStyle()->name(), baseName);
    ContrastStyle::followTheme(Theme::named(QStringLiteral("high-contrast")));
    QCOMPARE(QApplication::style(), contrast);
    ContrastStyle::followTheme(Theme::named(QStringLiteral("light")));
    QVERIFY(!qobject_cast<ContrastStyle *>(QApplication::style()));
    QCOMPARE(QApplication::style()->name(), baseName);
}

void TestContrastStyle::otherThemesDrawAsBefore()
{
    for (const QString &name : {QStringLiteral("light"), QStringLiteral("dark")}) {
        QWidget window;
        window.setPalette(Theme::named(name).palette());
        auto *layout = new QVBoxLayout(&window);
        auto *timeline = new TimelineSlider;
        timeline->setRange(0, 14);
        timeline->setValue(3);
        layout->addWidget(timeline);
        layout->addWidget(new QSpinBox);
        layout->addWidget(new QComboBox);
        layout->addWidget(new QCheckBox(QStringLiteral("box")));
        window.resize(420, 200);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QImage before = window.grab().toImage();
        // A trip through high contrast and back leaves nothing behind.
        ContrastStyle::followTheme(Theme::named(QStringLiteral("high-contrast")));
        const QImage contrast = window.grab().toImage();
        ContrastStyle::followTheme(Theme::named(name));
        QCOMPARE(window.grab().toImage(), before);
        QVERIFY2(contrast != before, "the style draws over the base style");
    }
}

void TestContrastStyle::theWindowsControlsShowInHighContrast()
{
    MainWindow window(QStringLiteral("tcp-echo"));
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.applyTheme(QStringLiteral("high-contrast"));
    QVERIFY(qobject_cast<ContrastStyle *>(QApplication::style()));
    const QColor background = Theme::named(QStringLiteral("high-contrast")).window;

    auto *timeline = window.controls()->findChild<TimelineSlider *>();
    QVERIFY(timeline);
    QCOMPARE(timeline->value(), 0);
    const QRect empty = emptyGroove(timeline);
    QVERIFY(seenPixels(timeline->grab().toImage(), empty, background) >= 2 * empty.width() - 8);
    auto *jump = window.controls()->findChild<QSpinBox *>();
    QVERIFY(jump);
    QVERIFY(leftEdgeShown(jump->grab().toImage(), background) > 0.95);

    window.applyTheme(QStringLiteral("light"));
    QVERIFY(!qobject_cast<ContrastStyle *>(QApplication::style()));
    if (!window.isReady()) {
        // Let the session come up before the window goes, as it does for a user.
        QSignalSpy ready(&window, &MainWindow::readyToStep);
        QVERIFY(ready.wait(10000));
    }
}

QTEST_MAIN(TestContrastStyle)
#include "tst_contraststyle.moc"
