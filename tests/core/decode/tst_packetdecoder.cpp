#include "decode/packetdecoder.h"
#include "engine/sandboxclient.h"
#include "privatenamespace.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

// Frames are built by hand here, byte by byte, the way they appear on lo; the last test captures
// real ones from the kernel in a private network namespace.
namespace {

QByteArray be16(quint16 v)
{
    const char bytes[] = {char(v >> 8), char(v & 0xff)};
    return QByteArray(bytes, 2);
}

QByteArray be32(quint32 v)
{
    return be16(quint16(v >> 16)) + be16(quint16(v & 0xffff));
}

QByteArray ethernet(quint16 type)
{
    return QByteArray(12, '\0') + be16(type);
}

QByteArray ipv4(int protocol, const QByteArray &body)
{
    const QByteArray loopback = QByteArray::fromHex("7f000001");
    QByteArray header = QByteArray::fromHex("4500") + be16(quint16(20 + body.size())) +
                        QByteArray::fromHex("1234400040") + char(protocol) + QByteArray(2, '\0');
    header += loopback + loopback;
    return ethernet(0x0800) + header + body;
}

QByteArray loopback6()
{
    QByteArray address(16, '\0');
    address[15] = 1;
    return address;
}

QByteArray ipv6(int nextHeader, const QByteArray &body)
{
    return ethernet(0x86dd) + QByteArray::fromHex("60000000") + be16(quint16(body.size())) +
           char(nextHeader) + char(64) + loopback6() + loopback6() + body;
}

enum : quint8 { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

QByteArray tcp(quint16 sport, quint16 dport, quint32 seq, quint32 ack, quint8 flags, quint16 window,
               const QByteArray &options = {}, const QByteArray &payload = {})
{
    const int headerLength = 20 + int(options.size());
    return be16(sport) + be16(dport) + be32(seq) + be32(ack) + char((headerLength / 4) << 4) + char(flags) +
           be16(window) + QByteArray(4, '\0') + options + payload;
}

// The options Linux puts on a SYN on lo: MSS, SACK permitted, timestamps, NOP, window scale.
QByteArray synOptions()
{
    return QByteArray::fromHex("0204ffd7") + QByteArray::fromHex("0402") + QByteArray::fromHex("080a") +
           be32(1000) + be32(0) + QByteArray::fromHex("01030307");
}

QByteArray udp(quint16 sport, quint16 dport, const QByteArray &payload)
{
    return be16(sport) + be16(dport) + be16(quint16(8 + payload.size())) + QByteArray(2, '\0') + payload;
}

QByteArray icmp(int type, int code, const QByteArray &rest, const QByteArray &payload = {})
{
    return be16(quint16(type << 8 | code)) + QByteArray(2, '\0') + rest + payload;
}

QByteArray synFrame()
{
    return ipv4(6, tcp(40312, 8080, 3141592654u, 0, SYN, 65495, synOptions()));
}

// Every field must lie inside the frame, children inside their parent's frame too.
bool fieldsInside(const QList<DecodedField> &fields, int size, QString *why)
{
    for (const DecodedField &field : fields) {
        if (field.offset < 0 || field.length < 0 || field.offset + field.length > size) {
            *why = QStringLiteral("%1 at %2+%3 in %4 bytes")
                       .arg(field.name)
                       .arg(field.offset)
                       .arg(field.length)
                       .arg(size);
            return false;
        }
        if (!fieldsInside(field.children, size, why))
            return false;
    }
    return true;
}

const DecodedField *find(const QList<DecodedField> &fields, const QString &path)
{
    const QStringList parts = path.split(u'/');
    const QList<DecodedField> *level = &fields;
    const DecodedField *found = nullptr;
    for (const QString &part : parts) {
        found = nullptr;
        for (const DecodedField &field : *level) {
            if (field.name == part) {
                found = &field;
                break;
            }
        }
        if (!found)
            return nullptr;
        level = &found->children;
    }
    return found;
}

} // namespace

class TestPacketDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decodesLayers_data();
    void decodesLayers();
    void summaries_data();
    void summaries();
    void relativeSequenceNumbers();
    void retransmissions_data();
    void retransmissions();
    void flowSeenMidway();
    void notIp();
    void fieldTree();
    void quotedDatagram();
    void truncatedFramesStayInside_data();
    void truncatedFramesStayInside();
    void realFramesFromTheKernel();
};

