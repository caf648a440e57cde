/* The lines a program prints after each call, which a run compares with the engine's. */
#include "helpers.h"

/* section report */
/* Prints what a call returned, with the errno's name when it failed. */
static void report(int step, const char *call, long result)
{
    if (result < 0) {
        const char *name = strerrorname_np(errno);
        printf("step %d %s = %ld %s\n", step, call, result, name ? name : "E?");
    } else {
        printf("step %d %s = %ld\n", step, call, result);
    }
    fflush(stdout);
}

/* section report_data */
/* Like report(), with the bytes that came in. */
static void report_data(int step, const char *call, long result, const char *bytes, size_t length)
{
    if (result < 0) {
        report(step, call, result);
        return;
    }
    printf("step %d %s = %ld data \"", step, call, result);
    for (size_t i = 0; i < length && i < 256; ++i) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == '\\' || c == '"')
            printf("\\%c", c);
        else if (c == '\n')
            printf("\\n");
        else if (c == '\r')
            printf("\\r");
        else if (c == '\t')
            printf("\\t");
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf(length > 256 ? "...\"\n" : "\"\n");
    fflush(stdout);
}

/* section print_address */
/* Prints a socket address the kernel gave back. */
static void print_address(const char *label, const struct sockaddr_storage *address, socklen_t length)
{
    char text[INET6_ADDRSTRLEN] = "";
    if (address->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)address;
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        printf("  %s %s:%u\n", label, text, ntohs(in->sin_port));
    } else if (address->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        printf("  %s [%s]:%u\n", label, text, ntohs(in6->sin6_port));
    } else if (address->ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)address;
        size_t path_length = length - offsetof(struct sockaddr_un, sun_path);
        if (length <= offsetof(struct sockaddr_un, sun_path))
            printf("  %s (unnamed)\n", label);
        else if (un->sun_path[0] == '\0')
            printf("  %s @%.*s\n", label, (int)path_length - 1, un->sun_path + 1);
        else
            printf("  %s %s\n", label, un->sun_path);
    }
    fflush(stdout);
}
