/* Unaligned word loads: allowed by default, a UsageFault (UNALIGNED) once CCR.UNALIGN_TRP
 * is set; the handler records CFSR and skips the load. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

static volatile uint32_t cfsr, faults;
static uint8_t bytes[8] __attribute__((aligned(4))) = {1, 2, 3, 4, 5, 6, 7, 8};

void usagefault_handle(uint32_t *frame)
{
    cfsr = SCB_CFSR;
    SCB_CFSR = cfsr;
    faults++;
    uint16_t first = *(uint16_t *)frame[6];
    frame[6] += ((first >> 11) >= 0x1Du) ? 4u : 2u;
}

__attribute__((naked)) void UsageFault_Handler(void)
{
    __asm volatile("tst lr, #4\nite eq\nmrseq r0, msp\nmrsne r0, psp\nb usagefault_handle\n");
}

static uint32_t load_word(const volatile uint8_t *address)
{
    uint32_t value;
    __asm volatile("ldr %0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
}

int main(void)
{
    board_init();
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    uint32_t allowed = load_word(bytes + 1);
    SCB_CCR |= CCR_UNALIGN_TRP;
    cpu_dsb();
    cpu_isb();
    load_word(bytes + 1);
    SCB_CCR &= ~CCR_UNALIGN_TRP;
    uint32_t allowed_again = load_word(bytes + 2);
    lab_event("unaligned", "allowed=0x%08lx faults=%lu cfsr=0x%08lx again=0x%08lx",
              (unsigned long)allowed, (unsigned long)faults, (unsigned long)cfsr,
              (unsigned long)allowed_again);
    lab_done();
    console_flush();
    return 0;
}
