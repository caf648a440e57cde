#include "commands.h"

#include "exercise/answer.h"
#include "exercise/exerciseloader.h"
#include "exercise/exerciseresult.h"
#include "exercise/run/exerciserun.h"

#include <QJsonArray>
#include <QSaveFile>
#include <QTextStream>

// `socketscope exercise` and `socketscope grade`: a lab exercise answered from a file on real
// sockets, and result files checked again from their own traces.
namespace commands {
namespace {

int badInput(const QString &problem)
{
    err() << "socketscope: " << problem << '\n';
    err().flush();
    return 2;
}

int listExercises()
{
    for (const QString &id : ExerciseLoader::builtinIds()) {
        const ExerciseLoadResult loaded = ExerciseLoader::builtin(id, QString());
        out() << id << '\t'
              << (loaded.ok() ? loaded.exercise.title
                              : QStringLiteral("(broken: ") + loaded.error.reason + u')')
              << '\n';
    }
    out().flush();
    return 0;
}

QString givenText(const Question &question, const Graded &graded)
{
    if (!graded.answered)
        return QStringLiteral("(no answer)");
    if (question.isGoal()) {
        QStringList order;
        for (const auto &actor : graded.given.toArray())
            order << actor.toString();
        return order.join(QStringLiteral(", "));
    }
    return graded.canonical.isUndefined() ? graded.given.toVariant().toString()
                                          : answer::toText(question.measure, graded.canonical);
}

QString evidenceText(const QList<qint64> &evidence)
{
    QStringList seqs;
    for (qint64 seq : evidence)
        seqs << QString::number(seq);
    if (seqs.isEmpty())
        return QString();
    return QStringLiteral(" (event%1 %2)")
        .arg(seqs.size() == 1 ? QString() : QStringLiteral("s"), seqs.join(QStringLiteral(", ")));
}

void printQuestion(const Question &question, const Graded &graded)
{
    if (question.isGoal())
        out() << question.id << "  goal: " << question.ask << '\n';
    else
        out() << question.id << "  step " << Exercise::stepNumber(question.step)
              << (question.when == Timing::Before ? " (before)" : " (after)") << ": " << question.ask << '\n';
    out() << "    given: " << givenText(question, graded);
    if (question.isGoal()) {
        out() << " · " << question.goal.describe() << ": "
              << (graded.measured.value.toBool() ? QStringLiteral("reached") : QStringLiteral("not reached"));
    } else if (graded.measured.ok()) {
        out() << " · measured: " << answer::toText(question.measure, graded.measured.value);
    }
    out() << evidenceText(graded.measured.evidence) << " · "
          << (!graded.counts ? QStringLiteral("not counted")
              : graded.right ? QStringLiteral("right")
                             : QStringLiteral("wrong"))
          << '\n';
    if (!graded.comment.isEmpty())
        out() << "    " << graded.comment << '\n';
}

QString variablesText(const Exercise &exercise)
{
    QStringList values;
    for (auto it = exercise.values.begin(); it != exercise.values.end(); ++it)
        values << it.key() + QStringLiteral(" = ") + it.value().toVariant().toString();
    return values.join(QStringLiteral(", "));
}

} // namespace

int exercise(const QStringList &arguments)
{
    if (arguments.value(0) == QLatin1String("list") && arguments.size() == 1)
        return listExercises();
    QString idOrFile;
    QString student;
    QString answersFile;
    QString resultFile;
    bool hostLoopback = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        const bool takesValue = argument == QLatin1String("--student") ||
                                argument == QLatin1String("--answers") ||
                                argument == QLatin1String("--result");
        if (takesValue && i + 1 >= arguments.size())
            return usage(argument + QStringLiteral(" needs a value"));
        if (argument == QLatin1String("--student"))
            student = arguments.at(++i);
        else if (argument == QLatin1String("--answers"))
            answersFile = arguments.at(++i);
        else if (argument == QLatin1String("--result"))
            resultFile = arguments.at(++i);
        else if (argument == QLatin1String("--host-loopback"))
            hostLoopback = true;
        else if (argument.startsWith(QLatin1String("--")))
            return usage(QStringLiteral("unknown option ") + argument);
        else if (idOrFile.isEmpty())
            idOrFile = argument;
        else
            return usage(QStringLiteral("one exercise at a time"));
    }
    if (idOrFile.isEmpty())
        return usage(QStringLiteral("exercise needs 'list', or an exercise id or file"));
    if (student.trimmed().isEmpty())
        return usage(
            QStringLiteral("exercise needs --student NAME (each student's variant is drawn from the name)"));
    if (answersFile.isEmpty())
        return usage(QStringLiteral("exercise needs --answers ANSWERS.json"));

    const ExerciseLoadResult loaded = ExerciseLoader::load(idOrFile, student.trimmed());
    if (!loaded.ok())
        return badInput(loaded.error.toString());
    exerciserun::Answers answers;
    if (const QString problem = exerciserun::readAnswers(answersFile, loaded.exercise, answers);
        !problem.isEmpty())
        return badInput(problem);
    if (const QString problem = resultFile.isEmpty() ? QString() : checkWritable(resultFile);
        !problem.isEmpty())
        return badInput(problem);

