#include "exercise/answer.h"
#include "exercise/exerciseloader.h"

#include <QFile>

#include <cstddef>
#include <cstdint>

// Arbitrary bytes as an exercise file, asking about the handshake-lab scenario: the loader must
// refuse what it cannot use with a place and a reason, and what it accepts must be an exercise the
// grader can use without checking it again.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QByteArray scenarioText = [] {
        QFile file(
            QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/exercises/scenarios/handshake-lab.json"));
        if (!file.open(QIODevice::ReadOnly))
            __builtin_trap();
        return file.readAll();
    }();
    const ExerciseLoader::ScenarioReader reader = [](const QString &) {
        return ExerciseLoader::ScenarioText{scenarioText, QStringLiteral("handshake-lab.json"), {}};
    };
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const ExerciseLoadResult loaded =
        ExerciseLoader::parse(json, QStringLiteral("fuzz.json"), QStringLiteral("Ada Lovelace"), reader);
    if (!loaded.ok()) {
        if (loaded.error.reason.isEmpty() || loaded.error.file.isEmpty())
            __builtin_trap();
        return 0;
    }
    const Exercise &exercise = loaded.exercise;
    if (exercise.questions.isEmpty() || exercise.scenario.steps.isEmpty() ||
        exercise.values.size() != exercise.variables.size())
        __builtin_trap();
    for (const Question &question : exercise.questions) {
        if (exercise.question(question.id) != &question)
            __builtin_trap(); // ids are unique
        if (question.isGoal())
            continue;
        if (question.step < 0 || question.step >= exercise.scenario.steps.size())
            __builtin_trap();
        if (measureNeedsSocket(question.measure) == question.socket.isEmpty())
            __builtin_trap();
        for (const QJsonValue &choice : question.choices) {
            if (!answer::parse(question.measure, choice).ok())
                __builtin_trap();
        }
    }
    return 0;
}