void TestPacketDecoder::decodesLayers_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("proto");
    QTest::addColumn<QString>("src");
    QTest::addColumn<QString>("dst");
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<int>("len");

    QTest::addRow("tcp syn v4") << synFrame() << QStringLiteral("TCP") << QStringLiteral("127.0.0.1:40312")
                                << QStringLiteral("127.0.0.1:8080") << QStringList{QStringLiteral("SYN")}
                                << 0;
    QTest::addRow("tcp syn+ack v4") << ipv4(6,
                                            tcp(8080, 40312, 7, 3141592655u, SYN | ACK, 65483, synOptions()))
                                    << QStringLiteral("TCP") << QStringLiteral("127.0.0.1:8080")
                                    << QStringLiteral("127.0.0.1:40312")
                                    << QStringList{QStringLiteral("SYN"), QStringLiteral("ACK")} << 0;
    QTest::addRow("tcp data v4") << ipv4(6, tcp(40312, 8080, 1, 1, PSH | ACK, 512, {}, "hello, server\n"))
                                 << QStringLiteral("TCP") << QStringLiteral("127.0.0.1:40312")
                                 << QStringLiteral("127.0.0.1:8080")
                                 << QStringList{QStringLiteral("PSH"), QStringLiteral("ACK")} << 14;
    QTest::addRow("tcp fin v4") << ipv4(6, tcp(40312, 8080, 15, 1, FIN | ACK, 512)) << QStringLiteral("TCP")
                                << QStringLiteral("127.0.0.1:40312") << QStringLiteral("127.0.0.1:8080")
                                << QStringList{QStringLiteral("FIN"), QStringLiteral("ACK")} << 0;
    QTest::addRow("tcp rst v4") << ipv4(6, tcp(9, 40312, 0, 1, RST | ACK, 0)) << QStringLiteral("TCP")
                                << QStringLiteral("127.0.0.1:9") << QStringLiteral("127.0.0.1:40312")
                                << QStringList{QStringLiteral("RST"), QStringLiteral("ACK")} << 0;
    QTest::addRow("tcp v6") << ipv6(6, tcp(40312, 8080, 1, 1, ACK, 512, {}, "abc")) << QStringLiteral("TCP")
                            << QStringLiteral("[::1]:40312") << QStringLiteral("[::1]:8080")
                            << QStringList{QStringLiteral("ACK")} << 3;
    QTest::addRow("udp v4") << ipv4(17, udp(5353, 9999, "ping")) << QStringLiteral("UDP")
                            << QStringLiteral("127.0.0.1:5353") << QStringLiteral("127.0.0.1:9999")
                            << QStringList{} << 4;
    QTest::addRow("udp v6") << ipv6(17, udp(5353, 9999, "ping!")) << QStringLiteral("UDP")
                            << QStringLiteral("[::1]:5353") << QStringLiteral("[::1]:9999") << QStringList{}
                            << 5;
    QTest::addRow("icmp echo request")
        << ipv4(1, icmp(8, 0, be16(0x5353) + be16(1), "abcdefgh")) << QStringLiteral("ICMP")
        << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1")
        << QStringList{QStringLiteral("echo-request")} << 8;
    QTest::addRow("icmp echo reply") << ipv4(1, icmp(0, 0, be16(0x5353) + be16(1), "abcdefgh"))
                                     << QStringLiteral("ICMP") << QStringLiteral("127.0.0.1")
                                     << QStringLiteral("127.0.0.1")
                                     << QStringList{QStringLiteral("echo-reply")} << 8;
    QTest::addRow("icmpv6 echo request")
        << ipv6(58, icmp(128, 0, be16(7) + be16(1), "xy")) << QStringLiteral("ICMPv6")
        << QStringLiteral("::1") << QStringLiteral("::1") << QStringList{QStringLiteral("echo-request")} << 2;
    // Hop-by-hop options (8 bytes, next header UDP) in front of the UDP header.
    QTest::addRow("ipv6 extension header")
        << ipv6(0, QByteArray::fromHex("1100010400000000") + udp(1, 2, "z")) << QStringLiteral("UDP")
        << QStringLiteral("[::1]:1") << QStringLiteral("[::1]:2") << QStringList{} << 1;
    QTest::addRow("tcp header cut short")
        << ipv4(6, tcp(1, 2, 0, 0, SYN, 0).left(10)) << QStringLiteral("TCP") << QStringLiteral("127.0.0.1")
        << QStringLiteral("127.0.0.1") << QStringList{} << 0;
}