    const Exercise &exercise = loaded.exercise;
    out() << "== " << exercise.title << " (" << exercise.id << ") for " << exercise.student;
    if (!exercise.values.isEmpty())
        out() << " — " << variablesText(exercise);
    out() << '\n';
    out().flush();
    exerciserun::Options options;
    options.hostLoopback = hostLoopback;
    options.say = [](const QString &line) {
        out() << line << '\n';
        out().flush();
    };
    const ExerciseResult result = exerciserun::run(exercise, answers, options);
    for (qsizetype i = 0; i < result.graded.size(); ++i)
        printQuestion(exercise.questions.at(i), result.graded.at(i));
    out() << "== score " << result.score() << " / " << result.maximum() << '\n';
    out().flush();
    if (!resultFile.isEmpty()) {
        if (const QString problem = result.write(resultFile); !problem.isEmpty())
            return badInput(problem);
        out() << "== result written to " << resultFile << '\n';
        out().flush();
    }
    return 0;
}

namespace {

QString csvField(QString text)
{
    // A spreadsheet runs a cell that starts with = + - @ as a formula: a name is never one.
    if (!text.isEmpty() && QStringLiteral("=+-@\t\r").contains(text.at(0)))
        text.prepend(u'\'');
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    return u'"' + text.replace(u'"', QStringLiteral("\"\"")) + u'"';
}

QString csvRow(const ResultCheck &check)
{
    // A file that fails its check has no score a spreadsheet should import.
    const bool verified = check.verified();
    const QString percent = check.maximum == 0
                                ? QStringLiteral("0")
                                : QString::number(qRound(1000.0 * check.score / check.maximum) / 10.0);
    return QStringList{csvField(check.student),
                       csvField(check.exercise),
                       verified ? QString::number(check.score) : QString(),
                       verified ? QString::number(check.maximum) : QString(),
                       verified ? percent : QString(),
                       csvField(check.missed.join(u' ')),
                       QString::number(check.hints),
                       verified ? QStringLiteral("yes") : QStringLiteral("no")}
        .join(u',');
}

} // namespace

int grade(const QStringList &arguments)
{
    QStringList files;
    QStringList teacherCopies;
    QString csvFile;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const bool takesValue =
            arguments.at(i) == QLatin1String("--csv") || arguments.at(i) == QLatin1String("--exercise");
        if (takesValue && i + 1 >= arguments.size())
            return usage(arguments.at(i) + QStringLiteral(" needs a value"));
        if (arguments.at(i) == QLatin1String("--csv")) {
            csvFile = arguments.at(++i);
        } else if (arguments.at(i) == QLatin1String("--exercise")) {
            const QString &copy = arguments.at(++i);
            if (const ExerciseLoadResult loaded = ExerciseLoader::loadFile(copy, QString()); !loaded.ok())
                return badInput(loaded.error.toString());
            teacherCopies << copy;
        } else if (arguments.at(i).startsWith(QLatin1String("--"))) {
            return usage(QStringLiteral("unknown option ") + arguments.at(i));
        } else {
            files << arguments.at(i);
        }
    }
    if (files.isEmpty())
        return usage(QStringLiteral("grade needs one or more result files"));
    if (const QString problem = csvFile.isEmpty() ? QString() : checkWritable(csvFile); !problem.isEmpty())
        return badInput(problem);

    QStringList rows{QStringLiteral("student,exercise,score,max,percent,missed,hints,verified")};
    bool allVerified = true;
    for (const QString &file : std::as_const(files)) {
        const ResultCheck check = exerciseresult::check(file, teacherCopies);
        rows << csvRow(check);
        out() << (check.student.isEmpty() ? QStringLiteral("(no name)") : check.student) << '\t'
              << check.exercise << '\t' << check.score << '/' << check.maximum << '\t'
              << (check.missed.isEmpty() ? QStringLiteral("missed: none")
                                         : QStringLiteral("missed: ") + check.missed.join(u' '))
              << (check.uncounted.isEmpty() ? QString()
                                            : QStringLiteral("\tnot counted: ") + check.uncounted.join(u' '))
              << '\t' << (check.verified() ? "verified" : "NOT VERIFIED") << '\t' << file << '\n';
        if (!check.verified()) {
            allVerified = false;
            err() << "socketscope: " << file << " fails verification:\n";
            for (const QString &problem : check.problems)
                err() << "  " << problem << '\n';
        }
    }
    out().flush();
    err().flush();
    if (!csvFile.isEmpty()) {
        QSaveFile csv(csvFile);
        if (!csv.open(QIODevice::WriteOnly))
            return badInput(QStringLiteral("cannot write %1: %2").arg(csvFile, csv.errorString()));
        csv.write((rows.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n")).toUtf8());
        if (!csv.commit())
            return badInput(QStringLiteral("cannot write %1: %2").arg(csvFile, csv.errorString()));
    }
    return allVerified ? 0 : 1;
}

} // namespace commands
