#include "code/codeview.h"

#include "common/viewcontext.h"
#include "projections/sessionsnapshot.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>

CodeView::CodeView(QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("codeView"));
    setAccessibleName(tr("Code view"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Current line"));
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);
    m_tabs->setDocumentMode(true);
}

CodeView::CodeView(ViewContext &context, QWidget *parent)
    : CodeView(parent)
{
    m_context = &context;
    connect(&context, &ViewContext::sessionChanged, this, [this] {
        setScenario(m_context->scenario());
        showSnapshot(m_context->snapshot());
    });
    connect(&context, &ViewContext::cursorChanged, this, [this] { showSnapshot(m_context->snapshot()); });
    setScenario(context.scenario());
    showSnapshot(context.snapshot());
}

CodeView::~CodeView() = default;

void CodeView::setScenario(const Scenario &scenario)
{
    const bool same = scenario.id == m_scenario.id && scenario.steps.size() == m_scenario.steps.size() &&
                      scenario.source == m_scenario.source && !m_programs.isEmpty();
    m_scenario = scenario;
    if (same)
        return;
    const int previous = m_tabs->currentIndex();
    while (m_tabs->count() > 0) {
        QWidget *page = m_tabs->widget(0);
        m_tabs->removeTab(0);
        delete page;
    }
    m_programs.clear();
    m_editors.clear();
    m_marks.clear();
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const codegen::Language language : {codegen::Language::C, codegen::Language::Python}) {
        for (const GeneratedProgram &program : codegen::generateAll(scenario, language)) {
            auto *editor = new QPlainTextEdit;
            editor->setReadOnly(true);
            editor->setLineWrapMode(QPlainTextEdit::NoWrap);
            editor->setFont(mono);
            // Enough lines to read a whole step, however the docks are arranged.
            editor->setMinimumHeight(QFontMetrics(mono).height() * 10);
            editor->setPlainText(program.text);
            editor->setAccessibleName(tr("%1, generated program").arg(program.fileName));
            m_tabs->addTab(editor, program.fileName);
            m_programs << program;
            m_editors << editor;
            m_marks << Marks{};
        }
    }
    if (previous >= 0 && previous < m_tabs->count())
        m_tabs->setCurrentIndex(previous);
    m_status->setText(tr("The programs below are generated from the scenario's steps: the code that runs."));
}

int CodeView::tabOf(const QString &actor, const QString &language) const
{
    for (int i = 0; i < m_programs.size(); ++i) {
        if (m_programs.at(i).actor == actor && m_programs.at(i).language == language)
            return i;
    }
    return -1;
}

int CodeView::currentTab() const
{
    return m_tabs->currentIndex();
}

LineRange CodeView::highlighted(const QString &actor, const QString &language) const
{
    const int tab = tabOf(actor, language);
    return tab < 0 ? LineRange{} : m_marks.at(tab).current;
}

LineRange CodeView::blocked(const QString &actor, const QString &language) const
{
    const int tab = tabOf(actor, language);
    return tab < 0 ? LineRange{} : m_marks.at(tab).waiting;
}

QString CodeView::statusText() const
{
    return m_status->text();
}

void CodeView::showSnapshot(const SessionSnapshot &snapshot)
{
    QStringList waiting;
    for (int tab = 0; tab < m_programs.size(); ++tab) {
        const GeneratedProgram &program = m_programs.at(tab);
        const SnapshotActor *actor = snapshot.actor(program.actor);
        Marks marks;
        if (actor) {
            const int current = actor->blockedStep >= 0 ? actor->blockedStep : actor->lastStep;
            marks.current = program.steps.value(current);
            if (actor->blockedStep >= 0) {
                marks.waiting = program.steps.value(actor->blockedStep);
                if (program.language == QLatin1String("c"))
                    waiting << tr("%1 waits in step %2 (%3), lines %4–%5")
                                   .arg(program.actor)
                                   .arg(actor->blockedStep + 1)
                                   .arg(actor->blockedCall)
                                   .arg(marks.waiting.first)
                                   .arg(marks.waiting.last);
            }
        }
        m_marks[tab] = marks;
        applyMarks(tab);
    }
    // Follow the actor whose step is current, in the language being read.
    if (snapshot.currentStep >= 0 && snapshot.currentStep < m_scenario.steps.size()) {
        const ScenarioStep &step = m_scenario.steps.at(snapshot.currentStep);
        const int tab = m_tabs->currentIndex();
        const QString language = tab >= 0 ? m_programs.at(tab).language : QStringLiteral("c");
        const int target = tabOf(step.actor, language);
        if (target >= 0)
            m_tabs->setCurrentIndex(target);
        const LineRange lines = target >= 0 ? m_marks.at(target).current : LineRange{};
        QString text = tr("Step %1 of %2: %3 %4 — lines %5–%6.")
                           .arg(snapshot.currentStep + 1)
                           .arg(m_scenario.steps.size())
                           .arg(step.actor, callName(step.call))
                           .arg(lines.first)
                           .arg(lines.last);
        if (!waiting.isEmpty())
            text += u' ' + tr("Waiting (wavy underline): ") + waiting.join(QStringLiteral("; ")) + u'.';
        m_status->setText(text);
    } else {
        m_status->setText(
            tr("No step has run yet. The programs below are generated from the scenario's steps."));
    }
}

void CodeView::applyMarks(int tab)
{
    QPlainTextEdit *editor = m_editors.at(tab);
    const Marks &marks = m_marks.at(tab);
    QList<QTextEdit::ExtraSelection> selections;
    const QPalette palette = editor->palette();
    auto addLines = [&](const LineRange &range, const QTextCharFormat &format) {
        if (range.first <= 0)
            return;
        QTextCursor cursor(editor->document()->findBlockByNumber(range.first - 1));
        const QTextBlock end = editor->document()->findBlockByNumber(range.last - 1);
        cursor.setPosition(end.position() + end.length() - 1, QTextCursor::KeepAnchor);
        QTextEdit::ExtraSelection selection;
        selection.cursor = cursor;
        selection.format = format;
        selections << selection;
    };
    QTextCharFormat current;
    QColor highlight = palette.color(QPalette::Highlight);
    highlight.setAlpha(60);
    current.setBackground(highlight);
    addLines(marks.current, current);
    if (marks.waiting.first > 0) {
        QTextCharFormat waiting;
        waiting.setBackground(QColor(0xE6, 0x9F, 0x00, 70));
        waiting.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        waiting.setUnderlineColor(QColor(0xD5, 0x5E, 0x00));
        addLines(marks.waiting, waiting);
    }
    editor->setExtraSelections(selections);
    // The step's first line a few lines from the top, whatever was shown before: the same cursor
    // always gives the same picture.
    editor->verticalScrollBar()->setValue(marks.current.first > 0 ? qMax(0, marks.current.first - 3) : 0);
}
