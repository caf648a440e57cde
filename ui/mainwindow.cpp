#include "mainwindow.h"

#include "scenarioloader.h"

#include <QLabel>

MainWindow::MainWindow(const QString &scenario, QWidget *parent)
    : QMainWindow(parent)
    , m_scenario(scenario)
{
    const ScenarioLoadResult loaded = ScenarioLoader::load(scenario);
    auto *label = new QLabel(loaded.ok() ? loaded.scenario.title : loaded.error.toString(), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    setWindowTitle(QStringLiteral("SocketScope"));
    resize(1280, 720);
}

MainWindow::~MainWindow() = default;
