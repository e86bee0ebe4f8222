/* ARM semihosting calls: SYS_WRITE to the host's stdout, SYS_EXIT_EXTENDED. */
#include <stdint.h>
#include "board.h"

#define SYS_OPEN 0x01u
#define SYS_WRITE 0x05u
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

/* The host console is the special file ":tt", opened for writing. */
static uint32_t console_handle(void)
{
    static uint32_t handle = UINT32_MAX;
    if (handle == UINT32_MAX) {
        uint32_t block[3] = {(uint32_t)":tt", OPEN_MODE_WRITE, 3u};
        handle = semihosting_call(SYS_OPEN, block);
    }
    return handle;
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
