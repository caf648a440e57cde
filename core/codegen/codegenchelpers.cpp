// The helper functions a generated C program needs before its main(): only those it uses, so that
// it compiles with -Wall -Wextra -Werror.

#include "codegen/codegenparts.h"
#include "codegen/programwriter.h"

namespace codegen {

void writeCHelpers(const ProgramNeeds &needs, const Options &options, ProgramWriter &w)
{
    if (options.inStep) {
        w.lines(
            {QStringLiteral("/* In step with the other programs of the scenario: before each step, wait "
                            "until the runner"),
             QStringLiteral(" * writes that step's number on standard input; at the end (0), until it "
                            "closes it. */"),
             QStringLiteral("static void wait_for_turn(int step)"),
             QStringLiteral("{"),
             QStringLiteral("    char line[32];"),
             QStringLiteral("    if (fgets(line, sizeof line, stdin) == NULL) {"),
             QStringLiteral("        if (step == 0)"),
             QStringLiteral("            return;"),
             QStringLiteral("        fprintf(stderr, \"step %d: standard input ended before its turn\\n\", "
                            "step);"),
             QStringLiteral("        exit(2);"),
             QStringLiteral("    }"),
             QStringLiteral("    if (atoi(line) != step) {"),
             QStringLiteral("        fprintf(stderr, \"step %d: got the turn of step %s\", step, line);"),
             QStringLiteral("        exit(2);"),
             QStringLiteral("    }"),
             QStringLiteral("}"),
             {}});
    }
    w.lines({QStringLiteral("/* Prints what a call returned, with the errno's name when it failed. */"),
             QStringLiteral("static void report(int step, const char *call, long result)"),
             QStringLiteral("{"),
             QStringLiteral("    if (result < 0) {"),
             QStringLiteral("        const char *name = strerrorname_np(errno);"),
             QStringLiteral(
                 "        printf(\"step %d %s = %ld %s\\n\", step, call, result, name ? name : \"E?\");"),
             QStringLiteral("    } else {"),
             QStringLiteral("        printf(\"step %d %s = %ld\\n\", step, call, result);"),
             QStringLiteral("    }"),
             QStringLiteral("    fflush(stdout);"),
             QStringLiteral("}"),
             {}});
    if (needs.receivesData) {
        w.lines({QStringLiteral("/* Like report(), with the bytes that came in. */"),
                 QStringLiteral("static void report_data(int step, const char *call, long result, const char "
                                "*bytes, size_t length)"),
                 QStringLiteral("{"),
                 QStringLiteral("    if (result < 0) {"),
                 QStringLiteral("        report(step, call, result);"),
                 QStringLiteral("        return;"),
                 QStringLiteral("    }"),
                 QStringLiteral("    printf(\"step %d %s = %ld data \\\"\", step, call, result);"),
                 QStringLiteral("    for (size_t i = 0; i < length && i < 256; ++i) {"),
                 QStringLiteral("        unsigned char c = (unsigned char)bytes[i];"),
                 QStringLiteral("        if (c == '\\\\' || c == '\"')"),
                 QStringLiteral("            printf(\"\\\\%c\", c);"),
                 QStringLiteral("        else if (c == '\\n')"),
                 QStringLiteral("            printf(\"\\\\n\");"),
                 QStringLiteral("        else if (c == '\\r')"),
                 QStringLiteral("            printf(\"\\\\r\");"),
                 QStringLiteral("        else if (c == '\\t')"),
                 QStringLiteral("            printf(\"\\\\t\");"),
                 QStringLiteral("        else if (c >= 0x20 && c < 0x7f)"),
                 QStringLiteral("            putchar(c);"),
                 QStringLiteral("        else"),
                 QStringLiteral("            printf(\"\\\\x%02x\", c);"),
                 QStringLiteral("    }"),
                 QStringLiteral("    printf(length > 256 ? \"...\\\"\\n\" : \"\\\"\\n\");"),
                 QStringLiteral("    fflush(stdout);"),
                 QStringLiteral("}"),
                 {}});
    }
    if (needs.printsAddress) {
        w.lines(
            {QStringLiteral("/* Prints a socket address the kernel gave back. */"),
             QStringLiteral("static void print_address(const char *label, const struct sockaddr_storage "
                            "*address, socklen_t length)"),
             QStringLiteral("{"),
             QStringLiteral("    char text[INET6_ADDRSTRLEN] = \"\";"),
             QStringLiteral("    if (address->ss_family == AF_INET) {"),
             QStringLiteral("        const struct sockaddr_in *in = (const struct sockaddr_in *)address;"),
             QStringLiteral("        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);"),
             QStringLiteral("        printf(\"  %s %s:%u\\n\", label, text, ntohs(in->sin_port));"),
             QStringLiteral("    } else if (address->ss_family == AF_INET6) {"),
             QStringLiteral("        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;"),
             QStringLiteral("        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);"),
             QStringLiteral("        printf(\"  %s [%s]:%u\\n\", label, text, ntohs(in6->sin6_port));"),
             QStringLiteral("    } else if (address->ss_family == AF_UNIX) {"),
             QStringLiteral("        const struct sockaddr_un *un = (const struct sockaddr_un *)address;"),
             QStringLiteral("        size_t path_length = length - offsetof(struct sockaddr_un, sun_path);"),
             QStringLiteral("        if (length <= offsetof(struct sockaddr_un, sun_path))"),
             QStringLiteral("            printf(\"  %s (unnamed)\\n\", label);"),
             QStringLiteral("        else if (un->sun_path[0] == '\\0')"),
             QStringLiteral(
                 "            printf(\"  %s @%.*s\\n\", label, (int)path_length - 1, un->sun_path + 1);"),
             QStringLiteral("        else"),
             QStringLiteral("            printf(\"  %s %s\\n\", label, un->sun_path);"),
             QStringLiteral("    }"),
             QStringLiteral("    fflush(stdout);"),
             QStringLiteral("}"),
             {}});
    }
    if (needs.memory) {
        w.lines({QStringLiteral("/* The bytes this program received last, as it keeps them for an echo. */"),
                 QStringLiteral("static char *received;"),
                 QStringLiteral("static size_t received_length;"),
                 {},
                 QStringLiteral("static void remember(const char *bytes, size_t length)"),
                 QStringLiteral("{"),
                 QStringLiteral("    char *copy = malloc(length + 1);"),
                 QStringLiteral("    memcpy(copy, bytes, length);"),
                 QStringLiteral("    free(received);"),
                 QStringLiteral("    received = copy;"),
                 QStringLiteral("    received_length = length;"),
                 QStringLiteral("}"),
                 {}});
    }
    if (needs.sender) {
        w.lines({QStringLiteral("/* Who sent the last datagram (recvfrom), for a reply. */"),
                 QStringLiteral("static struct sockaddr_storage sender;"),
                 QStringLiteral("static socklen_t sender_length;"),
                 {}});
    }
    if (needs.icmp) {
        w.lines({QStringLiteral("/* An ICMP echo request: type 8, code 0, checksum, identifier, sequence "
                                "number, payload. */"),
                 QStringLiteral("static unsigned char *icmp_echo_request(const char *payload, size_t length, "
                                "unsigned sequence, size_t *packet_length)"),
                 QStringLiteral("{"),
                 QStringLiteral("    size_t total = 8 + length;"),
                 QStringLiteral("    unsigned char *packet = calloc(1, total + 1);"),
                 QStringLiteral("    packet[0] = 8;"),
                 QStringLiteral("    packet[4] = 0x53;"),
                 QStringLiteral("    packet[5] = 0x53;"),
                 QStringLiteral("    packet[6] = (sequence >> 8) & 0xff;"),
                 QStringLiteral("    packet[7] = sequence & 0xff;"),
                 QStringLiteral("    if (length > 0)"),
                 QStringLiteral("        memcpy(packet + 8, payload, length);"),
                 QStringLiteral("    unsigned long sum = 0;"),
                 QStringLiteral("    for (size_t i = 0; i + 1 < total; i += 2)"),
                 QStringLiteral("        sum += (unsigned long)(packet[i] << 8 | packet[i + 1]);"),
                 QStringLiteral("    if (total % 2)"),
                 QStringLiteral("        sum += (unsigned long)packet[total - 1] << 8;"),
                 QStringLiteral("    while (sum >> 16)"),
                 QStringLiteral("        sum = (sum & 0xffff) + (sum >> 16);"),
                 QStringLiteral("    sum = ~sum & 0xffff;"),
                 QStringLiteral("    packet[2] = (unsigned char)(sum >> 8);"),
                 QStringLiteral("    packet[3] = (unsigned char)(sum & 0xff);"),
                 QStringLiteral("    *packet_length = total;"),
                 QStringLiteral("    return packet;"),
                 QStringLiteral("}"),
                 {}});
    }
    if (needs.httpResponse) {
        w.lines(
            {QStringLiteral("/* Answers an HTTP request held in `received` with a small HTML page naming the "
                            "path asked for. */"),
             QStringLiteral("static void http_response(void)"),
             QStringLiteral("{"),
             QStringLiteral("    char *request = malloc(received_length + 1);"),
             QStringLiteral("    memcpy(request, received, received_length);"),
             QStringLiteral("    request[received_length] = '\\0';"),
             QStringLiteral("    char *end = strchr(request, '\\n');"),
             QStringLiteral("    if (end)"),
             QStringLiteral("        *end = '\\0';"),
             QStringLiteral("    char *line = request;"),
             QStringLiteral("    while (*line && isspace((unsigned char)*line))"),
             QStringLiteral("        ++line;"),
             QStringLiteral("    size_t line_length = strlen(line);"),
             QStringLiteral("    while (line_length > 0 && isspace((unsigned char)line[line_length - 1]))"),
             QStringLiteral("        line[--line_length] = '\\0';"),
             QStringLiteral("    /* \"GET /index.html HTTP/1.1\": the path is the second word. */"),
             QStringLiteral("    const char *path = \"/\";"),
             QStringLiteral("    char *space = strchr(line, ' ');"),
             QStringLiteral("    if (space) {"),
             QStringLiteral("        path = space + 1;"),
             QStringLiteral("        char *next = strchr(space + 1, ' ');"),
             QStringLiteral("        if (next)"),
             QStringLiteral("            *next = '\\0';"),
             QStringLiteral("    }"),
             QStringLiteral("    char *body = malloc(256 + 6 * strlen(path));"),
             QStringLiteral("    size_t n = (size_t)sprintf(body, \"<!DOCTYPE "
                            "html>\\n<html><head><title>SocketScope</title></head>\\n\""),
             QStringLiteral("                               \"<body><h1>Hello from the server</h1><p>You "
                            "asked for \");"),
             QStringLiteral("    for (const char *c = path; *c; ++c) {"),
             QStringLiteral("        const char *entity = *c == '<' ? \"&lt;\" : *c == '>' ? \"&gt;\" : *c "
                            "== '&' ? \"&amp;\" : *c == '\"' ? \"&quot;\" : NULL;"),
             QStringLiteral("        if (entity)"),
             QStringLiteral("            n += (size_t)sprintf(body + n, \"%s\", entity);"),
             QStringLiteral("        else"),
             QStringLiteral("            body[n++] = *c;"),
             QStringLiteral("    }"),
             QStringLiteral("    n += (size_t)sprintf(body + n, \"</p></body></html>\\n\");"),
             QStringLiteral("    char *response = malloc(n + 256);"),
             QStringLiteral("    size_t total = (size_t)sprintf(response, \"HTTP/1.1 200 "
                            "OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\n\""),
             QStringLiteral("                                   \"Content-Length: %zu\\r\\nConnection: "
                            "close\\r\\n\\r\\n%s\", n, body);"),
             QStringLiteral("    remember(response, total);"),
             QStringLiteral("    free(response);"),
             QStringLiteral("    free(body);"),
             QStringLiteral("    free(request);"),
             QStringLiteral("}"),
             {}});
    }
}

} // namespace codegen
