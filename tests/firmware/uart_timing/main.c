/* Times a 200-byte UARTE transfer with TIMER1 at 1 MHz (TIMER CAPTURE at the task write). */
#include <string.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

static char line[200];

int main(void)
{
    board_init();
    console_flush();
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    TIMER_PRESCALER(TIMER1_BASE) = 4;   /* 1 MHz */
    TIMER_BITMODE(TIMER1_BASE) = 3;
    TIMER_TASKS_CLEAR(TIMER1_BASE) = 1;
    TIMER_TASKS_START(TIMER1_BASE) = 1;
    console_write(line, sizeof line);
    console_flush();
    TIMER_TASKS_CAPTURE(TIMER1_BASE, 0) = 1;
    uint32_t us = TIMER_CC(TIMER1_BASE, 0);
    lab_event("uart", "bytes=%u us=%lu", (unsigned)sizeof line, (unsigned long)us);
    lab_done();
    console_flush();
    return 0;
}
