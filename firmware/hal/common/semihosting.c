/* ARM semihosting calls: SYS_WRITE to the host's console, SYS_READ from it,
 * SYS_EXIT_EXTENDED. */
#include <stdint.h>
#include "board.h"

#define SYS_OPEN 0x01u
#define SYS_WRITE 0x05u
#define SYS_READ 0x06u
#define OPEN_MODE_READ 0u
#define OPEN_MODE_WRITE 4u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihosting_call(uint32_t operation, void *argument)
{
    register uint32_t r0 __asm("r0") = operation;
    register void *r1 __asm("r1") = argument;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* The host console is the special file ":tt": opened for writing it is the host's
 * output, for reading its input. */
static uint32_t open_console(uint32_t *handle, uint32_t mode)
{
    if (*handle == UINT32_MAX) {
        uint32_t block[3] = {(uint32_t)":tt", mode, 3u};
        *handle = semihosting_call(SYS_OPEN, block);
    }
    return *handle;
}

int _write(int fd, const char *data, int length)
{
    static uint32_t handle = UINT32_MAX;
    uint32_t block[3] = {open_console(&handle, OPEN_MODE_WRITE), (uint32_t)data,
                         (uint32_t)length};
    (void)fd;
    semihosting_call(SYS_WRITE, block);
    return length;
}

/* SYS_READ blocks until the host has typed something (QEMU reads its stdin; the lab
 * waits for Session.write_uart), so this returns at least one byte. */
size_t console_read(char *buffer, size_t capacity)
{
    static uint32_t handle = UINT32_MAX;
    uint32_t block[3] = {open_console(&handle, OPEN_MODE_READ), (uint32_t)buffer,
                         (uint32_t)capacity};
    uint32_t not_read = semihosting_call(SYS_READ, block);
    return not_read <= capacity ? capacity - not_read : 0;
}

void semihosting_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    semihosting_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}
