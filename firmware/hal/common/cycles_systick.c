/* Core cycle counter for ARMv6-M, which has no DWT CYCCNT: SysTick counts core clock
 * cycles down from 2^24 - 1 and its interrupt adds 2^24 on each wrap, so cycles_now()
 * is an exact 32-bit count that wraps like CYCCNT. */
#include "board.h"

#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)   /* the processor clock */
#define ICSR_PENDSTSET (1u << 26)
#define SYSTICK_SPAN (1u << 24)

static volatile uint32_t systick_wraps;

void SysTick_Handler(void) { systick_wraps++; }

void cycles_init(void)
{
    SYST_CSR = 0;
    SYST_RVR = SYSTICK_SPAN - 1u;
    SYST_CVR = 0;
    systick_wraps = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

uint32_t cycles_now(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    uint32_t wraps = systick_wraps;
    uint32_t value = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {    /* wrapped, interrupt not taken yet */
        wraps++;
        value = SYST_CVR;
    }
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
    return wraps * SYSTICK_SPAN + (SYSTICK_SPAN - 1u - value);
}
