/* ARM semihosting calls: SYS_WRITE to the host's stdout, SYS_READ from its input,
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

/* The host console is the special file ":tt": opened for writing, and for reading. */
static uint32_t open_console(uint32_t mode)
{
    uint32_t block[3] = {(uint32_t)":tt", mode, 3u};
    return semihosting_call(SYS_OPEN, block);
}

static uint32_t console_handle(void)
{
    static uint32_t handle = UINT32_MAX;
    if (handle == UINT32_MAX)
        handle = open_console(OPEN_MODE_WRITE);
    return handle;
}

/* What the host has typed so far (the lab's embedded engine answers at once; SYS_READ
 * returns the number of bytes it did not read). */
size_t console_read(char *buffer, size_t capacity)
{
    static uint32_t input = UINT32_MAX;
    if (input == UINT32_MAX)
        input = open_console(OPEN_MODE_READ);
    uint32_t block[3] = {input, (uint32_t)buffer, (uint32_t)capacity};
    uint32_t not_read = semihosting_call(SYS_READ, block);
    return not_read > capacity ? 0u : capacity - not_read;
}

int _write(int fd, const char *data, int length)
{
    uint32_t block[3] = {console_handle(), (uint32_t)data, (uint32_t)length};
    (void)fd;
    semihosting_call(SYS_WRITE, block);
    return length;
}

void semihosting_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    semihosting_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}
