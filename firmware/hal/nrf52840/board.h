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

/* PDM microphone (MP34DT05 on P0.26 CLK / P0.25 DIN), 16 kHz mono, EasyDMA into two
 * buffers of `samples` each; `on_buffer` runs in the PDM interrupt for every full one. */
typedef void (*mic_handler)(const int16_t *samples, size_t count);
void mic_start(int16_t *buffers, size_t samples, mic_handler on_buffer);
void mic_stop(void);
/* By default the PDM interrupt re-arms the next buffer as soon as STARTED fires. With
 * rearm_from_caller set, mic_rearm_pending() says a buffer is due and mic_rearm() arms it. */
extern volatile int mic_rearm_from_caller;
int mic_rearm_pending(void);
void mic_rearm(void);

/* TWIM0 on the internal I2C bus (P0.15 SCL, P0.14 SDA), 400 kHz. Return 0, or the
 * ERRORSRC bits (2 = address NACK, 4 = data NACK). */
int i2c_write(uint8_t address, const uint8_t *data, size_t length);
int i2c_write_read(uint8_t address, const uint8_t *data, size_t length, uint8_t *into,
                   size_t count);

/* LED brightness 0..1 through PWM0 (16 kHz; the LED is active low). */
void led_pwm_init(unsigned pin);
void led_pwm_set(float brightness);

/* LSM9DS1 accelerometer/gyroscope at 0x6B: 119 Hz, +-4 g, FIFO in continuous mode. */
int imu_init(void);                       /* 0, or -1 when WHO_AM_I is not 0x68 */
int imu_fifo_status(uint8_t *fifo_src);   /* FIFO_SRC: [5:0] level, [6] overrun */
int imu_read_accel(int16_t xyz[3]);       /* the oldest FIFO entry's accelerometer part */

#endif
