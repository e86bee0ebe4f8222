/* Sleeps forever: virtual time passes (to the next event) while a test drives a device
 * model on the board's bus directly. */
#include "board.h"

int main(void)
{
    for (;;)
        cpu_wfi();
}
