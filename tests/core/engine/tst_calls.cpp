// Every call the engine makes, with its success and its main failures, on real sockets.
#include "engine/session.h"
#include "engine/socketfactory.h"
#include "testsupport.h"

#include <QTest>

using testsupport::makeScenario;

namespace {

// Compact step builders: the scenario text stays readable in the tables below.
QString step(const QString &actor, const QString &call, const QString &socket, const QString &args = {},
             const QString &creates = {})
{
    QString json = QStringLiteral("{\"actor\": \"%1\", \"call\": \"%2\"").arg(actor, call);
    if (!socket.isEmpty())
        json += QStringLiteral(", \"socket\": \"%1\"").arg(socket);
    if (!creates.isEmpty())
        json += QStringLiteral(", \"creates\": \"%1\"").arg(creates);
    if (!args.isEmpty())
        json += QStringLiteral(", \"args\": {%1}").arg(args);
    return json + u'}';
}

QString tcpSocket(const QString &actor, const QString &name)
{
    return step(actor, QStringLiteral("socket"), {},
                QStringLiteral("\"domain\": \"AF_INET\", \"type\": \"SOCK_STREAM\""), name);
}

QString udpSocket(const QString &actor, const QString &name)
{
    return step(actor, QStringLiteral("socket"), {},
                QStringLiteral("\"domain\": \"AF_INET\", \"type\": \"SOCK_DGRAM\""), name);
}

QString unixSocket(const QString &actor, const QString &name, const QString &type)
{
    return step(actor, QStringLiteral("socket"), {},
                QStringLiteral("\"domain\": \"AF_UNIX\", \"type\": \"%1\"").arg(type), name);
}

QString at(const QString &address, int port)
{
    return QStringLiteral("\"address\": \"%1\", \"port\": %2").arg(address).arg(port);
}

SessionOptions quickOptions()
{
    SessionOptions options;
    options.settleQuiet = std::chrono::milliseconds(2);
    options.settleLimit = std::chrono::milliseconds(200);
    options.blockedWaitLimit = std::chrono::seconds(5);
    return options;
}

} // namespace

class TestCalls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void outcome_data();
    void outcome();
};

