/* A PendSV context switch between two threads, each on its own stack through PSP. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define STACK_WORDS 1024
static uint32_t stack_a[STACK_WORDS] __attribute__((aligned(8)));
static uint32_t stack_b[STACK_WORDS] __attribute__((aligned(8)));
static uint32_t *saved_sp[2];
static unsigned current;
static char trace[16];
static volatile unsigned length;
static volatile int psp_ok = 1;

uint32_t *switch_context(uint32_t *sp)
{
    saved_sp[current] = sp;
    current ^= 1u;
    return saved_sp[current];
}

__attribute__((naked)) void PendSV_Handler(void)
{
    __asm volatile("mrs r0, psp\n"
                   "stmdb r0!, {r4-r11}\n"
                   "push {r3, lr}\n"
                   "bl switch_context\n"
                   "pop {r3, lr}\n"
                   "ldmia r0!, {r4-r11}\n"
                   "msr psp, r0\n"
                   "bx lr\n");
}

static void yield(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
    cpu_dsb();
    cpu_isb();
}

static void check_stack(const uint32_t *stack)
{
    uint32_t psp, control;
    __asm volatile("mrs %0, psp\nmrs %1, control" : "=r"(psp), "=r"(control));
    if (!(control & 2u) || psp < (uint32_t)stack || psp > (uint32_t)(stack + STACK_WORDS))
        psp_ok = 0;
}

static void thread_b(void)
{
    for (;;) {
        trace[length++] = 'B';
        check_stack(stack_b);
        yield();
    }
}

static void thread_a(void)
{
    for (int i = 0; i < 4; i++) {
        trace[length++] = 'A';
        check_stack(stack_a);
        yield();
    }
    trace[length] = 0;
    lab_event("switch", "trace=%s psp_ok=%d", trace, psp_ok);
    lab_done();
    console_flush();
    for (;;)
        cpu_wfi();
}

int main(void)
{
    board_init();
    SCB_SHPR(EXC_PENDSV) = 0xE0; /* lowest priority */
    /* thread B starts from a frame as exception entry would have stacked it */
    uint32_t *sp = stack_b + STACK_WORDS - 16;
    for (int i = 0; i < 16; i++)
        sp[i] = 0;
    sp[8 + 6] = (uint32_t)thread_b; /* PC */
    sp[8 + 7] = 1u << 24;           /* xPSR: Thumb */
    saved_sp[1] = sp;
    current = 0;
    /* thread A runs here, on PSP */
    uint32_t top = (uint32_t)(stack_a + STACK_WORDS);
    __asm volatile("msr psp, %0\n"
                   "movs r0, #2\n"
                   "msr control, r0\n"
                   "isb\n" ::"r"(top)
                   : "r0", "memory");
    thread_a();
    return 0;
}
