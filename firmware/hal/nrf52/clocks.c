/* HFXO and LFXO start-up: start the task, sleep until the STARTED interrupt. */
#include "board.h"

static volatile int hfclk_started, lfclk_started;

void POWER_CLOCK_IRQHandler(void)
{
    if (CLOCK_EVENTS_HFCLKSTARTED) {
        CLOCK_EVENTS_HFCLKSTARTED = 0;
        hfclk_started = 1;
    }
    if (CLOCK_EVENTS_LFCLKSTARTED) {
        CLOCK_EVENTS_LFCLKSTARTED = 0;
        lfclk_started = 1;
    }
}

void clocks_start(void)
{
    CLOCK_INTENSET = 0x3; /* HFCLKSTARTED, LFCLKSTARTED */
    irq_priority(IRQ_POWER_CLOCK, 6);
    irq_enable(IRQ_POWER_CLOCK);
    CLOCK_TASKS_HFCLKSTART = 1;
    sleep_until_set(&hfclk_started);
    CLOCK_LFCLKSRC = LFCLKSRC_XTAL;
    CLOCK_TASKS_LFCLKSTART = 1;
    sleep_until_set(&lfclk_started);
}
