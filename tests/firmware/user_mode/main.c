/* Unprivileged code on the nRF52840, checked against the ARMv7-M manual (QEMU has no
 * nRF52). STIR pends an interrupt from unprivileged code only while CCR.USERSETMPEND is set
 * (otherwise the write is a BusFault, like any System Control Space access). Then an SCS
 * read with BusFault disabled and no HardFault handler ends the run: the lab reports a
 * HardFault escalated from the BusFault, with BFAR and the function that made the access. */
#include <stdint.h>
#include "board.h"
#include "lab.h"

#define SWI0_IRQ 20u

static volatile uint32_t swi_runs, busfaults, bfar;

void busfault_skip(uint32_t *frame)
{
    uint32_t cfsr = SCB_CFSR;
    bfar = SCB_BFAR;
    SCB_CFSR = cfsr; /* write 1 to clear */
    busfaults++;
    uint16_t first = *(uint16_t *)frame[6];
    frame[6] += ((first >> 11) >= 0x1Du) ? 4u : 2u;
}

__attribute__((naked)) void BusFault_Handler(void)
{
    __asm volatile("tst lr, #4\nite eq\nmrseq r0, msp\nmrsne r0, psp\nb busfault_skip\n");
}

void SWI0_IRQHandler(void) { swi_runs++; }

/* The system call that gives thread mode its privilege back. */
void SVC_Handler(void) { cpu_set_control(cpu_control() & ~CONTROL_NPRIV); }

static void drop_privilege(void) { cpu_set_control(cpu_control() | CONTROL_NPRIV); }
static void regain_privilege(void) { __asm volatile("svc #0" ::: "memory"); }

__attribute__((noipa)) static uint32_t read_cpuid_unprivileged(void)
{
    drop_privilege();
    return SCB_CPUID;
}

int main(void)
{
    board_init();
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    irq_enable(SWI0_IRQ);

    drop_privilege();
    NVIC_STIR = SWI0_IRQ; /* refused: a BusFault */
    regain_privilege();
    uint32_t refused_runs = swi_runs;

    SCB_CCR |= CCR_USERSETMPEND;
    drop_privilege();
    NVIC_STIR = SWI0_IRQ; /* allowed: SWI0 runs */
    cpu_dsb();
    cpu_isb();
    regain_privilege();
    lab_event("stir", "refused_runs=%lu busfaults=%lu bfar=0x%08lx allowed_runs=%lu",
              (unsigned long)refused_runs, (unsigned long)busfaults, (unsigned long)bfar,
              (unsigned long)swi_runs);
    console_flush();

    SCB_SHCSR &= ~SHCSR_BUSFAULTENA;
    (void)read_cpuid_unprivileged(); /* HardFault: the run ends with a fault report */
    lab_event("unreachable", "after=%d", 1);
    return 0;
}
