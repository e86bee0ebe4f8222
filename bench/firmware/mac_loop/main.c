/* mac_loop: a compute-bound int8 multiply-accumulate loop (~460 M instructions) for the
 * engine speed benchmark (bench/mips.py). Builds for every board with a HAL. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#ifndef ROUNDS
#define ROUNDS 200000
#endif
#define LENGTH 256

static volatile int8_t a[LENGTH], b[LENGTH];

__attribute__((noinline)) static int32_t dot_rounds(int rounds)
{
    int32_t acc = 0;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < LENGTH; i++)
            acc += a[i] * b[i];
    return acc;
}

int main(void)
{
    board_init();
    for (int i = 0; i < LENGTH; i++) {
        a[i] = (int8_t)i;
        b[i] = (int8_t)(3 - i);
    }
    int32_t acc = dot_rounds(ROUNDS);
    lab_event("mac", "rounds=%d result=%ld", ROUNDS, (long)acc);
    lab_done();
    console_flush();
    return 0;
}
