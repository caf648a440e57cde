// The TCP states in a trace are the ones `ss` reports for the same sockets at the same moment.
#include "engine/sandboxclient.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"

#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <unistd.h>

namespace {

// ss's words for the kernel's states: "ESTAB", "FIN-WAIT-2", "TIME-WAIT" …
QString fromSs(const QString &state)
{
    if (state == QLatin1String("ESTAB"))
        return QStringLiteral("ESTABLISHED");
    if (state == QLatin1String("SYN-RECV"))
        return QStringLiteral("SYN_RECV");
    QString name = state;
    name.replace(u'-', u'_');
    return name.replace(QStringLiteral("FIN_WAIT_"), QStringLiteral("FIN_WAIT"));
}

QString endpointKey(const QString &local, const QString &peer)
{
    const bool noPeer = peer.isEmpty() || peer.endsWith(QLatin1String(":*"));
    return local + u'>' + (noPeer ? QString() : peer);
}

} // namespace

class TestSsAgreement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statesAgreeWithSs();
};

void TestSsAgreement::initTestCase()
{
    // The sandbox helper is built next to the app (SOCKETSCOPE_BINARY), not next to this test.
    qputenv("SOCKETSCOPE_SANDBOX", (QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY)).absolutePath() +
                                    QStringLiteral("/socketscope-sandbox"))
                                       .toLocal8Bit());
}

void TestSsAgreement::statesAgreeWithSs()
{
    const QString nsenter = QStandardPaths::findExecutable(QStringLiteral("nsenter"));
    const QString ss = QStandardPaths::findExecutable(QStringLiteral("ss"));
    if (nsenter.isEmpty() || ss.isEmpty())
        QSKIP("needs nsenter (util-linux) and ss (iproute2)");
    if (::geteuid() != 0)
        QSKIP("joining the sandbox from outside with nsenter needs root");
    const ScenarioLoadResult loaded = ScenarioLoader::builtin(QStringLiteral("tcp-echo"));
    QVERIFY(loaded.ok());
    SessionSetup setup = setUpSession(loaded.scenario);
    if (!setup.sandbox)
        QSKIP("the sandbox cannot be entered here, so there is no private loopback to compare");
    Session &session = *setup.session;
    const Trace &trace = session.trace();

    int compared = 0;
    QStringList seenStates;
    while (!session.isFinished()) {
        session.step();
        // The trace's latest state of every socket, by its addresses.
        QHash<QString, QString> traced;
        for (qint64 i = 0; i < trace.size(); ++i) {
            const StateInfo *state = trace.at(i).state();
            // A queued connection that accept() took is the accepted socket from then on: the
            // accepted socket's later events carry the kernel's state for the same 4-tuple.
            if (state && !state->local.isEmpty())
                traced.insert(endpointKey(state->local, state->peer), state->to);
        }
        QProcess process;
        process.start(nsenter, {QStringLiteral("-U"), QStringLiteral("-n"), QStringLiteral("-t"),
                                QString::number(setup.sandbox->helperPid()), ss, QStringLiteral("-Htan")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        const QStringList lines =
            QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            const QStringList fields = line.simplified().split(u' ');
            QVERIFY2(fields.size() >= 5, qPrintable(line));
            const QString key = endpointKey(fields.at(3), fields.at(4));
            if (!traced.contains(key))
                continue; // a socket the trace has not reported a state for yet
            QCOMPARE(traced.value(key), fromSs(fields.at(0)));
            seenStates << traced.value(key);
            ++compared;
        }
    }
    QVERIFY(compared >= 10);
    for (const char *state : {"LISTEN", "ESTABLISHED", "FIN_WAIT2", "TIME_WAIT"})
        QVERIFY2(seenStates.contains(QLatin1String(state)), state);
}

QTEST_GUILESS_MAIN(TestSsAgreement)
#include "tst_ssagreement.moc"
