/* What the apps call on every board with a console and LEDs (the nRF52 and RP2040 HALs);
 * the board's board.h includes it after its clock and pin definitions. */
#ifndef LAB_BOARD_API_H
#define LAB_BOARD_API_H
#include <stddef.h>
#include <stdint.h>

void board_init(void);           /* clocks, console at 115200 baud, LEDs off */
void clocks_start(void);
void console_init(void);
void console_write(const char *data, size_t length);
void console_flush(void);        /* returns when every byte has left the UART */
size_t console_read(char *buffer, size_t capacity); /* bytes received so far */
void leds_init(void);
void led_set(unsigned pin, int on);
void led_toggle(unsigned pin);

/* Calls `handler` every `ticks` ticks of LFCLK_HZ (board.h says which timer counts them). */
void rtc_periodic_start(uint32_t ticks, void (*handler)(void));
void rtc_periodic_stop(void);
uint32_t rtc_counter(void);

/* LED brightness 0..1 through a PWM channel (LED_ACTIVE_LOW says the LED's polarity). */
void led_pwm_init(unsigned pin);
void led_pwm_set(float brightness);

#endif
