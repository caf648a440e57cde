#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

class QAction;
class QWidget;
class SequenceDiagram;
class ViewContext;

/// File → Export: the sequence diagram as SVG or PNG (for handouts), the trace as JSON, the
/// captured packets as pcapng (for Wireshark). Each function writes the whole file or nothing and
/// returns an empty string on success, otherwise why it failed.
class Exporter : public QObject
{
    Q_OBJECT
public:
    Exporter(ViewContext &context, SequenceDiagram *diagram, QWidget *dialogParent);
    ~Exporter() override;

    /// The menu actions; each asks for a file name and reports a failure in a message box.
    QList<QAction *> actions() const { return m_actions; }

    static QString writeSvg(SequenceDiagram &diagram, const QString &fileName, const QString &title);
    static QString writePng(SequenceDiagram &diagram, const QString &fileName);
    static QString writeTrace(const ViewContext &context, const QString &fileName);
    static QString writePcapng(const ViewContext &context, const QString &fileName);

private:
    void run(const QString &caption, const QString &filter, const QString &suffix,
             const std::function<QString(const QString &)> &write);

    QPointer<ViewContext> m_context;
    QPointer<SequenceDiagram> m_diagram;
    QPointer<QWidget> m_dialogParent;
    QList<QAction *> m_actions;
};
