/* MPS2 AN386 support: just enough for compute benchmarks. Output and exit go through
 * semihosting, which QEMU (-semihosting) and the lab's embedded engine both serve. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H
#include <stddef.h>
#include "cortexm.h"

#define BOARD_NAME "mps2-an386"
#define CORE_CLOCK_HZ 25000000u

#include "../common/board_semihosting.h"

#endif
