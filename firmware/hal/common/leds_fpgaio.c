/* MPS2: the user LEDs in the FPGAIO block's LED0 register and a periodic tick from
 * SysTick (the images' own timers are not modelled by the lab). */
#include "board.h"

#define FPGAIO_LED0 REG32(MPS2_FPGAIO_BASE + 0x00u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)   /* the processor clock */

static void (*tick_handler)(void);
static uint32_t tick_period;
static volatile uint32_t ticks_counted;

void led_set(unsigned pin, int on)
{
    if (on)
        FPGAIO_LED0 |= 1u << pin;
    else
        FPGAIO_LED0 &= ~(1u << pin);
}

void led_toggle(unsigned pin) { FPGAIO_LED0 ^= 1u << pin; }

__attribute__((weak)) void SysTick_Handler(void)
{
    ticks_counted += tick_period;
    if (tick_handler)
        tick_handler();
}

void rtc_periodic_start(uint32_t ticks, void (*handler)(void))
{
    tick_handler = handler;
    tick_period = ticks;
    SYST_CSR = 0;
    SYST_RVR = ticks - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void rtc_periodic_stop(void) { SYST_CSR = 0; }

uint32_t rtc_counter(void) { return ticks_counted; }
