#pragma once

#include "sessionsnapshot.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class ViewContext;
class StateDiagramCanvas;

/// The standard TCP state diagram with its transitions labelled; the picked socket's state, as the
/// kernel last reported it at the cursor, is lit and the transition that led there is drawn bold.
/// For UDP, Unix and raw sockets a note says why they have no such states.
class StateMachineView : public QWidget
{
    Q_OBJECT
public:
    explicit StateMachineView(QWidget *parent = nullptr);
    explicit StateMachineView(ViewContext &context, QWidget *parent = nullptr);
    ~StateMachineView() override;

    void showSnapshot(const SessionSnapshot &snapshot);
    /// Picks the socket to show (also offered in the picker).
    void setSocket(const QString &name);

    QString socket() const { return m_socket; }
    /// Diagram names: the lit state ("SYN_RECEIVED"), empty when none; the transition drawn bold.
    QString litState() const;
    QPair<QString, QString> litTransition() const;
    QString noteText() const;
    QStringList sockets() const;
    StateDiagramCanvas *canvas() const { return m_canvas; }

Q_SIGNALS:
    void socketPicked(const QString &name);

private:
    void refresh();

    QPointer<ViewContext> m_context;
    SessionSnapshot m_snapshot;
    QString m_socket;
    QComboBox *m_picker = nullptr;
    QLabel *m_note = nullptr;
    StateDiagramCanvas *m_canvas = nullptr;
};
