#include "projections/sockettablemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

namespace {

SnapshotSocket listener()
{
    SnapshotSocket socket;
    socket.name = QStringLiteral("listener");
    socket.actor = QStringLiteral("server");
    socket.fd = 3;
    socket.type = QStringLiteral("SOCK_STREAM");
    socket.local = QStringLiteral("127.0.0.1:8080");
    socket.state = QStringLiteral("LISTEN");
    socket.previousState = QStringLiteral("CLOSE");
    socket.acceptQueue = 1;
    socket.backlog = 5;
    return socket;
}

SnapshotSocket connection(const QString &name)
{
    SnapshotSocket socket;
    socket.name = name;
    socket.actor = QStringLiteral("server");
    socket.type = QStringLiteral("SOCK_STREAM");
    socket.local = QStringLiteral("127.0.0.1:8080");
    socket.peer = QStringLiteral("127.0.0.1:40000");
    socket.receiveQueue = 5;
    socket.sendQueue = 0;
    return socket;
}

// The listener, a connection that waited in its queue until accept() took it as conn, and conn.
SessionSnapshot handshakeDone()
{
    SessionSnapshot snapshot;
    SnapshotSocket queued = connection(QStringLiteral("listener:queued 127.0.0.1:40000"));
    queued.acceptedAs = QStringLiteral("conn");
    SnapshotSocket conn = connection(QStringLiteral("conn"));
    conn.fd = 4;
    conn.state = QStringLiteral("ESTABLISHED");
    snapshot.sockets = {listener(), queued, conn};
    return snapshot;
}

} // namespace

class TestSocketTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cells_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("shown");
        QTest::addRow("name") << 0 << int(SocketTableModel::Name) << QStringLiteral("listener");
        QTest::addRow("program") << 0 << int(SocketTableModel::Actor) << QStringLiteral("server");
        QTest::addRow("descriptor") << 1 << int(SocketTableModel::Fd) << QStringLiteral("4");
        QTest::addRow("type") << 0 << int(SocketTableModel::Type) << QStringLiteral("SOCK_STREAM");
        QTest::addRow("local") << 0 << int(SocketTableModel::Local) << QStringLiteral("127.0.0.1:8080");
        QTest::addRow("peer") << 1 << int(SocketTableModel::Peer) << QStringLiteral("127.0.0.1:40000");
        QTest::addRow("state") << 1 << int(SocketTableModel::State) << QStringLiteral("ESTABLISHED");
        QTest::addRow("accept queue of a listener")
            << 0 << int(SocketTableModel::AcceptQueue) << QStringLiteral("1/5");
        QTest::addRow("no accept queue on a connection")
            << 1 << int(SocketTableModel::AcceptQueue) << QStringLiteral("–");
        QTest::addRow("receive queue") << 1 << int(SocketTableModel::ReceiveQueue) << QStringLiteral("5");
        QTest::addRow("send queue not reported")
            << 0 << int(SocketTableModel::SendQueue) << QStringLiteral("–");
    }

    void cells()
    {
        QFETCH(int, row);
        QFETCH(int, column);
        QFETCH(QString, shown);
        SocketTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.setSnapshot(handshakeDone()));
        // The queued connection accept() took is the row of conn: listed once.
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(SocketTableModel::ColumnCount));
        QCOMPARE(model.index(row, column).data().toString(), shown);
        QCOMPARE(model.index(row, column).data(Qt::AccessibleTextRole).toString(), shown);
    }

    void aSnapshotThatChangesNothingKeepsTheRows()
    {
        SocketTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.setSnapshot(handshakeDone()));
        QVERIFY(!model.setSnapshot(handshakeDone()));
        SessionSnapshot closed = handshakeDone();
        closed.sockets[2].closed = true;
        QVERIFY(model.setSnapshot(closed));
        QCOMPARE(model.index(1, SocketTableModel::Fd).data().toString(), QStringLiteral("closed"));
        QVERIFY(model.setSnapshot(SessionSnapshot{}));
        QCOMPARE(model.rowCount(), 0);
    }

    void stateTellsWhereItCameFrom()
    {
        SocketTableModel model;
        SessionSnapshot snapshot = handshakeDone();
        snapshot.sockets[2].state.clear();
        model.setSnapshot(snapshot);
        QCOMPARE(model.index(0, SocketTableModel::State).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Reported by the kernel; before: CLOSE"));
        QCOMPARE(model.index(1, SocketTableModel::State).data().toString(), QStringLiteral("not reported"));
        QCOMPARE(model.index(1, SocketTableModel::State).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("The kernel has not reported a state for this socket."));
        QCOMPARE(model.headerData(SocketTableModel::AcceptQueue, Qt::Horizontal).toString(),
                 QStringLiteral("Accept queue"));
    }
};

QTEST_GUILESS_MAIN(TestSocketTableModel)
#include "tst_sockettablemodel.moc"
