/* SYSRESETREQ resets the core and peripherals; POWER.GPREGRET survives, RESETREAS says SREQ. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define POWER_GPREGRET REG32(0x4000051Cu)

int main(void)
{
    board_init();
    uint32_t boots = POWER_GPREGRET + 1u;
    POWER_GPREGRET = boots;
    lab_event("boot", "count=%lu resetreas=%lu", (unsigned long)boots,
              (unsigned long)POWER_RESETREAS);
    console_flush();
    if (boots == 1u) {
        SCB_AIRCR = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
        cpu_dsb();
        for (;;) {
        }
    }
    lab_done();
    console_flush();
    return 0;
}
