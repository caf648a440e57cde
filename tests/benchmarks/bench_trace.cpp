// Trace append cost per event, amortised, from 1,000 to 1,000,000 events (it must stay flat).
#include "trace/trace.h"

#include <QCoreApplication>
#include <QTextStream>

#include <chrono>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    out << "bench_trace: target <= 1 µs per event, linear to 1,000,000 events\n";
    TraceEvent packet;
    PacketInfo info;
    info.proto = QStringLiteral("TCP");
    info.src = QStringLiteral("127.0.0.1:40312");
    info.dst = QStringLiteral("127.0.0.1:8080");
    info.flags = QStringList{QStringLiteral("ACK")};
    info.len = 1448;
    info.frame = QByteArray(1514, 'x');
    info.summary = QStringLiteral("[ACK] seq=1 ack=1 len=1448");
    packet.info = info;
    for (const qint64 count : {qint64(1000), qint64(10000), qint64(100000), qint64(1000000)}) {
        Trace trace;
        const auto start = std::chrono::steady_clock::now();
        for (qint64 i = 0; i < count; ++i)
            trace.append(packet);
        const auto end = std::chrono::steady_clock::now();
        const double ns = std::chrono::duration<double, std::nano>(end - start).count() / double(count);
        out << QStringLiteral("%1 events: %2 ns per event\n").arg(count, 8).arg(ns, 0, 'f', 1);
        out.flush();
    }
    return 0;
}
