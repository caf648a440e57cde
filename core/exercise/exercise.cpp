#include "exercise/exercise.h"

const Question *Exercise::question(const QString &questionId) const
{
    for (const Question &candidate : questions) {
        if (candidate.id == questionId)
            return &candidate;
    }
    return nullptr;
}

QList<const Question *> Exercise::questionsAt(int step, Timing when) const
{
    QList<const Question *> found;
    for (const Question &candidate : questions) {
        if (!candidate.isGoal() && candidate.step == step && candidate.when == when)
            found << &candidate;
    }
    return found;
}

bool Exercise::hasGoals() const
{
    for (const Question &candidate : questions) {
        if (candidate.isGoal())
            return true;
    }
    return false;
}

QString GoalFact::describe() const
{
    switch (kind) {
    case Kind::Packet: {
        // "an ICMP packet", "a TCP packet with RST", "a packet with SYN+ACK"
        const QString what = proto.isEmpty() ? QStringLiteral("packet") : proto + QStringLiteral(" packet");
        const QString article =
            what.startsWith(u'I') || what.startsWith(u'U') ? QStringLiteral("an ") : QStringLiteral("a ");
        return article + what + (flags.isEmpty() ? QString() : QStringLiteral(" with ") + flags.join(u'+'));
    }
    case Kind::Errno:
        return !call ? QStringLiteral("a call failing with %1").arg(errnoName)
                     : QStringLiteral("%1() failing with %2").arg(callName(*call), errnoName);
    case Kind::State:
        return QStringLiteral("%1 in %2").arg(socket, state);
    case Kind::AcceptQueue:
        return QStringLiteral("%1 connection%2 waiting in %3's accept queue")
            .arg(QString::number(atLeast), atLeast == 1 ? QString() : QStringLiteral("s"), socket);
    }
    return {};
}

QString flagsWord(const QStringList &flags)
{
    // The order of RFC 9293's header (and of Wireshark's info column) but SYN and FIN first, as
    // students say them: "SYN+ACK", "FIN+ACK", "PSH+ACK", "RST+ACK".
    static const QStringList Order = {QStringLiteral("SYN"), QStringLiteral("FIN"), QStringLiteral("RST"),
                                      QStringLiteral("PSH"), QStringLiteral("ACK"), QStringLiteral("URG"),
                                      QStringLiteral("ECE"), QStringLiteral("CWR")};
    QStringList ordered;
    for (const QString &flag : Order) {
        if (flags.contains(flag))
            ordered << flag;
    }
    for (const QString &flag : flags) {
        if (!ordered.contains(flag))
            ordered << flag;
    }
    return ordered.join(u'+');
}
