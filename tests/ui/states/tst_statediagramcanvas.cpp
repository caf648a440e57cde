#include "states/statediagramcanvas.h"

#include "projections/tcpstatemachine.h"

#include <QTest>

class TestStateDiagramCanvas : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void labelsNeverOverlap_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("zoom");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("state");
        const QList<std::tuple<const char *, QSize, double>> sizes = {
            {"minimum", QSize(320, 250), 1.0},
            {"dock at 1280x720", QSize(620, 430), 1.0},
            {"short dock", QSize(630, 260), 1.0},
            {"size hint", QSize(560, 520), 1.0},
            {"full screen", QSize(1100, 800), 1.0},
            {"presentation type", QSize(1100, 800), 1.6},
            {"large type, small dock", QSize(620, 430), 1.6},
        };
        const QList<std::tuple<const char *, QString, QString>> lit = {
            {"nothing lit", QString(), QString()},
            {"handshake", QStringLiteral("SYN_SENT"), QStringLiteral("ESTABLISHED")},
            {"active close", QStringLiteral("FIN_WAIT_2"), QStringLiteral("TIME_WAIT")},
            {"passive close", QStringLiteral("CLOSE_WAIT"), QStringLiteral("LAST_ACK")},
            {"change without an edge", QStringLiteral("ESTABLISHED"), QStringLiteral("TIME_WAIT")},
        };
        for (const auto &[sizeName, size, zoom] : sizes) {
            for (const auto &[litName, from, state] : lit)
                QTest::addRow("%s, %s", sizeName, litName) << size << zoom << from << state;
        }
    }

    void labelsNeverOverlap()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        QFETCH(QString, from);
        QFETCH(QString, state);
        StateDiagramCanvas canvas;
        QFont font = canvas.font();
        font.setPointSizeF(font.pointSizeF() * zoom);
        canvas.setFont(font);
        canvas.resize(size);
        canvas.setLit(state, from, true);

        const QList<QRectF> labels = canvas.labelRects();
        const QStringList texts = canvas.labelTexts();
        const bool observed = !from.isEmpty() && !tcpstatemachine::find(from, state);
        QCOMPARE(labels.size(), tcpstatemachine::transitions().size() + (observed ? 1 : 0));
        for (const tcpstatemachine::Transition &edge : tcpstatemachine::transitions())
            QVERIFY(texts.contains(edge.label));
        const QRectF inside(QPointF(0, 0), QSizeF(size));
        for (qsizetype i = 0; i < labels.size(); ++i) {
            const QByteArray what = texts.at(i).toUtf8();
            QVERIFY2(!labels.at(i).isEmpty(), what.constData());
            QVERIFY2(inside.contains(labels.at(i)), what.constData());
            for (qsizetype j = i + 1; j < labels.size(); ++j) {
                const QByteArray pair = what + " / " + texts.at(j).toUtf8();
                QVERIFY2(!labels.at(i).intersects(labels.at(j)), pair.constData());
            }
            for (const QString &name : tcpstatemachine::states()) {
                const QByteArray onState = what + " on " + name.toUtf8();
                QVERIFY2(!labels.at(i).intersects(canvas.stateRect(name)), onState.constData());
            }
        }
    }
};

QTEST_MAIN(TestStateDiagramCanvas)
#include "tst_statediagramcanvas.moc"
