#include "window/scenariopicker.h"

#include "scenario/scenarioloader.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

ScenarioPicker::ScenarioPicker(const QString &currentId, QWidget *parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
    , m_summary(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Choose a scenario"));
    setObjectName(QStringLiteral("scenarioPicker"));
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(QStringLiteral("&Scenarios:"), this);
    label->setBuddy(m_list);
    layout->addWidget(label);
    m_list->setAccessibleName(QStringLiteral("Built-in scenarios"));
    for (const QString &id : ScenarioLoader::builtinIds()) {
        const ScenarioLoadResult loaded = ScenarioLoader::builtin(id);
        if (!loaded.ok())
            continue;
        const Scenario &s = loaded.scenario;
        auto *item = new QListWidgetItem(s.title + QStringLiteral("\n    ") + s.level +
                                             QStringLiteral(" · ") + s.tags.join(QStringLiteral(", ")),
                                         m_list);
        item->setData(Qt::UserRole, id);
        item->setData(Qt::UserRole + 1, s.summary);
        item->setData(Qt::AccessibleTextRole, QString(s.title + QStringLiteral(", ") + s.level));
        if (id == currentId)
            m_list->setCurrentItem(item);
    }
    if (!m_list->currentItem() && m_list->count() > 0)
        m_list->setCurrentRow(0);
    layout->addWidget(m_list, 1);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setAccessibleName(QStringLiteral("Scenario summary"));
    layout->addWidget(m_summary);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::itemActivated, this, &QDialog::accept);
    connect(m_list, &QListWidget::currentRowChanged, this, &ScenarioPicker::showSummary);
    connect(this, &QDialog::accepted, this, [this] {
        if (!selectedId().isEmpty())
            Q_EMIT chosen(selectedId());
    });
    showSummary();
    resize(560, 420);
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
