/* Taking turns with the runner, for a program that runs in step with the others (--in-step). */
#include "helpers.h"

/* section wait_for_turn */
/* In step with the other programs of the scenario: before each step, wait until the runner
 * writes that step's number on standard input; at the end (0), until it closes it. */
static void wait_for_turn(int step)
{
    char line[32];
    if (fgets(line, sizeof line, stdin) == NULL) {
        if (step == 0)
            return;
        fprintf(stderr, "step %d: standard input ended before its turn\n", step);
        exit(2);
    }
    if (atoi(line) != step) {
        fprintf(stderr, "step %d: got the turn of step %s", step, line);
        exit(2);
    }
}
