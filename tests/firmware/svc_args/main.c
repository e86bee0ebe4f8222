/* SVC with arguments: the handler reads r0-r3 and the SVC number from the stacked frame
 * and returns its result in the stacked r0; called from MSP and from PSP. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

void svc_dispatch(uint32_t *frame)
{
    uint16_t instruction = *(uint16_t *)(frame[6] - 2); /* stacked PC points after SVC */
    uint32_t number = instruction & 0xFFu;
    frame[0] = number * 1000u + frame[0] * 100u + frame[1] * 10u + frame[2] + frame[3];
}

__attribute__((naked)) void SVC_Handler(void)
{
    __asm volatile("tst lr, #4\n"
                   "ite eq\n"
                   "mrseq r0, msp\n"
                   "mrsne r0, psp\n"
                   "b svc_dispatch\n");
}

static uint32_t svc7(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    register uint32_t r0 __asm("r0") = a;
    register uint32_t r1 __asm("r1") = b;
    register uint32_t r2 __asm("r2") = c;
    register uint32_t r3 __asm("r3") = d;
    __asm volatile("svc #7" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3) : "memory");
    return r0;
}

static uint32_t process_stack[1024] __attribute__((aligned(8)));

int main(void)
{
    board_init();
    uint32_t on_msp = svc7(1, 2, 3, 4);
    uint32_t top = (uint32_t)(process_stack + 1024);
    __asm volatile("msr psp, %0\nmovs r0, #2\nmsr control, r0\nisb\n" ::"r"(top) : "r0", "memory");
    uint32_t on_psp = svc7(5, 6, 7, 8);
    lab_event("svc", "msp=%lu psp=%lu", (unsigned long)on_msp, (unsigned long)on_psp);
    lab_done();
    console_flush();
    return 0;
}
