#pragma once

#include <QDialog>

class QListWidget;
class QLabel;

/// Chooses one of the built-in scenarios, showing each one's title, level and topics.
/// Open it with open() (never exec()); `chosen` is emitted with the scenario id.
class ScenarioPicker : public QDialog
{
    Q_OBJECT
public:
    explicit ScenarioPicker(const QString &currentId, QWidget *parent = nullptr);

    QString selectedId() const;
    QListWidget *list() const { return m_list; }

Q_SIGNALS:
    void chosen(const QString &id);

private:
    void showSummary();

    QListWidget *m_list;
    QLabel *m_summary;
};
