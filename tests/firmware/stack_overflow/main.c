/* Recursion deeper than the 8 KB stack reserve: 1000 levels of 16 bytes. The engine
 * must stop it with a "stack overflow" fault naming recurse before it writes into the
 * data below the reserve. */
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

int main(void)
{
    board_init();
    lab_event("recursing", "levels=1001");
    console_flush();
    recurse(1000);
    lab_event("survived", "levels=1001");
    lab_done();
    console_flush();
    for (;;) {
    }
}
