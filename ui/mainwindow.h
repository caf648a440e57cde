#pragma once

#include <QMainWindow>

class Session;

/// The classroom window.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &scenario, QWidget *parent = nullptr);
    ~MainWindow() override;

private:
    QString m_scenario;
};