void TestPacketDecoder::decodesLayers()
{
    QFETCH(QByteArray, frame);
    const std::optional<PacketInfo> packet = packetdecoder::decode(frame);
    QVERIFY(packet);
    QTEST(packet->proto, "proto");
    QTEST(packet->src, "src");
    QTEST(packet->dst, "dst");
    QTEST(packet->flags, "flags");
    QTEST(packet->len, "len");
    QCOMPARE(packet->payload.size(), packet->len);
    QCOMPARE(packet->frame, frame);
}

void TestPacketDecoder::summaries_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("summary");
    QTest::addRow("syn with options")
        << synFrame() << QStringLiteral("[SYN] seq=3141592654 win=65495 mss=65495 sack_perm ts wscale=7");
    QTest::addRow("data") << ipv4(6, tcp(1, 2, 10, 20, PSH | ACK, 512,
                                         QByteArray::fromHex("0101080a") + be32(1) + be32(2), "hi"))
                          << QStringLiteral("[PSH, ACK] seq=10 ack=20 win=512 len=2 ts");
    QTest::addRow("udp") << ipv4(17, udp(5353, 9999, "ping")) << QStringLiteral("len=4");
    QTest::addRow("echo request") << ipv4(1, icmp(8, 0, be16(0x5353) + be16(3), "abcd"))
                                  << QStringLiteral("echo-request id=0x5353 seq=3 len=4");
    const QByteArray quoted = ipv4(17, udp(40000, 9999, "lost")).mid(14);
    QTest::addRow("port unreachable")
        << ipv4(1, icmp(3, 3, QByteArray(4, '\0'), quoted))
        << QStringLiteral("port-unreachable (UDP 127.0.0.1:40000 → 127.0.0.1:9999)");
    QTest::addRow("bad option length") << ipv4(6, tcp(1, 2, 0, 0, SYN, 9, QByteArray::fromHex("02000000")))
                                       << QStringLiteral("[SYN] seq=0 win=9");
}

void TestPacketDecoder::summaries()
{
    QFETCH(QByteArray, frame);
    std::optional<PacketInfo> packet = packetdecoder::decode(frame);
    QVERIFY(packet);
    packetdecoder::summarize(*packet);
    QTEST(packet->summary, "summary");
}

void TestPacketDecoder::relativeSequenceNumbers()
{
    const quint32 client = 3141592654u; // near the wrap, so that relative numbers must wrap too
    const quint32 server = 4294967290u;
    QList<QByteArray> frames{
        ipv4(6, tcp(40312, 8080, client, 0, SYN, 65495, synOptions())),
        ipv4(6, tcp(8080, 40312, server, client + 1, SYN | ACK, 65483, synOptions())),
        ipv4(6, tcp(40312, 8080, client + 1, server + 1, ACK, 512)),
        ipv4(6, tcp(40312, 8080, client + 1, server + 1, PSH | ACK, 512, {}, "hello, server\n")),
        ipv4(6, tcp(8080, 40312, server + 1, client + 15, ACK, 512)),
    };
    const QList<QPair<quint32, quint32>> expected{{0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 15}};
    RelativeSequencer sequencer;
    for (int i = 0; i < frames.size(); ++i) {
        std::optional<PacketInfo> packet = packetdecoder::decode(frames.at(i));
        QVERIFY(packet);
        sequencer.apply(*packet);
        QCOMPARE(packet->seq, expected.at(i).first);
        QCOMPARE(packet->ack, expected.at(i).second);
    }
    std::optional<PacketInfo> data = packetdecoder::decode(frames.at(3));
    RelativeSequencer fresh;
    for (int i = 0; i < 3; ++i) {
        std::optional<PacketInfo> packet = packetdecoder::decode(frames.at(i));
        fresh.apply(*packet);
    }
    fresh.apply(*data);
    packetdecoder::summarize(*data);
    QCOMPARE(data->summary, QStringLiteral("[PSH, ACK] seq=1 ack=1 win=512 len=14"));
    // The same segment once more is the sender trying again.
    std::optional<PacketInfo> again = packetdecoder::decode(frames.at(3));
    fresh.apply(*again);
    packetdecoder::summarize(*again);
    QCOMPARE(again->summary, QStringLiteral("[PSH, ACK] seq=1 ack=1 win=512 len=14 retransmission"));
}

