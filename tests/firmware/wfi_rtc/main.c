/* Sleep in WFI until an RTC compare 10 s later: the core executes almost nothing meanwhile. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

static volatile int woken;

void RTC0_IRQHandler(void)
{
    RTC_EVENTS_COMPARE(RTC0_BASE, 0) = 0;
    woken = 1;
}

int main(void)
{
    board_init();
    cycles_init();
    RTC_PRESCALER(RTC0_BASE) = 0;
    RTC_CC(RTC0_BASE, 0) = 10u * LFCLK_HZ;
    RTC_INTENSET(RTC0_BASE) = RTC_INT_COMPARE(0);
    irq_enable(IRQ_RTC0);
    console_flush();
    uint32_t before = cycles_now();
    RTC_TASKS_START(RTC0_BASE) = 1;
    while (!woken)
        cpu_wfi();
    uint32_t awake_cycles = cycles_now() - before;
    lab_event("woke", "counter=%lu cycles_while_waiting=%lu", (unsigned long)RTC_COUNTER(RTC0_BASE),
              (unsigned long)awake_cycles);
    lab_done();
    console_flush();
    return 0;
}