void TestCalls::outcome_data()
{
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<int>("checked"); // index of the step whose outcome is checked
    QTest::addColumn<qint64>("result");
    QTest::addColumn<QString>("errnoName"); // empty: success
    const QString s = QStringLiteral("s");
    const QString c = QStringLiteral("c");
    const QString bind = QStringLiteral("bind");

    QTest::addRow("socket stream") << QStringList{tcpSocket(s, s)} << 0 << qint64(-2) << QString();
    QTest::addRow("socket ipv6")
        << QStringList{step(s, QStringLiteral("socket"), {},
                            QStringLiteral("\"domain\": \"AF_INET6\", \"type\": \"SOCK_DGRAM\""), s)}
        << 0 << qint64(-2) << QString();
    QTest::addRow("socket seqpacket")
        << QStringList{unixSocket(s, s, QStringLiteral("SOCK_SEQPACKET"))} << 0 << qint64(-2) << QString();
    QTest::addRow("bind") << QStringList{tcpSocket(s, s),
                                         step(s, bind, s, at(QStringLiteral("127.0.1.1"), 41001))}
                          << 1 << qint64(0) << QString();
    QTest::addRow("bind port 0") << QStringList{udpSocket(s, s),
                                                step(s, bind, s, at(QStringLiteral("127.0.1.1"), 0)),
                                                step(s, QStringLiteral("getsockname"), s)}
                                 << 2 << qint64(0) << QString();
    QTest::addRow("second bind EADDRINUSE")
        << QStringList{tcpSocket(s, s), step(s, bind, s, at(QStringLiteral("127.0.1.2"), 41002)),
                       step(s, QStringLiteral("listen"), s, QStringLiteral("\"backlog\": 1")),
                       tcpSocket(s, QStringLiteral("t")),
                       step(s, bind, QStringLiteral("t"), at(QStringLiteral("127.0.1.2"), 41002))}
        << 4 << qint64(-1) << QStringLiteral("EADDRINUSE");
    QTest::addRow("bind twice EINVAL")
        << QStringList{udpSocket(s, s), step(s, bind, s, at(QStringLiteral("127.0.1.3"), 41003)),
                       step(s, bind, s, at(QStringLiteral("127.0.1.3"), 41004))}
        << 2 << qint64(-1) << QStringLiteral("EINVAL");
    QTest::addRow("connect ECONNREFUSED")
        << QStringList{tcpSocket(c, c),
                       step(c, QStringLiteral("connect"), c, at(QStringLiteral("127.0.1.4"), 41005))}
        << 1 << qint64(-1) << QStringLiteral("ECONNREFUSED");
    QTest::addRow("accept before listen EINVAL")
        << QStringList{tcpSocket(s, s), step(s, bind, s, at(QStringLiteral("127.0.1.5"), 41006)),
                       step(s, QStringLiteral("accept"), s, {}, QStringLiteral("conn"))}
        << 2 << qint64(-1) << QStringLiteral("EINVAL");
    QTest::addRow("listen on datagram EOPNOTSUPP")
        << QStringList{udpSocket(s, s),
                       step(s, QStringLiteral("listen"), s, QStringLiteral("\"backlog\": 1"))}
        << 1 << qint64(-1) << QStringLiteral("EOPNOTSUPP");
    QTest::addRow("send on unconnected unix stream ENOTCONN")
        << QStringList{unixSocket(c, c, QStringLiteral("SOCK_STREAM")),
                       step(c, QStringLiteral("send"), c, QStringLiteral("\"data\": \"x\""))}
        << 1 << qint64(-1) << QStringLiteral("ENOTCONN");
    // Linux answers a send on a TCP socket that never connected with EPIPE, a recv with ENOTCONN.
    QTest::addRow("send on unconnected tcp EPIPE")
        << QStringList{tcpSocket(c, c), step(c, QStringLiteral("send"), c, QStringLiteral("\"data\": \"x\""))}
        << 1 << qint64(-1) << QStringLiteral("EPIPE");
    QTest::addRow("recv on unconnected tcp ENOTCONN")
        << QStringList{tcpSocket(c, c), step(c, QStringLiteral("recv"), c)} << 1 << qint64(-1)
        << QStringLiteral("ENOTCONN");
    QTest::addRow("getpeername unconnected ENOTCONN")
        << QStringList{tcpSocket(c, c), step(c, QStringLiteral("getpeername"), c)} << 1 << qint64(-1)
        << QStringLiteral("ENOTCONN");
    QTest::addRow("non-blocking recv EAGAIN")
        << QStringList{udpSocket(s, s), step(s, bind, s, at(QStringLiteral("127.0.1.6"), 41007)),
                       step(s, QStringLiteral("fcntl"), s, QStringLiteral("\"O_NONBLOCK\": true")),
                       step(s, QStringLiteral("recvfrom"), s)}
        << 3 << qint64(-1) << QStringLiteral("EAGAIN");
    QTest::addRow("MSG_DONTWAIT recv EAGAIN")
        << QStringList{udpSocket(s, s), step(s, bind, s, at(QStringLiteral("127.0.1.6"), 41008)),
                       step(s, QStringLiteral("recv"), s, QStringLiteral("\"flags\": [\"MSG_DONTWAIT\"]"))}
        << 2 << qint64(-1) << QStringLiteral("EAGAIN");
    QTest::addRow("non-blocking accept EAGAIN")
        << QStringList{tcpSocket(s, s), step(s, bind, s, at(QStringLiteral("127.0.1.7"), 41009)),
                       step(s, QStringLiteral("listen"), s, QStringLiteral("\"backlog\": 1")),
                       step(s, QStringLiteral("fcntl"), s, QStringLiteral("\"O_NONBLOCK\": true")),
                       step(s, QStringLiteral("accept"), s, {}, QStringLiteral("conn"))}
        << 4 << qint64(-1) << QStringLiteral("EAGAIN");
    QTest::addRow("use after close EBADF")
        << QStringList{udpSocket(s, s), step(s, QStringLiteral("close"), s),
                       step(s, QStringLiteral("sendto"), s,
                            QStringLiteral("\"data\": \"x\", ") + at(QStringLiteral("127.0.1.8"), 41010))}
        << 2 << qint64(-1) << QStringLiteral("EBADF");
    QTest::addRow("close twice EBADF") << QStringList{udpSocket(s, s), step(s, QStringLiteral("close"), s),
                                                      step(s, QStringLiteral("close"), s)}
                                       << 2 << qint64(-1) << QStringLiteral("EBADF");
    for (const char *option : {"SO_REUSEADDR", "SO_RCVBUF", "SO_SNDBUF", "TCP_NODELAY", "TCP_MAXSEG"}) {
        QTest::addRow("setsockopt %s", option)
            << QStringList{tcpSocket(s, s), step(s, QStringLiteral("setsockopt"), s,
                                                 QStringLiteral("\"option\": \"%1\", \"value\": 1200")
                                                     .arg(QLatin1String(option)))}
            << 1 << qint64(0) << QString();
    }
    for (const char *how : {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"}) {
        QTest::addRow("shutdown %s on unconnected ENOTCONN", how)
            << QStringList{tcpSocket(s, s), step(s, QStringLiteral("shutdown"), s,
                                                 QStringLiteral("\"how\": \"%1\"").arg(QLatin1String(how)))}
            << 1 << qint64(-1) << QStringLiteral("ENOTCONN");
    }
    QTest::addRow("udp sendto") << QStringList{udpSocket(c, c),
                                               step(c, QStringLiteral("sendto"), c,
                                                    QStringLiteral("\"data\": \"12345\", ") +
                                                        at(QStringLiteral("127.0.1.9"), 41011))}
                                << 1 << qint64(5) << QString();
}

void TestCalls::outcome()
{
    QFETCH(QStringList, steps);
    QFETCH(int, checked);
    QFETCH(qint64, result);
    QFETCH(QString, errnoName);
    const Scenario scenario = makeScenario({QStringLiteral("s"), QStringLiteral("c")}, steps);
    QCOMPARE(scenario.steps.size(), steps.size());
    Session session(scenario, std::make_shared<HostSocketFactory>(), quickOptions());
    session.runToEnd();
    const auto outcomes = testsupport::outcomesByStep(session.trace(), int(steps.size()));
    const auto &outcome = outcomes.at(checked);
    QVERIFY(outcome.ran);
    QCOMPARE(outcome.errnoName, errnoName);
    if (result == -2)
        QVERIFY2(outcome.result >= 0, "expected a descriptor");
    else
        QCOMPARE(outcome.result, result);
}

QTEST_GUILESS_MAIN(TestCalls)
#include "tst_calls.moc"
