# The lines a program prints after each call, which a run compares with the engine's.
# The generator takes this file from its first section on; the imports stand for the program's own.
import errno


# section shown
def shown(data):
    text = ""
    for byte in data[:256]:
        char = chr(byte)
        if char in "\\\"":
            text += "\\" + char
        elif char == "\n":
            text += "\\n"
        elif char == "\r":
            text += "\\r"
        elif char == "\t":
            text += "\\t"
        elif 0x20 <= byte < 0x7F:
            text += char
        else:
            text += "\\x%02x" % byte
    return text + ("..." if len(data) > 256 else "")


# section report
def report(step, call, result, data=None):
    """Prints what a call returned, as the C program does."""
    line = "step %d %s = %d" % (step, call, result)
    if data is not None:
        line += ' data "%s"' % shown(data)
    print(line, flush=True)


# section failed
def failed(step, call, error):
    """Python raises OSError where C returns -1 and sets errno."""
    name = errno.errorcode.get(error.errno, "E?")
    print("step %d %s = -1 %s" % (step, call, name), flush=True)


# section format_address
def format_address(address):
    if isinstance(address, tuple) and len(address) == 2:
        return "%s:%d" % address
    if isinstance(address, tuple):
        return "[%s]:%d" % address[:2]
    if not address:
        return "(unnamed)"
    if isinstance(address, bytes):
        address = address.decode(errors="replace")
    return "@" + address[1:] if address.startswith("\0") else address
