#include "commands.h"

#include "codegen/codegen.h"
#include "codegen/run/codegeninsteprun.h"
#include "engine/session.h"
#include "export/pcapng.h"
#include "export/tracejson.h"
#include "projections/eventtext.h"
#include "scenario/scenarioloader.h"
#include "setup/sessionsetup.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QTextStream>

#include <cstdio>
#include <mutex>

namespace commands {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// An output file must be writable before the run starts, so that a run is never lost at its end.
QString checkWritable(const QString &fileName)
{
    const QFileInfo info(fileName);
    const QFileInfo directory(info.absolutePath());
    if (!directory.isDir())
        return QStringLiteral("cannot write %1: the folder %2 does not exist")
            .arg(fileName, info.absolutePath());
    if (!directory.isWritable() || (info.exists() && !info.isWritable()))
        return QStringLiteral("cannot write %1: permission denied").arg(fileName);
    return {};
}

namespace {

// Prints every event once, in trace order, whichever thread appended it.
class Printer
{
public:
    explicit Printer(const Trace &trace)
        : m_trace(trace)
    {
    }
    void flush()
    {
        std::lock_guard lock(m_mutex);
        for (; m_printed < m_trace.size(); ++m_printed)
            out() << eventtext::line(m_trace.at(m_printed)) << '\n';
        out().flush();
    }

private:
    const Trace &m_trace;
    std::mutex m_mutex;
    qint64 m_printed = 0;
};

// A command's arguments: one scenario, options that take a value, and flags.
struct Arguments
{
    QString scenario;
    QHash<QString, QString> values;
    QSet<QString> flags;
    QString error; // why the arguments cannot be used; empty when they can
};

Arguments parseArguments(const QStringList &arguments, const QStringList &valueOptions,
                         const QStringList &flagOptions)
{
    Arguments parsed;
    for (qsizetype i = 0; i < arguments.size() && parsed.error.isEmpty(); ++i) {
        const QString &argument = arguments.at(i);
        if (valueOptions.contains(argument)) {
            if (i + 1 >= arguments.size())
                parsed.error = argument + QStringLiteral(" needs a value");
            else
                parsed.values.insert(argument, arguments.at(++i));
        } else if (flagOptions.contains(argument)) {
            parsed.flags.insert(argument);
        } else if (argument.startsWith(QLatin1String("--"))) {
            parsed.error = QStringLiteral("unknown option ") + argument;
        } else if (parsed.scenario.isEmpty()) {
            parsed.scenario = argument;
        } else {
            parsed.error = QStringLiteral("one scenario at a time");
        }
    }
    return parsed;
}

} // namespace

int usage(const QString &error)
{
    if (!error.isEmpty())
        err() << "socketscope: " << error << '\n';
    err()
        << "usage:\n"
           "  socketscope [--scenario ID|FILE]          open the window\n"
           "  socketscope list                          list the built-in scenarios\n"
           "  socketscope run ID|FILE [--trace OUT.json] [--pcap OUT.pcapng] [--host-loopback]\n"
           "  socketscope code ID|FILE --lang c|python [--actor NAME] [--in-step]\n"
           "  socketscope code ID|FILE --lang c|python --run [--host-loopback]\n"
           "  socketscope --exercise ID|FILE [--student NAME]  the window in student mode\n"
           "  socketscope exercise list                     list the built-in exercises\n"
           "  socketscope exercise ID|FILE --student NAME --answers ANSWERS.json [--result OUT.json]\n"
           "                                                [--host-loopback]\n"
           "  socketscope grade RESULT.json… [--csv OUT.csv] [--exercise TEACHERS-COPY.json]…\n"
           "\n"
           "code prints the program generated for each actor; --in-step prints the copies that wait\n"
           "for their turn (wait_for_turn) before each step; --run compiles (cc) or runs (python3)\n"
           "those copies, one process per actor in a sandbox of their own, in the scenario's order,\n"
           "and compares each step with the engine's own run (exit 0: every step matched, 1: not);\n"
           "with --host-loopback they run on the host's loopback, where tcpdump or Wireshark can\n"
           "watch them.\n"
           "\n"
           "exercise runs a lab exercise on real sockets, answering from ANSWERS.json\n"
           "({\"answers\": {\"q1\": 0, \"g1\": [\"client\", \"server\"]}}: a goal's answer is the order of\n"
           "actors to step), and grades each answer against what the kernel did (exit 0 when it ran,\n"
           "2 for bad input). grade checks result files again from their own traces and prints one\n"
           "row per student (exit 1 when a file fails the check); an exercise that is not built in is\n"
           "checked against the teacher's copy given with --exercise.\n";
    err().flush();
    return 2;
}

int list()
{
    for (const QString &id : ScenarioLoader::builtinIds()) {
        const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
        out() << id << '\t'
              << (loaded.ok() ? loaded.scenario.title
                              : QStringLiteral("(broken: ") + loaded.error.reason + u')')
              << '\n';
    }
    out().flush();
    return 0;
}

int run(const QStringList &arguments)
{
    const Arguments parsed = parseArguments(arguments, {QStringLiteral("--trace"), QStringLiteral("--pcap")},
                                            {QStringLiteral("--host-loopback")});
    if (!parsed.error.isEmpty())
        return usage(parsed.error);
    const QString &scenarioName = parsed.scenario;
    const QString traceFile = parsed.values.value(QStringLiteral("--trace"));
    const QString pcapFile = parsed.values.value(QStringLiteral("--pcap"));
    const bool hostLoopback = parsed.flags.contains(QStringLiteral("--host-loopback"));
    if (scenarioName.isEmpty())
        return usage(QStringLiteral("run needs a scenario id or file"));

    const ScenarioLoadResult loaded = ScenarioLoader::load(scenarioName);
    if (!loaded.ok()) {
        err() << "socketscope: " << loaded.error.toString() << '\n';
        err().flush();
        return 2;
    }
    for (const QString &file : {traceFile, pcapFile}) {
        if (const QString problem = file.isEmpty() ? QString() : checkWritable(file); !problem.isEmpty()) {
            err() << "socketscope: " << problem << '\n';
            err().flush();
            return 2;
        }
    }

    SessionSetupOptions options;
    options.hostLoopback = hostLoopback;
    SessionSetup setup = setUpSession(loaded.scenario, options);
    Session &session = *setup.session;
    Printer printer(session.trace());
    QObject::connect(
        &session.trace(), &Trace::eventAppended, &session.trace(), [&printer] { printer.flush(); },
        Qt::DirectConnection);
    out() << "== " << loaded.scenario.title << " (" << loaded.scenario.id << ") — " << setup.description
          << '\n';
    out().flush();
    const bool followed = session.runToEnd();
    printer.flush();

    int exitCode = 0;
    if (!traceFile.isEmpty()) {
        tracejson::Header header{loaded.scenario.id, setup.mode, setup.capture, setup.description};
        if (const QString problem = tracejson::write(session.trace(), header, traceFile);
            !problem.isEmpty()) {
            err() << "socketscope: " << problem << '\n';
            exitCode = 2;
        }
    }
    if (!pcapFile.isEmpty()) {
        if (!setup.capture)
            err() << "socketscope: " << pcapFile << " holds no packets: " << setup.description << '\n';
        if (const QString problem = pcapng::write(session.trace(), pcapFile); !problem.isEmpty()) {
            err() << "socketscope: " << problem << '\n';
            exitCode = 2;
        }
    }
    if (!followed) {
        err() << "socketscope: the run departed from the scenario:\n";
        for (const auto &[step, reason] : session.departures())
            err() << "  step " << step + 1 << " (" << loaded.scenario.steps.at(step).actor << ' '
                  << callName(loaded.scenario.steps.at(step).call) << "): " << reason << '\n';
        err().flush();
        return exitCode ? exitCode : 1;
    }
    out() << "== the run followed the scenario: " << loaded.scenario.steps.size() << " steps\n";
    out().flush();
    return exitCode;
}

namespace {

// The in-step programs as real processes, step by step beside the engine's run.
int runInStep(const Scenario &scenario, codegen::Language language, bool hostLoopback)
{
    CodegenInStepRun run(scenario, language);
    if (hostLoopback)
        run.useHostLoopback();
    if (const QString problem = run.prepare(); !problem.isEmpty()) {
        err() << "socketscope: " << problem << '\n';
        err().flush();
        return run.toolMissing() ? 2 : 1;
    }
    out() << "== " << scenario.title << " (" << scenario.id << "): " << scenario.actors.size() << ' '
          << (language == codegen::Language::C ? "C" : "Python")
          << (scenario.actors.size() == 1 ? " program" : " programs in step,") << ' ' << run.where() << '\n';
    out().flush();
    QEventLoop loop;
    QObject::connect(&run, &CodegenInStepRun::finished, &loop, &QEventLoop::quit);
    run.start();
    if (!run.isFinished())
        loop.exec();

    int matched = 0;
    const QList<CodegenInStepRun::Step> steps = run.steps();
    for (const CodegenInStepRun::Step &step : steps) {
        out() << '[' << step.actor << "] "
              << (step.program.isEmpty() ? QStringLiteral("step %1: no outcome").arg(step.step + 1)
                                         : step.program)
              << (step.waited ? " (waited)" : "");
        if (step.matched)
            ++matched;
        else
            out() << "   ≠ " << step.difference;
        out() << '\n';
    }
    if (!run.engineDeparture().isEmpty())
        err() << "socketscope: the engine's own run departed from the scenario: " << run.engineDeparture()
              << '\n';
    if (!run.error().isEmpty()) {
        err() << "socketscope: " << run.error() << '\n';
        for (const ScenarioActor &actor : scenario.actors) {
            if (const QByteArray errors = run.errorOutput(actor.id).trimmed(); !errors.isEmpty())
                err() << "  " << actor.id << ": " << QString::fromLocal8Bit(errors) << '\n';
        }
    }
    err().flush();
    if (run.allMatched()) {
        out() << "== every step matched the engine's run: " << steps.size() << " steps\n";
        out().flush();
        return 0;
    }
    out() << "== " << steps.size() - matched << " of " << steps.size()
          << " steps did not match the engine's run\n";
    out().flush();
    return 1;
}

} // namespace

int code(const QStringList &arguments)
{
    const Arguments parsed = parseArguments(
        arguments, {QStringLiteral("--lang"), QStringLiteral("--actor")},
        {QStringLiteral("--in-step"), QStringLiteral("--run"), QStringLiteral("--host-loopback")});
    if (!parsed.error.isEmpty())
        return usage(parsed.error);
    const QString &scenarioName = parsed.scenario;
    const QString languageName = parsed.values.value(QStringLiteral("--lang"));
    const QString actor = parsed.values.value(QStringLiteral("--actor"));
    if (scenarioName.isEmpty())
        return usage(QStringLiteral("code needs a scenario id or file"));
    if (languageName.isEmpty())
        return usage(QStringLiteral("code needs --lang c or --lang python"));
    const std::optional<codegen::Language> language = codegen::languageFromName(languageName);
    if (!language)
        return usage(QStringLiteral("unknown language %1: use c or python").arg(languageName));
    const ScenarioLoadResult loaded = ScenarioLoader::load(scenarioName);
    if (!loaded.ok()) {
        err() << "socketscope: " << loaded.error.toString() << '\n';
        err().flush();
        return 2;
    }
    const bool inStep = parsed.flags.contains(QStringLiteral("--in-step"));
    const bool runPrograms = parsed.flags.contains(QStringLiteral("--run"));
    if (inStep && runPrograms)
        return usage(QStringLiteral("--in-step prints the programs and --run runs them: choose one"));
    const bool hostLoopback = parsed.flags.contains(QStringLiteral("--host-loopback"));
    if (hostLoopback && !runPrograms)
        return usage(QStringLiteral("--host-loopback says where --run runs the programs: it needs --run"));
    if (runPrograms && !actor.isEmpty())
        return usage(
            QStringLiteral("--run runs every actor's program in step with the others: leave out --actor"));
    if (!actor.isEmpty() && !loaded.scenario.actor(actor)) {
        QStringList known;
        for (const ScenarioActor &a : loaded.scenario.actors)
            known << a.id;
        err() << "socketscope: scenario " << loaded.scenario.id << " has no actor " << actor
              << " (its actors: " << known.join(QStringLiteral(", ")) << ")\n";
        err().flush();
        return 2;
    }
    if (runPrograms)
        return runInStep(loaded.scenario, *language, hostLoopback);
    const codegen::Options options{inStep};
    const QList<GeneratedProgram> programs =
        actor.isEmpty()
            ? codegen::generateAll(loaded.scenario, *language, options)
            : QList<GeneratedProgram>{codegen::generate(loaded.scenario, actor, *language, options)};
    for (qsizetype i = 0; i < programs.size(); ++i) {
        if (i > 0)
            out() << '\n';
        if (programs.size() > 1)
            out() << (*language == codegen::Language::C ? "/* ==== " : "# ==== ") << programs.at(i).fileName
                  << (*language == codegen::Language::C ? " ==== */\n" : " ====\n");
        out() << programs.at(i).text;
    }
    out().flush();
    return 0;
}

} // namespace commands