void TestPacketDecoder::retransmissions_data()
{
    QTest::addColumn<QList<QByteArray>>("frames");
    QTest::addColumn<QList<bool>>("expected");
    const quint32 c = 4294967000u; // the data crosses 2^32
    const quint32 s = 7000;
    const QByteArray syn = ipv4(6, tcp(40312, 8080, c, 0, SYN, 65495, synOptions()));
    const QByteArray synAck = ipv4(6, tcp(8080, 40312, s, c + 1, SYN | ACK, 65483, synOptions()));
    const QByteArray ack = ipv4(6, tcp(40312, 8080, c + 1, s + 1, ACK, 512));
    const QByteArray data = ipv4(6, tcp(40312, 8080, c + 1, s + 1, PSH | ACK, 512, {}, QByteArray(400, 'x')));
    const QByteArray more = ipv4(6, tcp(40312, 8080, c + 401, s + 1, PSH | ACK, 512, {}, "abc"));
    const QByteArray fin = ipv4(6, tcp(40312, 8080, c + 404, s + 1, FIN | ACK, 512));
    QTest::addRow("SYN sent again") << QList<QByteArray>{syn, syn} << QList<bool>{false, true};
    QTest::addRow("data sent again") << QList<QByteArray>{syn, synAck, ack, data, data}
                                     << QList<bool>{false, false, false, false, true};
    QTest::addRow("new data is not") << QList<QByteArray>{syn, synAck, ack, data, more}
                                     << QList<bool>{false, false, false, false, false};
    QTest::addRow("a repeated pure ACK is not")
        << QList<QByteArray>{syn, synAck, ack, ack} << QList<bool>{false, false, false, false};
    QTest::addRow("FIN sent again") << QList<QByteArray>{syn, synAck, ack, data, more, fin, fin}
                                    << QList<bool>{false, false, false, false, false, false, true};
    const QByteArray otherSyn = ipv4(6, tcp(40312, 8080, 12345, 0, SYN, 65495, synOptions()));
    QTest::addRow("a new connection on the same ports") << QList<QByteArray>{syn, synAck, ack, data, otherSyn}
                                                        << QList<bool>{false, false, false, false, false};
}

void TestPacketDecoder::retransmissions()
{
    QFETCH(QList<QByteArray>, frames);
    QFETCH(QList<bool>, expected);
    RelativeSequencer sequencer;
    for (int i = 0; i < frames.size(); ++i) {
        std::optional<PacketInfo> packet = packetdecoder::decode(frames.at(i));
        QVERIFY(packet);
        sequencer.apply(*packet);
        QVERIFY2(packet->retransmission == expected.at(i), qPrintable(QString::number(i)));
    }
}

void TestPacketDecoder::flowSeenMidway()
{
    RelativeSequencer sequencer;
    std::optional<PacketInfo> first =
        packetdecoder::decode(ipv4(6, tcp(1, 2, 5000, 9000, ACK, 1, {}, "abc")));
    std::optional<PacketInfo> reply = packetdecoder::decode(ipv4(6, tcp(2, 1, 9000, 5003, ACK, 1)));
    QVERIFY(first && reply);
    sequencer.apply(*first);
    sequencer.apply(*reply);
    QCOMPARE(first->seq, 1u);
    QCOMPARE(first->ack, 1u);
    QCOMPARE(reply->seq, 1u);
    QCOMPARE(reply->ack, 4u);
}

