#include "narration/narrationview.h"

#include "common/viewcontext.h"
#include "projections/narration.h"

#include <QLabel>
#include <QVBoxLayout>

NarrationView::NarrationView(ViewContext *context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_headline(new QLabel(this))
    , m_narration(new QLabel(this))
    , m_kernel(new QLabel(this))
{
    setObjectName(QStringLiteral("narration"));
    setAccessibleName(QStringLiteral("Narration"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_headline->setWordWrap(true);
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setAccessibleName(QStringLiteral("Current step"));
    // Plain-text labels: cheap to lay out again on every step, selectable for a student's notes.
    for (QLabel *label : {m_narration, m_kernel}) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    }
    m_narration->setAccessibleName(QStringLiteral("Narration of this step"));
    m_kernel->setAccessibleName(QStringLiteral("What the kernel did"));
    layout->addWidget(m_headline);
    layout->addWidget(m_narration);
    layout->addWidget(m_kernel);
    layout->addStretch(1);
    connect(m_context, &ViewContext::cursorChanged, this, &NarrationView::refresh);
    connect(m_context, &ViewContext::sessionChanged, this, &NarrationView::refresh);
    refresh();
}

NarrationView::~NarrationView() = default;

QString NarrationView::headline() const
{
    return narration::headline(m_context->scenario(), m_context->trace(), m_context->snapshot());
}

QString NarrationView::narration() const
{
    return narration::stepText(m_context->scenario(), m_context->snapshot());
}

QString NarrationView::kernelText() const
{
    const Trace *trace = m_context->trace();
    return trace ? narration::kernelText(*trace, m_context->snapshot(), m_context->capture(),
                                         m_context->modeDescription())
                 : QString();
}

void NarrationView::refresh()
{
    m_headline->setText(headline());
    m_narration->setText(narration());
    const QString kernel = kernelText();
    m_kernel->setText(kernel.isEmpty() ? QString() : QStringLiteral("What the kernel did: ") + kernel);
}
