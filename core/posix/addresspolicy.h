#pragma once

#include <QString>

#include <sys/socket.h>

/// Which addresses a scenario may use: loopback only (127.0.0.0/8, ::1), a Unix path inside the
/// session's own directory, or an abstract Unix name. Nothing a scenario does may leave the machine,
/// even when the file was written by hand.
namespace addresspolicy {

/// Empty when `address` may be used with a socket of `domain` ("AF_INET", "AF_INET6", "AF_UNIX");
/// otherwise a short reason a teacher understands.
QString refusal(const QString &domain, const QString &address);

/// True for an AF_INET address in 127.0.0.0/8, an AF_INET6 ::1, and any AF_UNIX address. The engine
/// can use it for addresses that only appear at run time (the sender a reply goes back to).
bool isLoopback(const sockaddr *address, socklen_t length);

} // namespace addresspolicy
