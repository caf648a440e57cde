// Cost of loading (parsing and validating) each built-in scenario, and of a large hand-written file:
// loading happens before every run and every reset in the window, so it must stay far below a frame.
#include "scenario/scenarioloader.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <vector>

namespace {

struct Figures
{
    double medianUs = 0;
    double p95Us = 0;
};

Figures measure(const QByteArray &json, int rounds)
{
    std::vector<double> samples;
    samples.reserve(rounds);
    for (int i = 0; i < rounds; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const ScenarioLoadResult loaded = ScenarioLoader::parse(json, QStringLiteral("bench.json"));
        const auto end = std::chrono::steady_clock::now();
        if (!loaded.ok())
            qFatal("%s", qPrintable(loaded.error.toString()));
        samples.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    }
    std::sort(samples.begin(), samples.end());
    return {samples[samples.size() / 2], samples[samples.size() * 95 / 100]};
}

// One actor pair exchanging `rounds` messages: a long lesson, written out step by step.
QByteArray largeScenario(int rounds)
{
    QByteArray steps =
        R"({"actor": "server", "call": "socket", "creates": "listener", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}},
{"actor": "server", "call": "bind", "socket": "listener", "args": {"address": "127.0.0.1", "port": 8080}},
{"actor": "server", "call": "listen", "socket": "listener", "args": {"backlog": 5}},
{"actor": "client", "call": "socket", "creates": "client", "args": {"domain": "AF_INET", "type": "SOCK_STREAM"}},
{"actor": "client", "call": "connect", "socket": "client", "args": {"address": "127.0.0.1", "port": 8080}},
{"actor": "server", "call": "accept", "socket": "listener", "creates": "conn", "expect": {"ok": true}})";
    for (int i = 0; i < rounds; ++i) {
        steps += R"(,
{"actor": "client", "call": "send", "socket": "client", "args": {"data": "hello"}, "narration": "one more line", "expect": {"result": 5}},
{"actor": "server", "call": "recv", "socket": "conn", "args": {"length": 64}, "expect": {"data": "hello"}})";
    }
    return R"({"id": "large", "title": "Large", "actors": [{"id": "server"}, {"id": "client"}], "steps": [)" +
           steps + "]}";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    out << "bench_scenarioloader: parse + validate, median and p95 over 200 loads\n";
    for (const QString &id : ScenarioLoader::builtinIds()) {
        QFile file(QStringLiteral(":/scenarios/%1.json").arg(id));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray json = file.readAll();
        const Figures figures = measure(json, 200);
        out << QStringLiteral("%1 %2 bytes: median %3 µs, p95 %4 µs\n")
                   .arg(id, -26)
                   .arg(json.size(), 6)
                   .arg(figures.medianUs, 7, 'f', 1)
                   .arg(figures.p95Us, 7, 'f', 1);
    }
    for (const int rounds : {100, 1000, 10000}) {
        const QByteArray json = largeScenario(rounds);
        const Figures figures = measure(json, 20);
        out << QStringLiteral("large, %1 steps, %2 KiB: median %3 µs (%4 µs per step)\n")
                   .arg(6 + 2 * rounds)
                   .arg(json.size() / 1024)
                   .arg(figures.medianUs, 0, 'f', 0)
                   .arg(figures.medianUs / (6 + 2 * rounds), 0, 'f', 2);
    }
    return 0;
}
