/* Micro-benchmarks for the Cortex-M0+ timing model. ARMv6-M has no DWT cycle counter,
 * so SysTick (counting down at the core clock) times each sequence, as firmware on an M0+
 * does: `@lab timing name=<sequence> cycles=<span>`. The span is the first SYST_CVR read
 * (an LDR), a NOP and the sequence: the counter is sampled before the second read runs. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define SYST_CVR_ADDRESS 0xE000E018u

/* r4 = 0, r5 = 3, r7 = cells: then the sequence between two SYST_CVR reads */
#define TIMED(name, body)                                                              \
    do {                                                                               \
        uint32_t before, after;                                                        \
        __asm volatile(".syntax unified\n"                                          \
                       "movs r4, #0\n"                                                 \
                       "movs r5, #3\n"                                                 \
                       "mov r7, %3\n"                                                  \
                       "nop\n"                                                         \
                       "ldr %0, [%2]\n"                                                \
                       "nop\n" body "ldr %1, [%2]\n"                                   \
                       : "=&l"(before), "=&l"(after)                                   \
                       : "l"(SYST_CVR_ADDRESS), "r"(cells)                            \
                       : "r3", "r4", "r5", "r6", "r7", "cc", "memory");                \
        lab_event("timing", "name=%s cycles=%lu", name, (unsigned long)(before - after)); \
    } while (0)

static uint32_t cells[4] = {1, 2, 3, 4};

int main(void)
{
    board_init();
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* the processor clock, enabled, no interrupt */
    TIMED("warm_up", "");
    TIMED("nothing", "");
    TIMED("alu4", "adds r4, #1\n adds r5, #1\n eors r4, r5\n lsls r4, #1\n");
    TIMED("loads4", "ldr r4, [r7]\n ldr r5, [r7, #4]\n ldr r6, [r7, #8]\n ldr r3, [r7, #12]\n");
    TIMED("stores2", "str r4, [r7]\n str r5, [r7, #4]\n");
    TIMED("ldm4", "ldmia r7!, {r3, r4, r5, r6}\n subs r7, #16\n");
    TIMED("push_pop4", "push {r4, r5, r6, r7}\n pop {r4, r5, r6, r7}\n");
    TIMED("branch_taken", "cmp r4, r4\n beq 1f\n nop\n nop\n 1: nop\n");
    TIMED("branch_not_taken", "cmp r4, #1\n beq 1f\n nop\n nop\n 1: nop\n");
    TIMED("muls4", "muls r4, r5\n muls r4, r5\n muls r4, r5\n muls r4, r5\n");
    lab_done();
    return 0;
}
