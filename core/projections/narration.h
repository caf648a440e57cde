#pragma once

#include <QString>

class Trace;
struct Scenario;
struct SessionSnapshot;

/// What happens now, in words: the sentences the narration and the controls show, as functions of
/// (scenario, trace, snapshot at the cursor), so that a headless run can read and check them.
namespace narration {

/// "Step 6 of 14 · Client: connect(client, 127.0.0.1:8080)"; before the first step, the title and
/// the key that takes it; without a trace, that the sandbox is starting.
QString headline(const Scenario &scenario, const Trace *trace, const SessionSnapshot &snapshot);
/// The scenario's narration of the current step (its summary before the first step).
QString stepText(const Scenario &scenario, const SessionSnapshot &snapshot);
/// What the kernel did in the current step, from the step's events: one sentence per call, the
/// packets that crossed the wire (or why none can be shown) and the states the kernel reported.
/// `capture` and `modeDescription` say whether packets are captured, and if not, why.
QString kernelText(const Trace &trace, const SessionSnapshot &snapshot, bool capture,
                   const QString &modeDescription);
/// Who waits and which step releases them ("Server waits in accept() for … Only another program
/// can release it: Step Client."), that the past is shown, or that the scenario is finished;
/// empty while nothing needs saying or there is no trace. `atLiveEnd` is the Player's: the cursor
/// may stand before events that are still on their way to it, and that is not the past.
QString waitingText(const Trace *trace, const SessionSnapshot &snapshot, bool atLiveEnd);

} // namespace narration
