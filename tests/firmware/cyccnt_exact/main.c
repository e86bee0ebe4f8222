/* CYCCNT read before and after a loop of a known instruction count (2 + 2 * N). */
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define N 1000

int main(void)
{
    board_init();
    cycles_init();
    uint32_t before, after;
    __asm volatile(".global cyccnt_read_before\n"
                   ".global cyccnt_read_after\n"
                   "ldr r1, =0xE0001004\n"
                   "cyccnt_read_before: ldr %0, [r1]\n"
                   "movw r2, %2\n"
                   "1: subs r2, #1\n"
                   "bne 1b\n"
                   "cyccnt_read_after: ldr %1, [r1]\n"
                   : "=&r"(before), "=&r"(after)
                   : "i"(N)
                   : "r1", "r2", "cc");
    lab_event("cyccnt", "cycles=%lu expected=%d", (unsigned long)(after - before), 2 + 2 * N);
    lab_done();
    console_flush();
    return 0;
}
