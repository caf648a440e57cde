#pragma once

#include <QString>
#include <QStringList>

#include <optional>

/// What a question asks about a step, read from the run's trace: the exercise files' vocabulary.
/// An exercise file names it ("accept_queue"); the loader parses it once, and the grader switches
/// over the value, so that a new measure is one new enumerator the compiler follows.
enum class Measure {
    Result,      // the call's return value
    Errno,       // the errno name, or "none"
    Blocks,      // whether the call waited before it returned
    Packets,     // how many packets the step put on the wire
    Flags,       // the TCP flags of those packets, in order ("SYN", "SYN+ACK", "ACK")
    State,       // the TCP state of a socket after the step
    AcceptQueue, // connections waiting in a listener's accept queue after the step
    RecvQueue,   // bytes waiting in a socket's receive queue after the step
    LocalPort,   // the local port of a socket after the step
    Data,        // the bytes the call moved, as text
};

const QList<Measure> &allMeasures();
/// The measure's name in files: "accept_queue".
QString measureName(Measure measure);
std::optional<Measure> measureFromName(const QString &name);
/// Whether the measure is about a socket (and so takes "socket").
bool measureNeedsSocket(Measure measure);
/// A few words for the reader: "the value connect() returned".
QString measureDescription(Measure measure);

/// When a question about a step is asked: before it runs (predict) or after (read what happened).
enum class Timing { Before, After };
