/* MPS2 AN505 (Cortex-M33, Secure state): console and exit through semihosting, which QEMU
 * (-semihosting) and the lab's embedded engine both serve; LEDs in the FPGAIO block. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H

#define BOARD_NAME "mps2-an505"
#define CORE_CLOCK_HZ 20000000u
#define MPS2_IMAGE 0x505u
#define MPS2_FPGAIO_BASE 0x50302000u   /* the Secure alias of 0x40302000 */

#include "../common/mps2.h"

#endif
