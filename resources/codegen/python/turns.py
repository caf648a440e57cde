# Taking turns with the runner, for a program that runs in step with the others (--in-step).
# The generator takes this file from its first section on; the imports stand for the program's own.
import sys


# section wait_for_turn
def wait_for_turn(step):
    """In step with the other programs of the scenario: before each step, wait until the runner
    writes that step's number on standard input; at the end (0), until it closes it."""
    line = sys.stdin.readline()
    if not line and step == 0:
        return
    if not line:
        sys.exit("step %d: standard input ended before its turn" % step)
    if int(line) != step:
        sys.exit("step %d: got the turn of step %s" % (step, line.strip()))
