/* An interrupt handler that uses the FPU, interrupting thread code that uses the FPU:
 * both must compute what they compute with interrupts off (FP-extended frames). */
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define STEPS 20000
static volatile uint32_t interrupts;
static volatile int handler_ok = 1;

static volatile float seed_x = 1.0f, seed_y = 0.5f; /* not constants: no folding */

static float thread_work(void)
{
    float x = seed_x, y = seed_y;
    for (int i = 0; i < STEPS; i++) {
        x = x * 1.0001f + y;
        y = y * 0.9999f - 0.25f * x * 1e-6f;
    }
    return x + y;
}

void TIMER0_IRQHandler(void)
{
    TIMER_EVENTS_COMPARE(TIMER0_BASE, 0) = 0;
    interrupts++;
    /* scribble over every caller-saved FP register, then compute something */
    __asm volatile("vmov.f32 s0, #-1.0\nvmov.f32 s1, #2.0\nvmov.f32 s2, #3.0\n"
                   "vmov.f32 s3, #4.0\nvmov.f32 s4, #5.0\nvmov.f32 s5, #6.0\n"
                   "vmov.f32 s6, #7.0\nvmov.f32 s7, #8.0\nvmov.f32 s8, #9.0\n"
                   "vmov.f32 s9, #10.0\nvmov.f32 s10, #11.0\nvmov.f32 s11, #12.0\n"
                   "vmov.f32 s12, #13.0\nvmov.f32 s13, #14.0\nvmov.f32 s14, #15.0\n"
                   "vmov.f32 s15, #16.0\n"
                   "vmrs r0, fpscr\norr r0, r0, #0x00C00000\nvmsr fpscr, r0\n" /* round to zero */
                   ::: "r0", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
                   "s10", "s11", "s12", "s13", "s14", "s15", "memory");
    volatile float a = 3.0f;
    float b = a * a + 0.5f;
    if (b != 9.5f)
        handler_ok = 0;
}

int main(void)
{
    board_init();
    float reference = thread_work();

    TIMER_PRESCALER(TIMER0_BASE) = 0;  /* 16 MHz */
    TIMER_BITMODE(TIMER0_BASE) = 3;    /* 32 bit */
    TIMER_CC(TIMER0_BASE, 0) = 97;     /* every ~6 us: hundreds of interruptions */
    TIMER_SHORTS(TIMER0_BASE) = 1u;    /* COMPARE0 -> CLEAR */
    TIMER_INTENSET(TIMER0_BASE) = 1u << 16;
    irq_priority(IRQ_TIMER0, 1);
    irq_enable(IRQ_TIMER0);
    TIMER_TASKS_START(TIMER0_BASE) = 1;
    float interrupted = thread_work();
    TIMER_TASKS_STOP(TIMER0_BASE) = 1;
    irq_disable(IRQ_TIMER0);

    uint32_t a, b, fpscr;
    memcpy(&a, &reference, 4);
    memcpy(&b, &interrupted, 4);
    __asm volatile("vmrs %0, fpscr" : "=r"(fpscr));
    lab_event("fpu", "match=%d reference=0x%08lx interrupted=0x%08lx interrupts=%lu handler_ok=%d "
              "rmode=%lu", a == b, (unsigned long)a, (unsigned long)b,
              (unsigned long)interrupts, handler_ok, (unsigned long)((fpscr >> 22) & 3u));
    lab_done();
    console_flush();
    return 0;
}
