#include "window/scenariopicker.h"

#include "exercise/exerciseloader.h"
#include "scenario/scenarioloader.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

ScenarioPicker::ScenarioPicker(const QString &currentId, QWidget *parent, Kind kind)
    : QDialog(parent)
    , m_list(new QListWidget(this))
    , m_summary(new QLabel(this))
{
    const bool exercises = kind == Kind::Exercises;
    setWindowTitle(exercises ? QStringLiteral("Choose an exercise") : QStringLiteral("Choose a scenario"));
    setObjectName(exercises ? QStringLiteral("exercisePicker") : QStringLiteral("scenarioPicker"));
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(exercises ? QStringLiteral("&Exercises:") : QStringLiteral("&Scenarios:"), this);
    label->setBuddy(m_list);
    layout->addWidget(label);
    m_list->setAccessibleName(exercises ? QStringLiteral("Built-in exercises")
                                        : QStringLiteral("Built-in scenarios"));
    if (exercises) {
        for (const QString &id : ExerciseLoader::builtinIds()) {
            const ExerciseLoadResult loaded = ExerciseLoader::builtin(id, QString());
            if (loaded.ok())
                addItem(id, loaded.exercise.title,
                        loaded.exercise.level + QStringLiteral(" · %1 questions on %2")
                                                    .arg(loaded.exercise.questions.size())
                                                    .arg(loaded.exercise.scenario.title),
                        loaded.exercise.summary, currentId);
        }
    } else {
        for (const QString &id : ScenarioLoader::builtinIds()) {
            const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
            if (loaded.ok())
                addItem(id, loaded.scenario.title,
                        loaded.scenario.level + QStringLiteral(" · ") +
                            loaded.scenario.tags.join(QStringLiteral(", ")),
                        loaded.scenario.summary, currentId);
        }
    }
    if (!m_list->currentItem() && m_list->count() > 0)
        m_list->setCurrentRow(0);
    layout->addWidget(m_list, 1);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setAccessibleName(exercises ? QStringLiteral("Exercise summary")
                                           : QStringLiteral("Scenario summary"));
    layout->addWidget(m_summary);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    if (exercises) {
        auto *form = new QFormLayout;
        m_student = new QLineEdit(this);
        m_student->setObjectName(QStringLiteral("studentName"));
        m_student->setPlaceholderText(QStringLiteral("as your teacher will read it"));
        form->addRow(QStringLiteral("Your &name:"), m_student);
        layout->addLayout(form);
        // No name, no variant: the exercise cannot start without one.
        auto enableOpen = [this, buttons] {
            buttons->button(QDialogButtonBox::Open)->setEnabled(!student().isEmpty());
        };
        connect(m_student, &QLineEdit::textChanged, this, enableOpen);
        enableOpen();
    }
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::itemActivated, this, [this] {
        if (!m_student || !student().isEmpty())
            accept();
    });
    connect(m_list, &QListWidget::currentRowChanged, this, &ScenarioPicker::showSummary);
    connect(this, &QDialog::accepted, this, [this] {
        if (!selectedId().isEmpty())
            Q_EMIT chosen(selectedId());
    });
    showSummary();
    resize(560, 420);
}

void ScenarioPicker::addItem(const QString &id, const QString &title, const QString &details,
                             const QString &summary, const QString &currentId)
{
    auto *item = new QListWidgetItem(title + QStringLiteral("\n    ") + details, m_list);
    item->setData(Qt::UserRole, id);
    item->setData(Qt::UserRole + 1, summary);
    item->setData(Qt::AccessibleTextRole, QString(title + QStringLiteral(", ") + details));
    if (id == currentId)
        m_list->setCurrentItem(item);
}

QString ScenarioPicker::student() const
{
    return m_student ? m_student->text().trimmed() : QString();
}

void ScenarioPicker::setStudent(const QString &name)
{
    if (m_student)
        m_student->setText(name);
}

QString ScenarioPicker::selectedId() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void ScenarioPicker::showSummary()
{
    const QListWidgetItem *item = m_list->currentItem();
    m_summary->setText(item ? item->data(Qt::UserRole + 1).toString() : QString());
}
