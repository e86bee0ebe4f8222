/* An interrupt pended where the halfword before the PC looks like an IT instruction (a
 * data halfword 0xBF08 skipped by a branch): the lab runs one more block before taking it
 * (it cannot stack IT state), and must then take it -- not stop before that block forever. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define SWI0_IRQ 20

static volatile int handled;

void SWI0_IRQHandler(void) { handled++; }

int main(void)
{
    board_init();
    NVIC_ISER0 = 1u << SWI0_IRQ;
    __asm volatile("ldr r0, =0xE000E200\n"   /* NVIC_ISPR0: pend SWI0 */
                   "movs r1, #1\n"
                   "lsls r1, r1, #20\n"
                   "str r1, [r0]\n"
                   "b 1f\n"
                   ".hword 0xBF08\n"         /* never executed: looks like `IT` */
                   "1: nop\n"
                   "b 2f\n"                 /* the one block the lab runs first */
                   "2:\n"
                   ::: "r0", "r1", "memory");
    lab_event("it", "handled=%d", handled);
    lab_done();
    console_flush();
    return 0;
}
