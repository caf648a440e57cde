#pragma once

#include <QWidget>

class QLabel;
class ViewContext;

/// What happens now, in words: the scenario's narration of the current step and a sentence of what
/// the kernel did, built from the step's events.
class NarrationView : public QWidget
{
    Q_OBJECT
public:
    explicit NarrationView(ViewContext *context, QWidget *parent = nullptr);
    ~NarrationView() override;

    /// "Step 6 of 14 · Client: connect(client, 127.0.0.1:8080)"
    QString headline() const;
    /// The scenario's narration of the current step (its summary before the first step).
    QString narration() const;
    /// What the kernel did in the current step, from the events up to the cursor.
    QString kernelText() const;

private:
    void refresh();

    ViewContext *m_context;
    QLabel *m_headline;
    QLabel *m_narration;
    QLabel *m_kernel;
};
