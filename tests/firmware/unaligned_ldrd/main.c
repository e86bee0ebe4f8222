/* LDRD from an address that is not word aligned: the core always traps this. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

static uint8_t bytes[16] __attribute__((aligned(4)));

__attribute__((noinline)) uint32_t load_pair(const uint8_t *address)
{
    uint32_t low, high;
    __asm volatile("ldrd %0, %1, [%2]" : "=r"(low), "=r"(high) : "r"(address) : "memory");
    return low + high;
}

int main(void)
{
    board_init();
    uint32_t sum = load_pair(bytes + 2);
    lab_event("ldrd", "sum=%lu", (unsigned long)sum);
    lab_done();
    console_flush();
    return 0;
}
