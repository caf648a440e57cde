// Prints the sequence diagram's figures: frame time with 100 and 100,000 events, the zoomed-out
// overview of 100,000 events, and the cost of laying out one event.

#include "player/player.h"
#include "projections/sequencelayout.h"
#include "sequence/sequencediagram.h"
#include "trace/trace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace {

// A conversation shaped like tcp-echo, repeated: calls, blocked calls, packets, state changes.
void fill(Trace &trace, qint64 count)
{
    const QString server = QStringLiteral("127.0.0.1:8080");
    const QString client = QStringLiteral("127.0.0.1:40000");
    auto call = [&](const QString &actor, int step, const QString &name, const QString &socket,
                    const QString &local, const QString &peer,
                    CallInfo::Phase phase = CallInfo::Phase::Returned) {
        CallInfo info;
        info.actor = actor;
        info.step = step;
        info.call = name;
        info.socket = socket;
        info.local = local;
        info.peer = peer;
        info.phase = phase;
        info.result = 14;
        trace.append(TraceEvent{-1, 1, -1, info});
    };
    auto packet = [&](const QString &src, const QString &dst, QStringList flags, int len, quint32 seq) {
        PacketInfo info;
        info.proto = QStringLiteral("TCP");
        info.src = src;
        info.dst = dst;
        info.flags = std::move(flags);
        info.len = len;
        info.seq = seq;
        info.ack = seq + 1;
        trace.append(TraceEvent{-1, 1, -1, info});
    };
    auto state = [&](const QString &socket, const QString &from, const QString &to) {
        trace.append(TraceEvent{-1, 1, -1, StateInfo{socket, from, to, QStringLiteral("tcp_info"), {}, {}}});
    };
    const QString s = QStringLiteral("server");
    const QString c = QStringLiteral("client");
    call(s, 0, QStringLiteral("bind"), QStringLiteral("listener"), server, {});
    call(s, 3, QStringLiteral("accept"), QStringLiteral("listener"), {}, {}, CallInfo::Phase::Blocked);
    call(c, 5, QStringLiteral("connect"), QStringLiteral("client"), client, server);
    call(s, 3, QStringLiteral("accept"), QStringLiteral("conn"), server, client);
    quint32 seq = 1;
    while (trace.size() < count) {
        const qint64 left = count - trace.size();
        if (left >= 8) {
            call(c, 6, QStringLiteral("send"), QStringLiteral("client"), client, server);
            packet(client, server, {QStringLiteral("PSH"), QStringLiteral("ACK")}, 14, seq);
            packet(server, client, {QStringLiteral("ACK")}, 0, 1);
            call(s, 7, QStringLiteral("recv"), QStringLiteral("conn"), server, client);
            call(s, 8, QStringLiteral("send"), QStringLiteral("conn"), server, client);
            packet(server, client, {QStringLiteral("PSH"), QStringLiteral("ACK")}, 14, seq);
            state(QStringLiteral("client"), QStringLiteral("ESTABLISHED"), QStringLiteral("ESTABLISHED"));
            call(c, 9, QStringLiteral("recv"), QStringLiteral("client"), client, server);
            seq += 14;
        } else {
            trace.append(TraceEvent{-1, 1, -1, NoteInfo{NoteInfo::Level::Info, QStringLiteral("filler")}});
        }
    }
}

double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values.at(std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5)));
}

// Paints `frames` frames into an image of the widget's size, each at another scroll position.
std::vector<double> frameTimes(SequenceDiagram &diagram, int frames, std::vector<double> &wall)
{
    QImage image(diagram.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    std::vector<double> times;
    QScrollBar *bar = diagram.verticalScrollBar();
    for (int i = 0; i < frames + 10; ++i) {
        bar->setValue(int(qint64(bar->maximum()) * ((i * 7919) % frames) / qMax(1, frames)));
        // CPU time of this thread: the work of a frame, without the waits of a machine shared with
        // other jobs (wall time is printed beside it).
        const double cpuStart = threadCpuMs();
        QElapsedTimer timer;
        timer.start();
        QPainter painter(&image);
        diagram.render(painter, image.size());
        painter.end();
        if (i >= 10) { // warm-up frames are not counted
            times.push_back(threadCpuMs() - cpuStart);
            wall.push_back(timer.nsecsElapsed() / 1e6);
        }
    }
    return times;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    // Ingest: the layout of one event, measured over 100,000.
    Trace big;
    fill(big, 100000);
    SequenceLayout layout({QStringLiteral("server"), QStringLiteral("client")});
    QElapsedTimer timer;
    timer.start();
    for (qint64 i = 0; i < big.size(); ++i)
        layout.ingest(big.at(i));
    const double ingestNs = double(timer.nsecsElapsed()) / double(big.size());

    Trace small;
    fill(small, 100);
    SequenceDiagram smallView;
    smallView.resize(1280, 720);
    Player smallPlayer;
    smallPlayer.setTrace(&small, {});
    smallView.setPlayer(&smallPlayer, {QStringLiteral("server"), QStringLiteral("client")});
    smallView.show();
    SequenceDiagram bigView;
    bigView.resize(1280, 720);
    Player bigPlayer;
    bigPlayer.setTrace(&big, {});
    timer.restart();
    bigView.setPlayer(&bigPlayer, {QStringLiteral("server"), QStringLiteral("client")});
    const double viewIngestMs = timer.nsecsElapsed() / 1e6;
    bigView.show();

    const int frames = 300;
    std::vector<double> smallWall, bigWall, overviewWall;
    const std::vector<double> small100 = frameTimes(smallView, frames, smallWall);
    const std::vector<double> big100k = frameTimes(bigView, frames, bigWall);
    bigView.zoomToFit();
    const std::vector<double> overview = frameTimes(bigView, 100, overviewWall);

    const double p95Small = percentile(small100, 0.95);
    const double p95Big = percentile(big100k, 0.95);
    const double p95Overview = percentile(overview, 0.95);
    std::printf("sequence diagram, 1280x720, %d frames each (paint into a QImage of the widget size)\n",
                frames);
    std::printf("  (CPU time of the painting thread; wall-clock p50 / p95 in brackets)\n");
    std::printf("  frame p50 / p95, 100 events:       %.3f / %.3f ms   [wall %.3f / %.3f]\n",
                percentile(small100, 0.5), p95Small, percentile(smallWall, 0.5), percentile(smallWall, 0.95));
    std::printf(
        "  frame p50 / p95, 100,000 events:   %.3f / %.3f ms   [wall %.3f / %.3f]  (target p95 <= 8 ms)\n",
        percentile(big100k, 0.5), p95Big, percentile(bigWall, 0.5), percentile(bigWall, 0.95));
    std::printf("  ratio p95 100,000 / 100:           %.2f            (target <= 1.2)\n", p95Big / p95Small);
    std::printf("  overview (zoomed to fit) p95, 100,000 events: %.3f ms [wall %.3f] (target <= 16.7 ms; "
                "zoom %.5f)\n",
                p95Overview, percentile(overviewWall, 0.95), bigView.zoom());
    std::printf("  ingest per event (layout):         %.1f ns          (target <= 1000 ns)\n", ingestNs);
    std::printf("  view catch-up of 100,000 events:   %.1f ms\n", viewIngestMs);
    return 0;
}
