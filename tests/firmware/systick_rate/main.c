/* SysTick at 1 kHz (LOAD = 63999 at 64 MHz) toggling P0.13 on every tick while the core sleeps. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define PROBE_PIN 13u
static volatile uint32_t ticks;

void SysTick_Handler(void)
{
    GPIO_OUT(GPIO_P0_BASE) ^= 1u << PROBE_PIN;
    ticks++;
}

int main(void)
{
    board_init();
    GPIO_PIN_CNF(GPIO_P0_BASE, PROBE_PIN) = 1u;
    lab_event("start", "%s", "at=tick0");
    console_flush();
    SYST_RVR = CORE_CLOCK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 0x7; /* processor clock, interrupt, enable */
    while (ticks < 1000u)
        cpu_wfi();
    SYST_CSR = 0;
    lab_event("systick", "ticks=%lu", (unsigned long)ticks);
    lab_done();
    console_flush();
    return 0;
}
