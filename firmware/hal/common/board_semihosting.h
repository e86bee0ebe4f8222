/* What the boards whose console is semihosting (the MPS2 images, the generic Cortex-M0+)
 * give the apps: nothing to start, nothing to flush (a semihosting write returns when
 * the host has the bytes), console input and an exit code through the host
 * (semihosting.c). */
#ifndef LAB_BOARD_SEMIHOSTING_H
#define LAB_BOARD_SEMIHOSTING_H
#include <stddef.h>

static inline void board_init(void) {}
static inline void console_flush(void) {}
size_t console_read(char *buffer, size_t capacity); /* blocks for one byte at least */
void semihosting_exit(int status);

#endif
