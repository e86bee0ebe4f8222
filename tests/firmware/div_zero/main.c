/* CCR.DIV_0_TRP (ARMv7-M B3.2.8): while it is clear, SDIV and UDIV by zero give 0; once
 * set, they take a UsageFault (CFSR.DIVBYZERO), or a HardFault (HFSR.FORCED) while
 * UsageFault is disabled. A division by zero in an IT block whose condition fails does
 * not execute, so it does not trap. The handlers skip the division: its destination keeps
 * the value it had. Prints the same on QEMU (mps2-an386) and the lab. */
#include <stdint.h>
#include "board.h"
#include "lab.h"

static volatile uint32_t faults, fault_cfsr, fault_hfsr;

void fault_record(uint32_t *frame)
{
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    faults++;
    fault_cfsr |= cfsr;
    fault_hfsr |= hfsr;
    SCB_CFSR = cfsr; /* write 1 to clear */
    SCB_HFSR = hfsr;
    frame[6] += 4u; /* SDIV and UDIV are 32-bit instructions */
}

#define WITH_FRAME(handler) "tst lr, #4\nite eq\nmrseq r0, msp\nmrsne r0, psp\nb " handler "\n"
__attribute__((naked)) void UsageFault_Handler(void) { __asm volatile(WITH_FRAME("fault_record")); }
__attribute__((naked)) void HardFault_Handler(void) { __asm volatile(WITH_FRAME("fault_record")); }

/* Each division is the first instruction of its function, its result in the dividend's
 * register: skipped by a fault handler, it returns the dividend. (Measured: QEMU 7.2 takes
 * this trap without saving registers written earlier in the same translated block, so a
 * division after other instructions would show their old values there.) */
__attribute__((naked, noinline)) static uint32_t udiv(uint32_t n, uint32_t d)
{
    (void)n, (void)d;
    __asm volatile("udiv r0, r0, r1\nbx lr\n");
}

__attribute__((naked, noinline)) static int32_t sdiv(int32_t n, int32_t d)
{
    (void)n, (void)d;
    __asm volatile("sdiv r0, r0, r1\nbx lr\n");
}

/* n / d if `divide`, else n: the division sits in an IT block */
__attribute__((naked, noinline)) static int32_t sdiv_if(int divide, int32_t n, int32_t d)
{
    (void)divide, (void)n, (void)d;
    __asm volatile("cmp r0, #0\nit ne\nsdivne r1, r1, r2\nmov r0, r1\nbx lr\n");
}

static void report(const char *trap, const char *usagefault)
{
    faults = fault_cfsr = fault_hfsr = 0;
    uint32_t u = udiv(7u, 0u), s = (uint32_t)sdiv(-7, 0);
    uint32_t skipped = (uint32_t)sdiv_if(0, 9, 0);
    uint32_t fine = udiv(7u, 2u), overflow = (uint32_t)sdiv(INT32_MIN, -1);
    lab_event("div0",
              "trap=%s usagefault=%s udiv=%lu sdiv=%ld skipped=%lu by_two=%lu "
              "overflow=0x%08lx faults=%lu cfsr=0x%08lx hfsr=0x%08lx",
              trap, usagefault, (unsigned long)u, (long)(int32_t)s, (unsigned long)skipped,
              (unsigned long)fine, (unsigned long)overflow, (unsigned long)faults,
              (unsigned long)fault_cfsr, (unsigned long)fault_hfsr);
}

int main(void)
{
    board_init();
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    report("off", "on");
    SCB_CCR |= CCR_DIV_0_TRP;
    cpu_dsb();
    cpu_isb();
    report("on", "on");
    SCB_SHCSR &= ~SHCSR_USGFAULTENA;
    report("on", "off");
    SCB_CCR &= ~CCR_DIV_0_TRP;
    report("off", "off");
    lab_done();
    console_flush();
    return 0;
}
