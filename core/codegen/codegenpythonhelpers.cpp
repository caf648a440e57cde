// The helper functions a generated Python program defines before its steps: only those it uses.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"

namespace codegen {

void writePythonHelpers(const ProgramNeeds &needs, const Options &options, ProgramWriter &w)
{
    if (needs.filterOption) {
        w.lines({QStringLiteral(
                     "# Linux's numbers for the socket filter options, which the socket module may not "
                     "name."),
                 QStringLiteral("SO_ATTACH_FILTER = getattr(socket, \"SO_ATTACH_FILTER\", 26)"),
                 QStringLiteral("SO_DETACH_FILTER = getattr(socket, \"SO_DETACH_FILTER\", 27)"),
                 {},
                 {}});
    }
    if (needs.socketFilter) {
        w.lines(
            {QStringLiteral("def socket_filter(instructions):"),
             QStringLiteral("    \"\"\"A struct sock_fprog for SO_ATTACH_FILTER: how many instructions, and "
                            "where they are."),
             QStringLiteral(""),
             QStringLiteral("    The kernel copies the instructions during setsockopt(); until then the "
                            "caller keeps"),
             QStringLiteral("    `code`, the buffer the pointer points into.\"\"\""),
             QStringLiteral(
                 "    code = ctypes.create_string_buffer(b\"\".join(struct.pack(\"HBBI\", *i) for i "
                 "in instructions))"),
             QStringLiteral("    return code, struct.pack(\"HP\", len(instructions), "
                            "ctypes.addressof(code))"),
             {},
             {}});
    }
    if (options.inStep) {
        w.lines(
            {QStringLiteral("def wait_for_turn(step):"),
             QStringLiteral(
                 "    \"\"\"In step with the other programs of the scenario: before each step, wait "
                 "until the runner"),
             QStringLiteral("    writes that step's number on standard input; at the end (0), until it "
                            "closes it.\"\"\""),
             QStringLiteral("    line = sys.stdin.readline()"),
             QStringLiteral("    if not line and step == 0:"),
             QStringLiteral("        return"),
             QStringLiteral("    if not line:"),
             QStringLiteral("        sys.exit(\"step %d: standard input ended before its turn\" % step)"),
             QStringLiteral("    if int(line) != step:"),
             QStringLiteral("        sys.exit(\"step %d: got the turn of step %s\" % (step, line.strip()))"),
             {},
             {}});
    }
    w.lines({QStringLiteral("def shown(data):"),
             QStringLiteral("    text = \"\""),
             QStringLiteral("    for byte in data[:256]:"),
             QStringLiteral("        char = chr(byte)"),
             QStringLiteral("        if char in \"\\\\\\\"\":"),
             QStringLiteral("            text += \"\\\\\" + char"),
             QStringLiteral("        elif char == \"\\n\":"),
             QStringLiteral("            text += \"\\\\n\""),
             QStringLiteral("        elif char == \"\\r\":"),
             QStringLiteral("            text += \"\\\\r\""),
             QStringLiteral("        elif char == \"\\t\":"),
             QStringLiteral("            text += \"\\\\t\""),
             QStringLiteral("        elif 0x20 <= byte < 0x7F:"),
             QStringLiteral("            text += char"),
             QStringLiteral("        else:"),
             QStringLiteral("            text += \"\\\\x%02x\" % byte"),
             QStringLiteral("    return text + (\"...\" if len(data) > 256 else \"\")"),
             {},
             {},
             QStringLiteral("def report(step, call, result, data=None):"),
             QStringLiteral("    \"\"\"Prints what a call returned, as the C program does.\"\"\""),
             QStringLiteral("    line = \"step %d %s = %d\" % (step, call, result)"),
             QStringLiteral("    if data is not None:"),
             QStringLiteral("        line += ' data \"%s\"' % shown(data)"),
             QStringLiteral("    print(line, flush=True)"),
             {},
             {},
             QStringLiteral("def failed(step, call, error):"),
             QStringLiteral("    \"\"\"Python raises OSError where C returns -1 and sets errno.\"\"\""),
             QStringLiteral("    name = errno.errorcode.get(error.errno, \"E?\")"),
             QStringLiteral("    print(\"step %d %s = -1 %s\" % (step, call, name), flush=True)"),
             {},
             {},
             QStringLiteral("def format_address(address):"),
             QStringLiteral("    if isinstance(address, tuple) and len(address) == 2:"),
             QStringLiteral("        return \"%s:%d\" % address"),
             QStringLiteral("    if isinstance(address, tuple):"),
             QStringLiteral("        return \"[%s]:%d\" % address[:2]"),
             QStringLiteral("    if not address:"),
             QStringLiteral("        return \"(unnamed)\""),
             QStringLiteral("    if isinstance(address, bytes):"),
             QStringLiteral("        address = address.decode(errors=\"replace\")"),
             QStringLiteral("    return \"@\" + address[1:] if address.startswith(\"\\0\") else address"),
             {},
             {}});
    if (needs.icmp) {
        w.lines({QStringLiteral("def icmp_echo_request(payload, sequence):"),
                 QStringLiteral("    \"\"\"An ICMP echo request: type 8, code 0, checksum, identifier, "
                                "sequence, payload.\"\"\""),
                 QStringLiteral("    packet = struct.pack(\"!BBHHH\", 8, 0, 0, 0x5353, sequence) + payload"),
                 QStringLiteral("    padded = packet + b\"\\0\" * (len(packet) % 2)"),
                 QStringLiteral(
                     "    total = sum((padded[i] << 8) | padded[i + 1] for i in range(0, len(padded), 2))"),
                 QStringLiteral("    while total >> 16:"),
                 QStringLiteral("        total = (total & 0xFFFF) + (total >> 16)"),
                 QStringLiteral("    checksum = ~total & 0xFFFF"),
                 QStringLiteral("    return packet[:2] + struct.pack(\"!H\", checksum) + packet[4:]"),
                 {},
                 {}});
    }
    if (needs.httpResponse) {
        w.lines(
            {QStringLiteral("def http_response(request):"),
             QStringLiteral("    \"\"\"A small HTML page naming the path the request line asked for.\"\"\""),
             QStringLiteral("    words = request.split(b\"\\n\")[0].strip().split(b\" \")"),
             QStringLiteral("    path = words[1] if len(words) >= 2 else b\"/\""),
             QStringLiteral("    escaped = path.replace(b\"&\", b\"&amp;\").replace(b\"<\", b\"&lt;\")"),
             QStringLiteral("    escaped = escaped.replace(b\">\", b\"&gt;\").replace(b'\"', b\"&quot;\")"),
             QStringLiteral(
                 "    body = (b\"<!DOCTYPE html>\\n<html><head><title>SocketScope</title></head>\\n\""),
             QStringLiteral("            b\"<body><h1>Hello from the server</h1><p>You asked for \" + "
                            "escaped + b\"</p></body></html>\\n\")"),
             QStringLiteral("    return (b\"HTTP/1.1 200 OK\\r\\nContent-Type: text/html; "
                            "charset=utf-8\\r\\nContent-Length: \""),
             QStringLiteral(
                 "            + str(len(body)).encode() + b\"\\r\\nConnection: close\\r\\n\\r\\n\" + body)"),
             {},
             {}});
    }
}

} // namespace codegen
