#include "exercise/exerciseresult.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <cstddef>
#include <cstdint>

// Arbitrary bytes as a result file handed to `grade`: whatever a student edits (the answers, the
// traces, the embedded exercise), the check must end with a verdict, and never verify a score above
// its maximum.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isObject())
        return 0;
    // The seeds are handshake-lab results: its file is the teacher's copy, so that the check gets
    // past the exercise (in the fuzz build, which has no built-in resources) to the runs and answers.
    static const QStringList teacherCopies = {
        QStringLiteral(SOCKETSCOPE_SOURCE_DIR "/resources/exercises/handshake-lab.json")};
    const ResultCheck check =
        exerciseresult::check(document.object(), QStringLiteral("fuzz.json"), teacherCopies);
    if (check.file != QLatin1String("fuzz.json"))
        __builtin_trap();
    if (check.verified() &&
        (check.score < 0 || check.score > check.maximum || check.missed.size() > check.maximum))
        __builtin_trap();
    return 0;
}
