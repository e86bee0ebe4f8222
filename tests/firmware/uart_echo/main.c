/* Echoes each line received on the console UART (UARTE0, RX by EasyDMA) until "quit":
 * a firmware for talking to through a serial port (`lab run --uart pty`). */
#include <stdio.h>
#include <string.h>
#include "board.h"
#include "lab.h"

/* Sleeps in WFI until a byte arrives (checked with interrupts off: no lost wake-up). */
static char next_byte(void)
{
    char c;
    while (console_read(&c, 1) == 0) {
        cpu_disable_irq();
        if (console_read(&c, 1) == 1) {
            cpu_enable_irq();
            break;
        }
        cpu_wfi();
        cpu_enable_irq();
    }
    return c;
}

static size_t read_line(char *line, size_t size)
{
    size_t length = 0;
    for (;;) {
        char c = next_byte();
        if (c == '\n' || c == '\r') {
            if (length)
                break;
            continue;
        }
        if (length + 1 < size)
            line[length++] = c;
    }
    line[length] = 0;
    return length;
}

int main(void)
{
    board_init();
    printf("echo: ready\n");
    console_flush();
    char line[96];
    for (;;) {
        size_t length = read_line(line, sizeof line);
        if (strcmp(line, "quit") == 0)
            break;
        printf("echo: %s\n", line);
        lab_event("echo", "bytes=%u", (unsigned)length);
        console_flush();
    }
    lab_done();
    console_flush();
    return 0;
}
