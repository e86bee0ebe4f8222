/* A precise BusFault with its handler enabled: the handler records CFSR/BFAR, skips the
 * faulting load and returns; the program goes on. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

static volatile uint32_t cfsr, bfar, faults;

void busfault_handle(uint32_t *frame)
{
    cfsr = SCB_CFSR;
    bfar = SCB_BFAR;
    SCB_CFSR = cfsr; /* write 1 to clear */
    faults++;
    uint16_t first = *(uint16_t *)frame[6];
    frame[6] += ((first >> 11) >= 0x1Du) ? 4u : 2u; /* skip the faulting instruction */
}

__attribute__((naked)) void BusFault_Handler(void)
{
    __asm volatile("tst lr, #4\nite eq\nmrseq r0, msp\nmrsne r0, psp\nb busfault_handle\n");
}

int main(void)
{
    board_init();
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    volatile uint32_t *nowhere = (volatile uint32_t *)0x30000010u;
    uint32_t value = *nowhere;
    lab_event("busfault", "faults=%lu cfsr=0x%08lx bfar=0x%08lx value=%lu", (unsigned long)faults,
              (unsigned long)cfsr, (unsigned long)bfar, (unsigned long)value);
    lab_done();
    console_flush();
    return 0;
}
