#include "window/exporter.h"

#include "common/viewcontext.h"
#include "export/pcapng.h"
#include "export/tracejson.h"
#include "sequence/sequencediagram.h"
#include "trace/trace.h"

#include <QAction>
#include <QFileDialog>
#include <QImage>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace {
// Taller images than this are refused by many viewers; SVG has no such limit.
constexpr int MaxPngHeight = 32000;
} // namespace

Exporter::Exporter(ViewContext &context, SequenceDiagram *diagram, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_context(&context)
    , m_diagram(diagram)
    , m_dialogParent(dialogParent)
{
    auto add = [this](const QString &text, const QString &name, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        connect(action, &QAction::triggered, this, slot);
        m_actions << action;
        return action;
    };
    add(tr("Sequence diagram as &SVG…"), QStringLiteral("exportSvg"), [this] {
        run(tr("Export the sequence diagram as SVG"), tr("SVG images (*.svg)"), QStringLiteral("svg"),
            [this](const QString &file) {
                return m_diagram ? writeSvg(*m_diagram, file, m_context->scenario().title) : tr("no diagram");
            });
    });
    add(tr("Sequence diagram as &PNG…"), QStringLiteral("exportPng"), [this] {
        run(tr("Export the sequence diagram as PNG"), tr("PNG images (*.png)"), QStringLiteral("png"),
            [this](const QString &file) {
                return m_diagram ? writePng(*m_diagram, file) : tr("no diagram");
            });
    });
    add(tr("Trace as &JSON…"), QStringLiteral("exportTrace"), [this] {
        run(tr("Export the trace"), tr("SocketScope traces (*.json)"), QStringLiteral("json"),
            [this](const QString &file) { return writeTrace(*m_context, file); });
    });
    QAction *pcap = add(tr("Captured packets as p&capng…"), QStringLiteral("exportPcapng"), [this] {
        run(tr("Export the captured packets"), tr("pcapng captures (*.pcapng)"), QStringLiteral("pcapng"),
            [this](const QString &file) { return writePcapng(*m_context, file); });
    });
    // Only when packets can be seen: an empty capture would tell the reader nothing true.
    auto updatePcap = [this, pcap] {
        pcap->setEnabled(m_context && m_context->capture());
        pcap->setToolTip(pcap->isEnabled() ? QString()
                         : m_context       ? m_context->modeDescription()
                                           : QString());
    };
    connect(&context, &ViewContext::sessionChanged, this, updatePcap);
    updatePcap();
}

Exporter::~Exporter() = default;

void Exporter::run(const QString &caption, const QString &filter, const QString &suffix,
                   const std::function<QString(const QString &)> &write)
{
    QString file = QFileDialog::getSaveFileName(m_dialogParent, caption,
                                                m_context->scenario().id + u'.' + suffix, filter);
    if (file.isEmpty())
        return;
    if (!file.contains(u'.'))
        file += u'.' + suffix;
    if (const QString problem = write(file); !problem.isEmpty())
        QMessageBox::warning(m_dialogParent, caption, problem);
}

QString Exporter::writeSvg(SequenceDiagram &diagram, const QString &fileName, const QString &title)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly))
        return tr("cannot write %1: %2").arg(fileName, file.errorString());
    const QSize size = diagram.fullSize();
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(title);
    generator.setDescription(tr("Sequence diagram exported by SocketScope"));
    {
        QPainter painter(&generator);
        diagram.renderFull(painter);
    }
    if (!file.commit())
        return tr("cannot write %1: %2").arg(fileName, file.errorString());
    return {};
}

QString Exporter::writePng(SequenceDiagram &diagram, const QString &fileName)
{
    const QSize size = diagram.fullSize();
    if (size.height() > MaxPngHeight)
        return tr("The diagram is %1 pixels tall, too tall for a PNG image; export it as SVG.")
            .arg(size.height());
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        diagram.renderFull(painter);
    }
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
        return tr("cannot write %1: %2").arg(fileName, file.errorString());
    return {};
}

QString Exporter::writeTrace(const ViewContext &context, const QString &fileName)
{
    if (!context.trace())
        return tr("There is no session to export.");
    const tracejson::Header header{context.scenario().id, context.mode(), context.capture(),
                                   context.modeDescription()};
    return tracejson::write(*context.trace(), header, fileName);
}

QString Exporter::writePcapng(const ViewContext &context, const QString &fileName)
{
    if (!context.trace())
        return tr("There is no session to export.");
    if (!context.capture())
        return tr("No packets were captured in this session: %1").arg(context.modeDescription());
    return pcapng::write(*context.trace(), fileName);
}
