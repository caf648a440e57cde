// Engine overhead of one step beyond the system call itself: the command to the actor thread, the
// call, the event appended, the observers told, the step reported back. Prints median and p95.
#include "engine/session.h"
#include "engine/socketfactory.h"
#include "scenario/scenarioloader.h"

#include <QCoreApplication>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

namespace {

Scenario repeatedCall(const QString &call, const QString &args, int count)
{
    QString steps = QStringLiteral(
        R"({"actor": "a", "call": "socket", "creates": "u", "args": {"domain": "AF_INET", "type": "SOCK_DGRAM"}},
        {"actor": "a", "call": "bind", "socket": "u", "args": {"address": "127.0.4.1", "port": 0}})");
    for (int i = 0; i < count; ++i)
        steps += QStringLiteral(R"(, {"actor": "a", "call": "%1", "socket": "u"%2})").arg(call, args);
    const QString json =
        QStringLiteral(R"({"id": "bench", "title": "bench", "actors": [{"id": "a"}], "steps": [%1]})")
            .arg(steps);
    const ScenarioLoadResult loaded = ScenarioLoader::parse(json.toUtf8(), QStringLiteral("bench"));
    if (!loaded.ok())
        qFatal("%s", qPrintable(loaded.error.toString()));
    return loaded.scenario;
}

void measure(QTextStream &out, const QString &label, const Scenario &scenario)
{
    SessionOptions options;
    options.settleQuiet = std::chrono::microseconds(0); // the settle wait is policy, not overhead
    Session session(scenario, std::make_shared<HostSocketFactory>(), options);
    std::atomic<int> told{0};
    QObject::connect(
        &session.trace(), &Trace::eventAppended, &session.trace(), [&told] { ++told; }, Qt::DirectConnection);
    std::vector<double> overheadUs;
    std::vector<double> callUs;
    session.step();
    session.step();
    while (!session.isFinished()) {
        const auto start = std::chrono::steady_clock::now();
        const StepOutcome outcome = session.step();
        const auto end = std::chrono::steady_clock::now();
        const CallInfo *call = session.trace().at(outcome.callSeq).call();
        const double totalUs = std::chrono::duration<double, std::micro>(end - start).count();
        overheadUs.push_back(totalUs - call->durationNs / 1000.0);
        callUs.push_back(call->durationNs / 1000.0);
    }
    auto percentile = [](std::vector<double> values, double p) {
        std::sort(values.begin(), values.end());
        return values.at(size_t(p * double(values.size() - 1)));
    };
    out << QStringLiteral(
               "%1: %2 steps, engine overhead median %3 µs, p95 %4 µs (the call itself: median %5 µs); "
               "observers told %6 times\n")
               .arg(label)
               .arg(overheadUs.size())
               .arg(percentile(overheadUs, 0.5), 0, 'f', 1)
               .arg(percentile(overheadUs, 0.95), 0, 'f', 1)
               .arg(percentile(callUs, 0.5), 0, 'f', 2)
               .arg(told.load());
    out.flush();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    out << "bench_engine: target <= 100 µs median overhead for a non-blocking call\n";
    measure(out, QStringLiteral("getsockname"), repeatedCall(QStringLiteral("getsockname"), QString(), 3000));
    measure(
        out, QStringLiteral("sendto 64 B"),
        repeatedCall(
            QStringLiteral("sendto"),
            QStringLiteral(
                R"(, "args": {"data": "0123456789012345678901234567890123456789012345678901234567890123", "address": "127.0.4.1", "port": 9})"),
            3000));
    return 0;
}
