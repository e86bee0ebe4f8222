/* hello: the lab's first firmware. Prints a banner, measures a fixed loop with the
 * DWT cycle counter, blinks LED1 from an RTC interrupt while sleeping, then reports done. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define BLINK_TICKS (LFCLK_HZ / 4u) /* toggle every 250 ms */
#define BLINKS 8

static volatile int toggles;

static void on_rtc_tick(void)
{
    led_toggle(LED1_PIN);
    toggles++;
}

static uint32_t measure_fixed_loop(void)
{
    volatile uint32_t sink = 0;
    uint32_t start = cycles_now();
    for (uint32_t i = 0; i < 1000u; i++)
        sink += i * i;
    return cycles_now() - start;
}

int main(void)
{
    board_init();
    printf("\nVirtual MCU Lab: hello from %s (FICR part %lx)\n", BOARD_NAME,
           (unsigned long)FICR_INFO_PART);
    lab_event("boot", "board=%s app=hello", BOARD_NAME);

    cycles_init();
    uint32_t cycles = measure_fixed_loop();
    printf("fixed loop: %lu cycles\n", (unsigned long)cycles);
    lab_event("loop", "cycles_loop=%lu", (unsigned long)cycles);

    rtc_periodic_start(BLINK_TICKS, on_rtc_tick);
    while (toggles < BLINKS)
        cpu_wfi();
    rtc_periodic_stop();
    printf("LED1 toggled %d times at 4 Hz (RTC1 counter %lu)\n", toggles,
           (unsigned long)rtc_counter());
    lab_done();
    console_flush();
    return 0;
}
