/* A loop run from flash with the nRF52840's I-Code cache off, then on: CYCCNT and the
 * cache's IHIT/IMISS counters around each run, as `@lab flash cache=<0|1> cycles=
 * ihit= imiss=`. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define CYCCNT_ADDRESS 0xE0001004u
#define TURNS 100

static void timed_loop(int cache)
{
    uint32_t before, after;
    NVMC_ICACHECNF = cache ? (NVMC_ICACHECNF_CACHEEN | NVMC_ICACHECNF_CACHEPROFEN) : 0;
    NVMC_IHIT = 0;
    NVMC_IMISS = 0;
    /* three blocks: A (one line) reads CYCCNT; the loop L (one line, 14 bytes, 4 words);
     * C reads CYCCNT again, starting in L's line and ending in the next (2 words) */
    __asm volatile("b 1f\n"
                   ".balign 16\n"
                   "1: movs r2, %3\n"
                   "ldr %0, [%2]\n"
                   "b 2f\n"
                   ".balign 16\n"
                   "2: nop\n nop\n nop\n nop\n nop\n"
                   "subs r2, #1\n"
                   "bne 2b\n"
                   "nop\n"
                   "ldr %1, [%2]\n"
                   "b 3f\n"
                   "3:\n"
                   : "=&r"(before), "=&r"(after)
                   : "r"(CYCCNT_ADDRESS), "i"(TURNS)
                   : "r2", "cc");
    uint32_t hits = NVMC_IHIT, misses = NVMC_IMISS;
    lab_event("flash", "cache=%d cycles=%lu ihit=%lu imiss=%lu", cache,
              (unsigned long)(after - before), (unsigned long)hits, (unsigned long)misses);
}

int main(void)
{
    board_init();
    cycles_init();
    timed_loop(0);
    timed_loop(1);
    lab_done();
    console_flush();
    return 0;
}
