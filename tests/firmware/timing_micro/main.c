/* Micro-benchmarks for the timing model: each sequence runs between two DWT CYCCNT reads
 * and is reported as `@lab timing name=<sequence> cycles=<span>`. The span is the first
 * read (an LDR), a NOP that keeps the sequence from pipelining behind it, and the
 * sequence: the counter is sampled before the second read runs. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define CYCCNT_ADDRESS 0xE0001004u
#if defined(__ARM_FP)
#define FP_CLOBBERS , "s0", "s1", "s2"
#else
#define FP_CLOBBERS
#endif

/* a sequence with its operands in r4-r11 (set from `in`), timed by CYCCNT */
#define TIMED(name, body)                                                              \
    do {                                                                               \
        uint32_t before, after;                                                        \
        __asm volatile("ldmia %2, {r4-r11}\n"                                          \
                       "nop\n"                                                         \
                       "ldr %0, [%3]\n"                                                \
                       "nop\n" body "ldr %1, [%3]\n"                                   \
                       : "=&r"(before), "=&r"(after)                                   \
                       : "r"(in), "r"(CYCCNT_ADDRESS), "r"(cells)                     \
                       : "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "cc",       \
                         "memory" FP_CLOBBERS);                                        \
        lab_event("timing", "name=%s cycles=%lu", name, (unsigned long)(after - before)); \
    } while (0)

static uint32_t cell;
static uint32_t cells[8] = {(uint32_t)&cell, 1, 2, 3, 4, 5, 6, 7};
static uint32_t in[8];

static void operands(uint32_t r4, uint32_t r5, uint32_t r6)
{
    in[0] = r4;
    in[1] = r5;
    in[2] = r6;
    in[3] = (uint32_t)cells; /* r7: a pointer to a pointer, then data */
}

int main(void)
{
    board_init();
    cycles_init();
    operands(0, 0, 0);
    /* the first span shares a block with cycles_init's CYCCNT writes, where the lab cannot
     * tell which instruction read the counter (DESIGN.md): a warm-up, not checked */
    TIMED("warm_up", "");
    TIMED("nothing", "");
    TIMED("alu4", "adds r4, #1\n adds r5, #1\n eors r6, r4\n lsls r4, #1\n");
    TIMED("loads4", "ldr r4, [r7]\n ldr r5, [r7, #4]\n ldr r6, [r7, #8]\n ldr r8, [r7, #12]\n");
    TIMED("load_dependent", "ldr r4, [r7]\n ldr r5, [r4]\n");
    TIMED("store_then_load", "str r5, [r7, #4]\n ldr r6, [r7, #8]\n");
    TIMED("store_register_offset", "str r5, [r7, r6]\n");
    TIMED("ldm8", "ldmia r7, {r4-r11}\n");
    TIMED("push_pop4", "push {r4-r7}\n pop {r4-r7}\n");
    TIMED("branch_taken", "cmp r4, r4\n beq 1f\n nop\n 1: nop\n");
    TIMED("branch_not_taken", "cmp r4, #1\n beq 1f\n nop\n 1: nop\n");
    TIMED("it_skipped", "cmp r4, #1\n it eq\n addeq r5, #1\n nop\n");
    TIMED("mul4", "mul r4, r5, r4\n mul r4, r5, r4\n mul r4, r5, r4\n mul r4, r5, r4\n");
    TIMED("mla4", "mla r4, r5, r6, r4\n mla r4, r5, r6, r4\n mla r4, r5, r6, r4\n"
                  " mla r4, r5, r6, r4\n");
    TIMED("umull4", "umull r4, r5, r6, r8\n umull r4, r5, r6, r8\n umull r4, r5, r6, r8\n"
                    " umull r4, r5, r6, r8\n");
#if defined(__ARM_FEATURE_DSP)
    TIMED("smlad4", "smlad r4, r5, r6, r4\n smlad r4, r5, r6, r4\n smlad r4, r5, r6, r4\n"
                    " smlad r4, r5, r6, r4\n");
#endif
    operands(0, 100, 7);
    TIMED("sdiv_100_7", "sdiv r4, r5, r6\n");
    operands(0, 5, 7);
    TIMED("sdiv_5_7", "sdiv r4, r5, r6\n");
    operands(0, 0x7FFFFFFFu, 1);
    TIMED("sdiv_large", "sdiv r4, r5, r6\n");
    operands(0, 0xFFFFFFFFu, 1);
    TIMED("udiv_largest", "udiv r4, r5, r6\n");
    operands(0, (uint32_t)-1000, 10);
    TIMED("sdiv_negative", "sdiv r4, r5, r6\n");
#if defined(__ARM_FP)
    TIMED("vdiv", "vdiv.f32 s0, s1, s2\n");
    TIMED("vsqrt", "vsqrt.f32 s0, s1\n");
    TIMED("vmla", "vmla.f32 s0, s1, s2\n");
#endif
    lab_done();
    console_flush();
    return 0;
}
