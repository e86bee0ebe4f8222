/* The lab's nRF52840 board support: clocks, console, LEDs, RTC. */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H
#include <stddef.h>
#include <stdint.h>
#include "nrf52840.h"

#define BOARD_NAME "nrf52840"
#define CORE_CLOCK_HZ 64000000u
#define LFCLK_HZ 32768u

/* Arduino Nano 33 BLE Sense RGB LED (active low) */
#define LED1_PIN 24u
#define LED2_PIN 16u
#define LED3_PIN 6u

void board_init(void);           /* HFXO, LFXO, console at 115200 baud, LEDs off */
void clocks_start(void);
void console_init(void);
void console_write(const char *data, size_t length);
void console_flush(void);        /* returns when every byte has left the UART */
size_t console_read(char *buffer, size_t capacity); /* bytes received so far */
void leds_init(void);
void led_set(unsigned pin, int on);
void led_toggle(unsigned pin);

/* RTC1 compare channel 0 calls `handler` every `ticks` LFCLK ticks (32768 Hz). */
void rtc_periodic_start(uint32_t ticks, void (*handler)(void));
void rtc_periodic_stop(void);
uint32_t rtc_counter(void);

#endif
