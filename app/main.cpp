#include "commands.h"
#include "window/mainwindow.h"

#include <QApplication>
#include <QCoreApplication>

#include <csignal>

int main(int argc, char *argv[])
{
    // A send on a connection the peer has closed must be a lesson (EPIPE), never the end of the app.
    std::signal(SIGPIPE, SIG_IGN);

    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const QString command = arguments.value(0);

    if (command == QLatin1String("list") || command == QLatin1String("run") ||
        command == QLatin1String("code") || command == QLatin1String("exercise") ||
        command == QLatin1String("grade")) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("socketscope"));
        arguments.removeFirst();
        if (command == QLatin1String("list"))
            return commands::list();
        if (command == QLatin1String("run"))
            return commands::run(arguments);
        if (command == QLatin1String("exercise"))
            return commands::exercise(arguments);
        if (command == QLatin1String("grade"))
            return commands::grade(arguments);
        return commands::code(arguments);
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h")) {
        commands::usage({}); // asked for: the usage is the answer, not an error
        return 0;
    }

    QString scenario = QStringLiteral("tcp-echo");
    QString exercise;
    QString student;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if (arguments.at(i) == QLatin1String("--scenario") && i + 1 < arguments.size())
            scenario = arguments.at(++i);
        else if (arguments.at(i).startsWith(QLatin1String("--scenario=")))
            scenario = arguments.at(i).mid(11);
        else if (arguments.at(i) == QLatin1String("--exercise") && i + 1 < arguments.size())
            exercise = arguments.at(++i);
        else if (arguments.at(i).startsWith(QLatin1String("--exercise=")))
            exercise = arguments.at(i).mid(11);
        else if (arguments.at(i) == QLatin1String("--student") && i + 1 < arguments.size())
            student = arguments.at(++i);
        else if (arguments.at(i).startsWith(QLatin1String("--student=")))
            student = arguments.at(i).mid(10);
        else if (!arguments.at(i).startsWith(QLatin1String("-")))
            return commands::usage(QStringLiteral("unknown command ") + arguments.at(i));
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("SocketScope"));
    QApplication::setOrganizationName(QStringLiteral("SocketScope"));
    MainWindow window(scenario);
    window.show();
    if (!exercise.isEmpty())
        window.openExercise(exercise, student);
    return app.exec();
}
