/* MPS2 AN386 (Cortex-M4F): console and exit through semihosting, which QEMU
 * (-semihosting) and the lab's embedded engine both serve; LEDs in the FPGAIO block. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H

#define BOARD_NAME "mps2-an386"
#define CORE_CLOCK_HZ 25000000u
#define MPS2_IMAGE 0x386u
#define MPS2_FPGAIO_BASE 0x40028000u

#include "../common/mps2.h"

#endif
