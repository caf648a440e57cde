#include "stage/stageview.h"

#include "common/viewcontext.h"
#include "engine/session.h"
#include "player/player.h"
#include "projections/sessionsnapshot.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"
#include "stage/stagecard.h"
#include "trace/trace.h"

#include <QFontMetricsF>
#include <QImage>
#include <QTest>

class TestStageView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
        QVERIFY(loaded.ok());
        m_setup = setUpSession(loaded.scenario);
        QVERIFY(m_setup.session);
        m_context = std::make_unique<ViewContext>();
        m_context->setSession(&m_setup.session->trace(), m_setup.session->scenario(), m_setup.mode,
                              m_setup.capture, m_setup.description);
        m_stage = std::make_unique<StageView>(m_context.get());
        m_stage->setAnimationMs(0);
        m_stage->resize(900, 520);
        m_stage->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_stage.get()));
    }

    void cleanup()
    {
        m_stage.reset();
        m_context.reset();
        m_setup.session.reset();
    }

    void everyStepShowsTheTraceAtTheCursor()
    {
        Session &session = *m_setup.session;
        const Trace &trace = session.trace();
        while (!session.isFinished()) {
            session.step();
            // The context follows the live end as the appends arrive on this thread.
            QTRY_COMPARE(m_context->cursor(), trace.size());
            const SessionSnapshot &snapshot = m_context->snapshot();
            for (const SnapshotSocket &socket : snapshot.sockets) {
                const QStringList lines = m_stage->socketLines(socket.name);
                // Every socket is on the stage, except a queued connection once accept() took it.
                QCOMPARE(m_stage->socketRect(socket.name).isEmpty(), !socket.acceptedAs.isEmpty());
                const QString fd = socket.fd >= 0 ? QString::number(socket.fd) : QStringLiteral("–");
                QVERIFY2(lines.value(0).startsWith(socket.name + QStringLiteral("  fd ") + fd),
                         qPrintable(lines.value(0)));
                if (!socket.local.isEmpty())
                    QVERIFY2(lines.value(1).startsWith(socket.local), qPrintable(lines.value(1)));
                if (!socket.state.isEmpty())
                    QVERIFY(lines.value(3).contains(socket.state));
            }
            // The timing line reports the kernel time of this step's call as the trace has it.
            const CallInfo *call = trace.at(snapshot.currentCallSeq).call();
            QVERIFY(call);
            if (call->phase == CallInfo::Phase::Returned)
                QVERIFY2(m_stage->timingText().contains(call->call + QStringLiteral("() of ")),
                         qPrintable(m_stage->timingText()));
        }
        QCOMPARE(m_context->snapshot().nextStep, -1);
    }

    void cardsStayInsideTheirProcess_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("zoom");
        QTest::addRow("window") << QSize(900, 520) << 1.0;
        QTest::addRow("presentation on 1280x720") << QSize(1260, 400) << 1.6;
        QTest::addRow("large type, smallest stage") << QSize() << 1.6; // its minimum size
    }

    void cardsStayInsideTheirProcess()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        Session &session = *m_setup.session;
        for (int i = 0; i < 6; ++i) // the handshake: the server holds listener and conn
            session.step();
        QTRY_COMPARE(m_context->cursor(), session.trace().size());
        QFont font = m_stage->font();
        font.setPointSizeF(font.pointSizeF() * zoom);
        m_stage->setFont(font);
        if (size.isEmpty())
            size = m_stage->minimumSizeHint();
        m_stage->resize(size);
        QTRY_COMPARE(m_stage->size(), size);
        const SessionSnapshot &snapshot = m_context->snapshot();
        QList<QRectF> cards;
        for (const SnapshotSocket &socket : snapshot.sockets) {
            const QRectF card = m_stage->socketRect(socket.name);
            if (card.isEmpty())
                continue;
            const QByteArray what = socket.name.toUtf8();
            QVERIFY2(m_stage->actorRect(socket.actor).contains(card), what.constData());
            for (const QRectF &other : std::as_const(cards))
                QVERIFY2(!other.intersects(card), what.constData());
            cards << card;
        }
        QVERIFY(cards.size() >= 3); // listener, conn, client
    }

    void blockedActorIsShownAndReleased()
    {
        Session &session = *m_setup.session;
        for (int i = 0; i < 4; ++i)
            session.step();
        QTRY_COMPARE(m_context->cursor(), session.trace().size());
        QVERIFY2(
            m_stage->actorStatus(QStringLiteral("server")).startsWith(QStringLiteral("waits in accept()")),
            qPrintable(m_stage->actorStatus(QStringLiteral("server"))));
        const QImage blocked = m_stage->grab().toImage();
        session.stepActor(QStringLiteral("client")); // socket
        session.stepActor(QStringLiteral("client")); // connect releases accept
        QTRY_COMPARE(m_context->cursor(), session.trace().size());
        QCOMPARE(m_stage->actorStatus(QStringLiteral("server")), QStringLiteral("next: recv()"));
        QVERIFY(m_stage->grab().toImage() != blocked);
    }

    void backAndForwardPaintTheSame()
    {
        Session &session = *m_setup.session;
        QVERIFY(session.runToEnd());
        QTRY_COMPARE(m_context->cursor(), session.trace().size());
        const QList<qint64> boundaries = stepBoundaries(session.trace());
        QList<QImage> forward;
        for (qint64 cursor : boundaries) {
            m_context->player()->seek(cursor);
            forward << m_stage->grab().toImage();
        }
        for (qsizetype i = boundaries.size() - 1; i >= 0; --i) {
            m_context->player()->seek(boundaries.at(i));
            QVERIFY2(m_stage->grab().toImage() == forward.at(i),
                     qPrintable(QStringLiteral("cursor %1").arg(boundaries.at(i))));
        }
        // Neighbouring steps differ: the comparison can tell pictures apart.
        QVERIFY(forward.first() != forward.last());
    }

    void packetsTravelOnlyWhileAnimating()
    {
        if (!m_setup.capture)
            QSKIP("packets are not captured here (no sandbox, no CAP_NET_RAW)");
        Session &session = *m_setup.session;
        for (int i = 0; i < 6; ++i)
            session.step();
        QTRY_COMPARE(m_context->cursor(), session.trace().size());
        const QList<qint64> boundaries = stepBoundaries(session.trace());
        m_context->player()->seek(boundaries.at(5));
        QVERIFY(!m_stage->isAnimating());
        m_stage->setAnimationMs(40);
        m_context->player()->seek(boundaries.at(6)); // the handshake's three packets fly
        QVERIFY(m_stage->isAnimating());
        QTRY_VERIFY_WITH_TIMEOUT(!m_stage->isAnimating(), 2000);
        m_stage->setAnimationMs(0);
    }

    // Beside a long badge ("LISTEN → CLOSED") the title gives up its type words before it is cut,
    // and is measured in the bold font it is drawn in (measured in the plain one, it was cut
    // without an ellipsis: "listener  fd 16  TCP str").
    void cardTitleFitsBesideTheBadge_data()
    {
        QTest::addColumn<QString>("roomFor"); // the room: this text in bold, and a hair more
        QTest::addColumn<QString>("expected");
        const QString whole = QStringLiteral("listener  fd 16  TCP stream");
        const QString short_ = QStringLiteral("listener  fd 16");
        QTest::addRow("room for all") << whole << whole;
        QTest::addRow("room for the name and descriptor") << short_ << short_;
        QTest::addRow("room for less") << QStringLiteral("listen") << QString();
    }

    void cardTitleFitsBesideTheBadge()
    {
        QFETCH(QString, roomFor);
        QFETCH(QString, expected);
        SnapshotSocket socket;
        socket.name = QStringLiteral("listener");
        socket.fd = 16;
        socket.type = QStringLiteral("SOCK_STREAM");
        socket.domain = QStringLiteral("AF_INET");
        QFont bold = m_stage->font();
        bold.setBold(true);
        const QFontMetricsF metrics(bold);
        const qreal width = metrics.horizontalAdvance(roomFor) + 1;
        const QString title = stagecard::title(socket, metrics, width);
        QVERIFY2(metrics.horizontalAdvance(title) <= width, qPrintable(title));
        if (!expected.isEmpty())
            QCOMPARE(title, expected);
        else
            QVERIFY2(title.endsWith(QChar(0x2026)) && title.startsWith(QStringLiteral("li")),
                     qPrintable(title));
    }

private:
    SessionSetup m_setup;
    std::unique_ptr<ViewContext> m_context;
    std::unique_ptr<StageView> m_stage;
};

QTEST_MAIN(TestStageView)
#include "tst_stageview.moc"