void TestPacketDecoder::notIp()
{
    QVERIFY(!packetdecoder::decode(ethernet(0x0806) + QByteArray(28, '\0')));
    QVERIFY(!packetdecoder::decode(QByteArray(13, '\0')));
    QVERIFY(!packetdecoder::decode(ethernet(0x0800) + QByteArray::fromHex("45")));
    QVERIFY(!packetdecoder::decode(ethernet(0x0800) + QByteArray(20, '\x65'))); // version 6 in an IPv4 frame
}

void TestPacketDecoder::fieldTree()
{
    const QByteArray frame = synFrame();
    const QList<DecodedField> fields = packetdecoder::fields(frame);
    QCOMPARE(fields.size(), 3); // Ethernet, IPv4, TCP (no payload)
    const DecodedField *type = find(fields, QStringLiteral("Ethernet/Type"));
    QVERIFY(type);
    QCOMPARE(type->offset, 12);
    QCOMPARE(type->value, QStringLiteral("IPv4 (0x0800)"));
    const DecodedField *source = find(fields, QStringLiteral("IPv4/Source"));
    QVERIFY(source);
    QCOMPARE(source->value, QStringLiteral("127.0.0.1"));
    QCOMPARE(source->offset, 26);
    const DecodedField *port = find(fields, QStringLiteral("TCP/Destination port"));
    QVERIFY(port);
    QCOMPARE(port->value, QStringLiteral("8080"));
    QCOMPARE(port->offset, 36);
    QCOMPARE(port->length, 2);
    const DecodedField *mss = find(fields, QStringLiteral("TCP/Options/Maximum segment size"));
    QVERIFY(mss);
    QCOMPARE(mss->value, QStringLiteral("65495"));
    QCOMPARE(mss->offset, 54);
    QCOMPARE(mss->length, 4);
    const DecodedField *scale = find(fields, QStringLiteral("TCP/Options/Window scale"));
    QVERIFY(scale);
    QCOMPARE(scale->value, QStringLiteral("7 (×128)"));
    QVERIFY(find(fields, QStringLiteral("TCP/Options/SACK permitted")));
    QVERIFY(find(fields, QStringLiteral("TCP/Options/Timestamps")));
    QVERIFY(find(fields, QStringLiteral("TCP/Options/NOP")));

    const QList<DecodedField> data = packetdecoder::fields(ipv4(17, udp(1, 2, "four")));
    const DecodedField *payload = find(data, QStringLiteral("Payload"));
    QVERIFY(payload);
    QCOMPARE(payload->offset, 42);
    QCOMPARE(payload->length, 4);
}

void TestPacketDecoder::quotedDatagram()
{
    const QByteArray quoted = ipv4(17, udp(40000, 9999, "lost")).mid(14);
    const QList<DecodedField> fields =
        packetdecoder::fields(ipv4(1, icmp(3, 3, QByteArray(4, '\0'), quoted)));
    const DecodedField *inner = find(fields, QStringLiteral("ICMP/Original datagram/UDP/Destination port"));
    QVERIFY(inner);
    QCOMPARE(inner->value, QStringLiteral("9999"));
    QCOMPARE(inner->offset, 14 + 20 + 8 + 20 + 2);
}

