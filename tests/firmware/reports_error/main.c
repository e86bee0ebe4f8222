/* A firmware that cannot go on: it says so with `@lab error`, then waits for ever.
 * The lab must end the run there and call it failed, in every mode. */
#include "board.h"
#include "lab.h"

int main(void)
{
    board_init();
    lab_event("error", "stage=init status=%d", 3);
    console_flush();
    for (;;)
        cpu_wfi();
}
