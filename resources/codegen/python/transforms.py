# The bytes a program makes itself: an ICMP echo request, the answer of a process step.
# The generator takes this file from its first section on, and writes the page of
# core/scenario/httppage.cpp where the HTTP_ names stand; here they have stand-ins.
import struct

HTTP_BODY_BEFORE_PATH = b"<p>"
HTTP_BODY_AFTER_PATH = b"</p>\n"
HTTP_HEAD_BEFORE_LENGTH = b"Content-Length: "
HTTP_HEAD_AFTER_LENGTH = b"\r\n\r\n"


# section icmp_echo_request
def icmp_echo_request(payload, sequence):
    """An ICMP echo request: type 8, code 0, checksum, identifier, sequence, payload."""
    packet = struct.pack("!BBHHH", 8, 0, 0, 0x5353, sequence) + payload
    padded = packet + b"\0" * (len(packet) % 2)
    total = sum((padded[i] << 8) | padded[i + 1] for i in range(0, len(padded), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    checksum = ~total & 0xFFFF
    return packet[:2] + struct.pack("!H", checksum) + packet[4:]


# section http_response
def http_response(request):
    """A small HTML page naming the path the request line asked for."""
    words = request.split(b"\n")[0].strip().split(b" ")
    path = words[1] if len(words) >= 2 else b"/"
    escaped = path.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
    escaped = escaped.replace(b">", b"&gt;").replace(b'"', b"&quot;")
    body = (HTTP_BODY_BEFORE_PATH + escaped + HTTP_BODY_AFTER_PATH)
    return (HTTP_HEAD_BEFORE_LENGTH
            + str(len(body)).encode() + HTTP_HEAD_AFTER_LENGTH + body)
