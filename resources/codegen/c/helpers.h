/* What the C pieces of a generated program share, so that each file here compiles on its own
 * (cc -std=c11 -Wall -Wextra -Werror -fsyntax-only). None of this reaches a program: the generator
 * writes its own includes, takes each file from its first section on, and writes the page of
 * core/scenario/httppage.cpp where the HTTP_ names stand. */
#ifndef SOCKETSCOPE_CODEGEN_HELPERS_H
#define SOCKETSCOPE_CODEGEN_HELPERS_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Stand-ins for the page, which a program has as literals (each one a printf format). */
#define HTTP_BODY_BEFORE_PATH "<p>"
#define HTTP_BODY_AFTER_PATH "</p>\n"
#define HTTP_HEADERS_FORMAT "Content-Length: %zu\r\n\r\n%s"

#endif
