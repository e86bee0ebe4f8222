/* Generic Cortex-M0+ board support: just enough for compute benchmarks. Output and exit go through
 * semihosting, which the lab's embedded engine serves. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H
#include <stddef.h>
#include "cortexm.h"
#include "board_config.h"   /* model_runner's buffer sizes for its 32 KiB of RAM */

#define BOARD_NAME "generic-m0plus"
#define CORE_CLOCK_HZ 48000000u

#include "../common/board_semihosting.h"

#endif
