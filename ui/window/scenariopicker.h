#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;

/// Chooses one of the built-in scenarios, showing each one's title, level and topics, or one of
/// the built-in exercises with the student's name (each student's variant is drawn from it).
/// Open it with open() (never exec()); `chosen` is emitted with the id.
class ScenarioPicker : public QDialog
{
    Q_OBJECT
public:
    enum class Kind { Scenarios, Exercises };
    explicit ScenarioPicker(const QString &currentId, QWidget *parent = nullptr, Kind kind = Kind::Scenarios);

    QString selectedId() const;
    QListWidget *list() const { return m_list; }
    /// The student's name (exercises), trimmed.
    QString student() const;
    void setStudent(const QString &name);

Q_SIGNALS:
    void chosen(const QString &id);

private:
    void showSummary();

    void addItem(const QString &id, const QString &title, const QString &details, const QString &summary,
                 const QString &currentId);

    QListWidget *m_list;
    QLabel *m_summary;
    QLineEdit *m_student = nullptr;
};
