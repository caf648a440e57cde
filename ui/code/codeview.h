#pragma once

#include "codegen/codegen.h"
#include "scenario/scenario.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class Trace;
class ViewContext;
struct SessionSnapshot;

/// The program each actor runs, generated from the scenario's steps: a C tab and a Python tab per
/// actor. The step at the cursor is highlighted, and a call that waits in the kernel is marked
/// (wavy underline and a line of text above the code, not colour alone).
class CodeView : public QWidget
{
    Q_OBJECT
public:
    explicit CodeView(QWidget *parent = nullptr);
    explicit CodeView(ViewContext &context, QWidget *parent = nullptr);
    ~CodeView() override;

    /// Generates the programs of `scenario` (one tab per actor and language).
    void setScenario(const Scenario &scenario);
    /// Highlights what `snapshot` says happened last and what waits.
    void showSnapshot(const SessionSnapshot &snapshot);

    /// For tests: the tab of `actor` in `language` ("c", "python"), -1 when none.
    int tabOf(const QString &actor, const QString &language) const;
    int currentTab() const;
    /// The lines highlighted as the actor's current step, or {0, 0}.
    LineRange highlighted(const QString &actor, const QString &language) const;
    /// The lines marked as waiting, or {0, 0}.
    LineRange blocked(const QString &actor, const QString &language) const;
    QString statusText() const;
    const QList<GeneratedProgram> &programs() const { return m_programs; }

private:
    struct Marks
    {
        LineRange current;
        LineRange waiting;
    };
    void applyMarks(int tab);

    QPointer<ViewContext> m_context;
    Scenario m_scenario;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_status = nullptr;
    QList<GeneratedProgram> m_programs; // one per tab
    QList<QPlainTextEdit *> m_editors;
    QList<Marks> m_marks;
    QString m_followActor;
};
