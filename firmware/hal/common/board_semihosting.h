/* What the boards with only memory and semihosting (MPS2, the generic Cortex-M0+) give
 * the apps besides their clock: nothing to start, nothing to flush (a semihosting write
 * returns when the host has the bytes), and an exit code to the host (semihosting.c). */
#ifndef LAB_BOARD_SEMIHOSTING_H
#define LAB_BOARD_SEMIHOSTING_H

static inline void board_init(void) {}
static inline void console_flush(void) {}
void semihosting_exit(int status);

#endif
