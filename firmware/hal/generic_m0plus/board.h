/* Generic Cortex-M0+ board support: just enough for compute benchmarks. Output and exit go through
 * semihosting, which the lab's embedded engine serves. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H
#include <stddef.h>
#include "cortexm.h"

#define BOARD_NAME "generic-m0plus"
#define CORE_CLOCK_HZ 48000000u

/* model_runner's buffers, for models up to 12 KiB that need up to 8 KiB of arena: its
 * defaults (136 + 80 KiB) are sized for the larger boards, this one has 32 KiB of RAM */
#define ARENA_BYTES (8u * 1024u)
#define MODEL_RAM_BYTES (12u * 1024u)

#include "../common/board_semihosting.h"

#endif
