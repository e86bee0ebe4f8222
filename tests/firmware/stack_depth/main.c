/* Recursion of a known depth: recurse(n) takes 16 bytes of stack per level (push of two
 * registers, 8 bytes of locals) for n + 1 levels, so a call of recurse(n) reaches
 * (n + 1) * 16 bytes below the SP it was called with. Two calls: 100 and 10 levels
 * deep, then 2000 bytes from malloc (the heap's high-water). */
#include <stdlib.h>
#include "board.h"
#include "lab.h"

__attribute__((naked, noinline)) unsigned recurse(unsigned n)
{
    __asm volatile("push {r4, lr}\n"
                   "sub sp, #8\n"
                   "str r0, [sp]\n"
                   "cbz r0, 1f\n"
                   "subs r0, r0, #1\n"
                   "bl recurse\n"
                   "1:\n"
                   "add sp, #8\n"
                   "pop {r4, pc}\n");
}

/* The heap's first allocation (before any printf buffer), in a function of its own. */
__attribute__((noinline)) void *allocate(unsigned bytes)
{
    return malloc(bytes);
}

int main(void)
{
    board_init();
    recurse(100);
    recurse(10);
    volatile char *block = allocate(2000);
    block[0] = 1;
    lab_event("recursed", "levels=101,11");
    lab_done();
    console_flush();
    for (;;) {
    }
}
