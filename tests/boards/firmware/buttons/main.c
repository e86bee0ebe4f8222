/* Samples the micro:bit v2's buttons A and B every 10 ms (RTC1) and prints each change:
 * "button a pressed" / "button a released". The pins are inputs with their buffers
 * connected; the board's pull-ups hold them high until a button pulls one low. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

static volatile uint32_t ticks;
static void on_tick(void) { ticks++; }

static int pressed(unsigned pin)
{
    return (GPIO_IN(GPIO_PORT_BASE(pin)) & GPIO_PIN_BIT(pin)) == 0;   /* active low */
}

int main(void)
{
    board_init();
    const unsigned pins[2] = {BUTTON_A_PIN, BUTTON_B_PIN};
    const char names[2] = {'a', 'b'};
    int state[2] = {0, 0};
    for (int i = 0; i < 2; i++)
        GPIO_PIN_CNF(GPIO_PORT_BASE(pins[i]), pins[i] & 31u) = 0u;   /* input, connected */
    printf("buttons ready\n");
    rtc_periodic_start(LFCLK_HZ / 100u, on_tick);
    for (uint32_t seen = 0;;) {
        while (ticks == seen)
            cpu_wfi();
        seen = ticks;
        for (int i = 0; i < 2; i++) {
            int now = pressed(pins[i]);
            if (now != state[i]) {
                state[i] = now;
                printf("button %c %s\n", names[i], now ? "pressed" : "released");
            }
        }
    }
}
