#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class Trace;
struct Scenario;

/// One socket as the trace shows it at the cursor.
struct SnapshotSocket
{
    QString name;   // "listener"
    QString actor;  // the actor whose calls made or used it
    int fd = -1;    // the descriptor the last call on it reported, -1 when unknown
    QString domain; // "AF_INET", from the scenario
    QString type;   // "SOCK_STREAM", from the scenario
    QString local;  // "127.0.0.1:8080", empty when not known yet
    QString peer;
    QString state;         // as the kernel last reported it ("LISTEN"), empty when never reported
    QString previousState; // the state before the last reported change
    qint64 stateSeq = -1;  // event that reported `state`
    int acceptQueue = -1;  // connections waiting (listeners), -1 when never reported
    int backlog = -1;
    int receiveQueue = -1;  // bytes
    int sendQueue = -1;     // bytes
    qint64 queueSeq = -1;   // event that reported the queue figures
    bool closed = false;    // close() returned on it
    qint64 createdSeq = -1; // event that first named it
    QString acceptedAs;     // a queued connection that accept() took: the socket it became

    bool operator==(const SnapshotSocket &other) const = default;
};

/// One actor (program) at the cursor.
struct SnapshotActor
{
    QString id;
    QString title;
    int lastStep = -1;     // the last of its steps that started, -1 before its first
    int nextStep = -1;     // its next step in script order, -1 when it has none left
    int blockedStep = -1;  // the step it is waiting in, -1 when not waiting
    QString blockedCall;   // "accept"
    QString blockedSocket; // "listener"
    QString waitsFor;      // "a connection in listener's accept queue"
    bool finished() const { return nextStep < 0 && blockedStep < 0; }
    bool operator==(const SnapshotActor &other) const = default;
};

/// The world at cursor k, computed from the trace alone: what every view shows "now".
///
/// A pure function of (scenario, trace, cursor): stepping back and forth gives equal snapshots.
struct SessionSnapshot
{
    qint64 cursor = 0;
    QList<SnapshotActor> actors;
    QList<SnapshotSocket> sockets;
    int stepsStarted = 0;       // how many steps have a call event before the cursor
    int currentStep = -1;       // the step whose events end at the cursor (the last one started)
    qint64 currentCallSeq = -1; // its first call event
    int nextStep = -1;          // the next step in script order not started yet, -1 at the end
    qint64 lastPacketSeq = -1;  // the last packet before the cursor
    qint64 lastCallSeq = -1;    // the last call event before the cursor
    QList<qint64> stepEvents;   // seqs of the current step's events (from its first call on)

    const SnapshotActor *actor(const QString &id) const;
    const SnapshotSocket *socket(const QString &name) const;
    bool anyBlocked() const;
    bool operator==(const SessionSnapshot &other) const = default;

    static SessionSnapshot compute(const Scenario &scenario, const Trace &trace, qint64 cursor);
};

/// Where the steps begin in a trace: the seq of each step's first call event, in trace order.
/// Cursor positions that end a step are these marks (after the first), plus the trace's size.
QList<qint64> stepMarks(const Trace &trace);
/// The cursor positions Back and Forward stop at: 0, every mark after the first, and the end.
QList<qint64> stepBoundaries(const Trace &trace);
