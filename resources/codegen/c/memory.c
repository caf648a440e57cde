/* What a program keeps between its calls, as the engine's actor memory does. */
#include "helpers.h"

/* section remember */
/* The bytes this program received last, as it keeps them for an echo. */
static char *received;
static size_t received_length;

static void remember(const char *bytes, size_t length)
{
    char *copy = malloc(length + 1);
    memcpy(copy, bytes, length);
    free(received);
    received = copy;
    received_length = length;
}

/* section sender */
/* Who sent the last datagram (recvfrom), for a reply. */
static struct sockaddr_storage sender;
static socklen_t sender_length;
