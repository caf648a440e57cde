// Lab exercises: a headless exercise on real sockets (handshake-lab, both its runs), grading a
// result file again from its embedded traces, and grading one question on traces that grow to
// 100,000 events (the window does this as events arrive).
#include "exercise/exerciseloader.h"
#include "exercise/grader.h"
#include "exercise/run/exerciserun.h"
#include "trace/trace.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <memory>

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// The handshake-lab trace, its packets repeated until the trace holds `events` events.
std::unique_ptr<Trace> grownTrace(const Trace &model, qint64 events)
{
    auto grown = std::make_unique<Trace>();
    Trace &trace = *grown;
    for (qint64 seq = 0; seq < model.size(); ++seq)
        trace.append(model.at(seq));
    TraceEvent filler;
    PacketInfo packet;
    packet.proto = QStringLiteral("TCP");
    packet.flags = {QStringLiteral("ACK")};
    filler.info = packet;
    while (trace.size() < events)
        trace.append(filler);
    return grown;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    out << "bench_exercise: handshake-lab on real sockets, grade's check, and grading on large traces\n";
    const ExerciseLoadResult loaded =
        ExerciseLoader::builtin(QStringLiteral("handshake-lab"), QStringLiteral("Ada"));
    if (!loaded.ok()) {
        out << "cannot load handshake-lab: " << loaded.error.toString() << '\n';
        return 1;
    }
    const exerciserun::Answers answers{
        {QStringLiteral("q1"), 0},
        {QStringLiteral("q2"), 3},
        {QStringLiteral("q3"), QStringLiteral("FIN_WAIT2")},
        {QStringLiteral("g1"), QJsonArray{QStringLiteral("client"), QStringLiteral("client")}}};
    QList<double> runs;
    ExerciseResult result;
    for (int round = 0; round < 5; ++round) {
        const auto start = Clock::now();
        result = exerciserun::run(loaded.exercise, answers);
        runs << msSince(start);
    }
    out << QStringLiteral(
               "exercise run (2 runs of 14 and 2 steps, graded): median %1 ms of 5 (score %2/%3)\n")
               .arg(median(runs), 0, 'f', 1)
               .arg(result.score())
               .arg(result.maximum());
    QTemporaryDir folder;
    const QString file = folder.filePath(QStringLiteral("result.json"));
    if (const QString problem = result.write(file); !problem.isEmpty()) {
        out << problem << '\n';
        return 1;
    }
    QList<double> checks;
    for (int round = 0; round < 20; ++round) {
        const auto start = Clock::now();
        const ResultCheck check = exerciseresult::check(file);
        checks << msSince(start);
        if (!check.verified()) {
            out << "the result does not verify: " << check.problems.join(QStringLiteral("; ")) << '\n';
            return 1;
        }
    }
    out << QStringLiteral("grade's check of one result file (%1 KiB): median %2 ms of 20\n")
               .arg(QFileInfo(file).size() / 1024)
               .arg(median(checks), 0, 'f', 2);
    const Trace &model = *result.runs.first().trace;
    for (const qint64 events : {qint64(1000), qint64(10000), qint64(100000)}) {
        const std::unique_ptr<Trace> trace = grownTrace(model, events);
        for (const Question &question : loaded.exercise.questions) {
            const auto start = Clock::now();
            grader::grade(question, answers.value(question.id), loaded.exercise.scenario, *trace, true);
            out << QStringLiteral("%1 events: %2 (%3) graded in %4 ms\n")
                       .arg(events, 7)
                       .arg(question.id,
                            question.isGoal() ? QStringLiteral("goal") : measureName(question.measure))
                       .arg(msSince(start), 0, 'f', 2);
        }
    }
    out.flush();
    return 0;
}
