#pragma once

#include "projections/sessionsnapshot.h"

#include <QPair>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class StateDiagramCanvas;
class Trace;
class ViewContext;

/// The standard TCP state diagram with its transitions labelled; the picked socket's state, as the
/// kernel last reported it at the cursor, is lit and the transition that led there is drawn bold.
/// For UDP, Unix and raw sockets a note says why they have no such states.
///
/// It follows the lesson: on a step in which the kernel changed a TCP socket's state, that socket is
/// shown (the first one, when several changed). A socket picked by hand, in the picker or on the
/// stage, stays until a step changes another socket's state.
class StateMachineView : public QWidget
{
    Q_OBJECT
public:
    explicit StateMachineView(QWidget *parent = nullptr);
    explicit StateMachineView(ViewContext &context, QWidget *parent = nullptr);
    ~StateMachineView() override;

    /// Shows the world at a cursor. With the `trace` the snapshot came from, the socket to follow is
    /// the first whose state changed in the step; without it, the one whose last change in the step
    /// came first.
    void showSnapshot(const SessionSnapshot &snapshot, const Trace *trace = nullptr);
    /// Picks the socket to show, as the user does in the picker: it stays until a step changes
    /// another socket's state.
    void setSocket(const QString &name);
    /// The TCP socket whose state changed first in the snapshot's current step (for a queued
    /// connection that accept() took, the accepted socket), and the event that changed it; empty
    /// and -1 when no TCP socket's state changed in that step.
    static QPair<QString, qint64> changedInStep(const SessionSnapshot &snapshot, const Trace *trace);

    /// The socket shown.
    QString socket() const { return m_shown; }
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
    void selectionChanged();

    QPointer<ViewContext> m_context;
    SessionSnapshot m_snapshot;
    QString m_socket;             // the socket followed or picked
    QString m_shown;              // m_socket, or a stand-in while m_socket does not exist at the cursor
    qint64 m_followedChange = -1; // the state change that picked m_socket, -1 after a step without one
    QString m_appliedSelection;   // the context's selected socket, once it was taken as a choice
    QComboBox *m_picker = nullptr;
    QLabel *m_note = nullptr;
    StateDiagramCanvas *m_canvas = nullptr;
};
