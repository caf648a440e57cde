/* The bytes a program makes itself: an ICMP echo request, the answer of a process step. */
#include "helpers.h"

/* In a program, memory.c's section remember comes before these. */
extern char *received;
extern size_t received_length;
void remember(const char *bytes, size_t length);

/* section icmp_echo_request */
/* An ICMP echo request: type 8, code 0, checksum, identifier, sequence number, payload. */
static unsigned char *icmp_echo_request(const char *payload, size_t length, unsigned sequence, size_t *packet_length)
{
    size_t total = 8 + length;
    unsigned char *packet = calloc(1, total + 1);
    packet[0] = 8;
    packet[4] = 0x53;
    packet[5] = 0x53;
    packet[6] = (sequence >> 8) & 0xff;
    packet[7] = sequence & 0xff;
    if (length > 0)
        memcpy(packet + 8, payload, length);
    unsigned long sum = 0;
    for (size_t i = 0; i + 1 < total; i += 2)
        sum += (unsigned long)(packet[i] << 8 | packet[i + 1]);
    if (total % 2)
        sum += (unsigned long)packet[total - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    packet[2] = (unsigned char)(sum >> 8);
    packet[3] = (unsigned char)(sum & 0xff);
    *packet_length = total;
    return packet;
}

/* section http_response */
/* Answers an HTTP request held in `received` with a small HTML page naming the path asked for. */
static void http_response(void)
{
    char *request = malloc(received_length + 1);
    memcpy(request, received, received_length);
    request[received_length] = '\0';
    char *end = strchr(request, '\n');
    if (end)
        *end = '\0';
    char *line = request;
    while (*line && isspace((unsigned char)*line))
        ++line;
    size_t line_length = strlen(line);
    while (line_length > 0 && isspace((unsigned char)line[line_length - 1]))
        line[--line_length] = '\0';
    /* "GET /index.html HTTP/1.1": the path is the second word. */
    const char *path = "/";
    char *space = strchr(line, ' ');
    if (space) {
        path = space + 1;
        char *next = strchr(space + 1, ' ');
        if (next)
            *next = '\0';
    }
    char *body = malloc(256 + 6 * strlen(path));
    size_t n = (size_t)sprintf(body, HTTP_BODY_BEFORE_PATH);
    for (const char *c = path; *c; ++c) {
        const char *entity = *c == '<' ? "&lt;" : *c == '>' ? "&gt;" : *c == '&' ? "&amp;" : *c == '"' ? "&quot;" : NULL;
        if (entity)
            n += (size_t)sprintf(body + n, "%s", entity);
        else
            body[n++] = *c;
    }
    n += (size_t)sprintf(body + n, HTTP_BODY_AFTER_PATH);
    char *response = malloc(n + 256);
    size_t total = (size_t)sprintf(response, HTTP_HEADERS_FORMAT, n, body);
    remember(response, total);
    free(response);
    free(body);
    free(request);
}
