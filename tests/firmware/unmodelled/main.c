/* Reads and writes registers of peripherals the lab does not model (RADIO, TEMP). */
#include <stdio.h>
#include "board.h"
#include "lab.h"

int main(void)
{
    board_init();
    REG32(0x40001000u + 0x504u) = 0x1234u;      /* RADIO PACKETPTR: ignored */
    uint32_t radio = REG32(0x40001000u + 0x400u);  /* RADIO STATE */
    uint32_t temp = REG32(0x4000C000u + 0x508u);   /* TEMP TEMP */
    lab_event("unmodelled", "radio=%lu temp=%lu", (unsigned long)radio, (unsigned long)temp);
    lab_done();
    console_flush();
    return 0;
}