void TestPacketDecoder::truncatedFramesStayInside_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addRow("tcp syn") << synFrame();
    QTest::addRow("tcp data v6") << ipv6(6, tcp(1, 2, 3, 4, PSH | ACK, 5, synOptions(), "payload"));
    QTest::addRow("icmp error") << ipv4(1, icmp(3, 3, QByteArray(4, '\0'), ipv4(17, udp(1, 2, "x")).mid(14)));
    QTest::addRow("icmpv6 error") << ipv6(58,
                                          icmp(1, 4, QByteArray(4, '\0'), ipv6(17, udp(1, 2, "x")).mid(14)));
    QTest::addRow("ip length lies") << ipv4(6, tcp(1, 2, 3, 4, ACK, 5)).replace(16, 2, be16(0xffff));
    QTest::addRow("ihl 15") << ipv4(6, tcp(1, 2, 3, 4, ACK, 5)).replace(14, 1, "\x4f");
    QTest::addRow("ihl 1") << ipv4(6, tcp(1, 2, 3, 4, ACK, 5)).replace(14, 1, "\x41");
    QTest::addRow("tcp offset 15") << ipv4(6, tcp(1, 2, 3, 4, ACK, 5, {}, "abc")).replace(46, 1, "\xf0");
    QTest::addRow("tcp offset 0") << ipv4(6, tcp(1, 2, 3, 4, ACK, 5, {}, "abc")).replace(46, 1, "\x00");
    QTest::addRow("option runs over") << ipv4(6, tcp(1, 2, 3, 4, SYN, 5, QByteArray::fromHex("0101087f")));
    QTest::addRow("extension loop") << ipv6(0, QByteArray::fromHex("0000000000000000").repeated(40));
}

void TestPacketDecoder::truncatedFramesStayInside()
{
    QFETCH(QByteArray, frame);
    for (qsizetype size = 0; size <= frame.size(); ++size) {
        // A copy of exactly `size` bytes: a read past its end is caught by the sanitizer builds.
        const QByteArray cut(frame.constData(), size);
        std::optional<PacketInfo> packet = packetdecoder::decode(cut);
        if (packet) {
            QVERIFY(packet->len >= 0);
            QVERIFY(packet->len <= size);
            packetdecoder::summarize(*packet);
            QVERIFY(!packet->summary.isEmpty());
        }
        QString why;
        const QList<DecodedField> fields = packetdecoder::fields(cut);
        QVERIFY2(fieldsInside(fields, int(size), &why), qPrintable(why));
        QVERIFY(!fields.isEmpty());
    }
}

namespace {

// Runs on a thread of its own that enters a fresh network namespace (root only): lo is brought up
// there and nothing else is on it, so every frame captured is one this test caused.
struct PrivateLoopback
{
    int packet = -1, listener = -1, client = -1, udp = -1;
    quint16 port = 0, udpPort = 0;
    bool ok = false;
    std::shared_ptr<SandboxClient> sandbox; // when the sockets come from the app's sandbox
};

// For a plain user: the same private lo, through the app's sandbox helper.
PrivateLoopback openSandboxLoopback()
{
    PrivateLoopback lo;
    if (qEnvironmentVariableIsEmpty("SOCKETSCOPE_SANDBOX"))
        qputenv("SOCKETSCOPE_SANDBOX", QFileInfo(QStringLiteral(SOCKETSCOPE_BINARY))
                                           .dir()
                                           .filePath(QStringLiteral("socketscope-sandbox"))
                                           .toLocal8Bit());
    lo.sandbox = SandboxClient::start();
    if (!lo.sandbox || !lo.sandbox->isReady())
        return lo;
    int loopback = 0;
    lo.packet = lo.sandbox->createPacketSocket(&loopback);
    const int ignoreOutgoing = 1;
    ::setsockopt(lo.packet, SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignoreOutgoing, sizeof ignoreOutgoing);
    sockaddr_ll link{};
    link.sll_family = AF_PACKET;
    link.sll_protocol = htons(ETH_P_ALL);
    link.sll_ifindex = loopback;
    const bool bound =
        lo.packet >= 0 && ::bind(lo.packet, reinterpret_cast<sockaddr *>(&link), sizeof link) == 0;
    lo.listener = lo.sandbox->createSocket(AF_INET, SOCK_STREAM, 0);
    lo.client = lo.sandbox->createSocket(AF_INET, SOCK_STREAM, 0);
    lo.udp = lo.sandbox->createSocket(AF_INET, SOCK_DGRAM, 0);
    lo.ok = bound && lo.listener >= 0 && lo.client >= 0 && lo.udp >= 0;
    return lo;
}

PrivateLoopback openPrivateLoopback()
{
    PrivateLoopback lo;
    std::thread([&] {
        if (::unshare(CLONE_NEWNET) != 0)
            return;
        const bool up = testsupport::bringLoopbackUp();
        lo.packet = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
        const int ignoreOutgoing = 1;
        ::setsockopt(lo.packet, SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignoreOutgoing, sizeof ignoreOutgoing);
        sockaddr_ll link{};
        link.sll_family = AF_PACKET;
        link.sll_protocol = htons(ETH_P_ALL);
        link.sll_ifindex = int(::if_nametoindex("lo"));
        const bool bound = ::bind(lo.packet, reinterpret_cast<sockaddr *>(&link), sizeof link) == 0;
        lo.listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        lo.client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        lo.udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        lo.ok = up && bound && lo.listener >= 0 && lo.client >= 0 && lo.udp >= 0;
    }).join();
    return lo;
}

QList<QByteArray> drain(int packetFd)
{
    QList<QByteArray> frames;
    for (;;) {
        pollfd ready{packetFd, POLLIN, 0};
        if (::poll(&ready, 1, 100) <= 0)
            return frames;
        QByteArray frame(65536, Qt::Uninitialized);
        const ssize_t n = ::recv(packetFd, frame.data(), frame.size(), 0);
        if (n > 0)
            frames << frame.left(n);
    }
}

} // namespace

