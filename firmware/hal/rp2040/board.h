/* The lab's Raspberry Pi Pico board support: clocks, console, LED, timer, PWM. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H
#include <stddef.h>
#include <stdint.h>
#include "rp2040.h"

#define BOARD_NAME "pico"
#define CORE_CLOCK_HZ 125000000u   /* clk_sys from pll_sys, as the Pico SDK sets it */
#define XOSC_HZ 12000000u
/* What hello prints as the chip's part number (the nRF52's FICR INFO.PART): the RP2040
 * has no FICR; 0x2040 names the chip. */
#define FICR_INFO_PART 0x2040u
/* rtc_periodic_start counts ticks of this rate: the TIMER's 1 MHz (there is no 32 kHz
 * RTC tick on the Pico's HAL), so LFCLK_HZ / 4 is still a quarter second. */
#define LFCLK_HZ 1000000u

#define LED1_PIN 25u               /* the Pico's green LED, active high */

void board_init(void);           /* XOSC, PLL_SYS 125 MHz, console at 115200, LED off */
void clocks_start(void);
void console_init(void);
void console_write(const char *data, size_t length);
void console_flush(void);        /* returns when every byte has left the UART */
size_t console_read(char *buffer, size_t capacity); /* bytes received so far */
void leds_init(void);
void led_set(unsigned pin, int on);
void led_toggle(unsigned pin);

/* TIMER alarm 0 calls `handler` every `ticks` microseconds. */
void rtc_periodic_start(uint32_t ticks, void (*handler)(void));
void rtc_periodic_stop(void);
uint32_t rtc_counter(void);      /* TIMER's low word, microseconds */

/* LED brightness 0..1 through the PWM slice and channel of `pin` (GP25: slice 4 B). */
void led_pwm_init(unsigned pin);
void led_pwm_set(float brightness);

#endif
