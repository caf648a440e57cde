# Classic BPF socket filters (SO_ATTACH_FILTER), as far as a program's setsockopt() steps need them.
# The generator takes this file from its first section on; the imports stand for the program's own.
import ctypes
import socket
import struct


# section filter_options
# Linux's numbers for the socket filter options, which the socket module may not name.
SO_ATTACH_FILTER = getattr(socket, "SO_ATTACH_FILTER", 26)
SO_DETACH_FILTER = getattr(socket, "SO_DETACH_FILTER", 27)


# section socket_filter
def socket_filter(instructions):
    """A struct sock_fprog for SO_ATTACH_FILTER: how many instructions, and where they are.

    The kernel copies the instructions during setsockopt(); until then the caller keeps
    `code`, the buffer the pointer points into."""
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in instructions))
    return code, struct.pack("HP", len(instructions), ctypes.addressof(code))