void TestPacketDecoder::realFramesFromTheKernel()
{
    PrivateLoopback lo = ::geteuid() == 0 ? openPrivateLoopback() : openSandboxLoopback();
    if (!lo.ok)
        QSKIP("neither a private network namespace (root) nor the sandbox can be entered here");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(lo.listener, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QCOMPARE(::listen(lo.listener, 4), 0);
    socklen_t length = sizeof address;
    ::getsockname(lo.listener, reinterpret_cast<sockaddr *>(&address), &length);
    QCOMPARE(::connect(lo.client, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QCOMPARE(::send(lo.client, "hello, server\n", 14, 0), 14);
    // A datagram to a port nobody listens on comes back as ICMP port unreachable.
    sockaddr_in nowhere = address;
    nowhere.sin_port = htons(9);
    QCOMPARE(::sendto(lo.udp, "lost", 4, 0, reinterpret_cast<sockaddr *>(&nowhere), sizeof nowhere), 4);

    const QString server = QStringLiteral("127.0.0.1:%1").arg(ntohs(address.sin_port));
    QStringList summaries;
    QStringList icmp;
    RelativeSequencer sequencer;
    for (const QByteArray &frame : drain(lo.packet)) {
        std::optional<PacketInfo> packet = packetdecoder::decode(frame);
        QVERIFY(packet);
        QString why;
        QVERIFY2(fieldsInside(packetdecoder::fields(frame), int(frame.size()), &why), qPrintable(why));
        sequencer.apply(*packet);
        packetdecoder::summarize(*packet);
        if (packet->proto == QLatin1String("TCP"))
            summaries << (packet->dst == server ? u'>' : u'<') +
                             packet->summary.left(packet->summary.indexOf(QStringLiteral(" win=")));
        else if (packet->proto == QLatin1String("ICMP"))
            icmp << packet->summary;
    }
    for (int fd : {lo.packet, lo.listener, lo.client, lo.udp})
        ::close(fd);
    QCOMPARE(summaries.value(0), QStringLiteral(">[SYN] seq=0"));
    QCOMPARE(summaries.value(1), QStringLiteral("<[SYN, ACK] seq=0 ack=1"));
    QCOMPARE(summaries.value(2), QStringLiteral(">[ACK] seq=1 ack=1"));
    QCOMPARE(summaries.value(3), QStringLiteral(">[PSH, ACK] seq=1 ack=1"));
    QCOMPARE(summaries.value(4), QStringLiteral("<[ACK] seq=1 ack=15"));
    QCOMPARE(icmp.size(), 1);
    QVERIFY2(icmp.at(0).startsWith(QStringLiteral("port-unreachable (UDP 127.0.0.1:")),
             qPrintable(icmp.at(0)));
    QVERIFY2(icmp.at(0).endsWith(QStringLiteral(" → 127.0.0.1:9)")), qPrintable(icmp.at(0)));
}

QTEST_GUILESS_MAIN(TestPacketDecoder)
#include "tst_packetdecoder.moc"
