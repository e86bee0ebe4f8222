/* The lab's HAL for the nRF52 family (nRF52840, nRF52833): clocks, console, LEDs, RTC,
 * PDM microphone, TWIM, PWM. What differs per board (pins, LEDs' polarity, the IMU's
 * axes) comes from the board's board_config.h (firmware/boards/<board>/). */
#ifndef LAB_BOARD_H
#define LAB_BOARD_H
#include <stddef.h>
#include <stdint.h>
#include "nrf52.h"
#include "board_config.h"

#define BOARD_NAME LAB_BOARD      /* the platform's name, from the build */
#define CORE_CLOCK_HZ 64000000u
/* rtc_periodic_start: RTC1 compare channel 0, in LFCLK ticks (32768 Hz).
 * board_init starts the HFXO and LFXO. */
#define LFCLK_HZ 32768u
#include "../common/board_api.h"

/* Sleeps `ms` milliseconds (RTC2, at least one 32768 Hz tick). */
void delay_ms(uint32_t ms);

/* PDM microphone (MIC_CLK_PIN, MIC_DIN_PIN), 16 kHz mono, EasyDMA into two
 * buffers of `samples` each; `on_buffer` runs in the PDM interrupt for every full one. */
typedef void (*mic_handler)(const int16_t *samples, size_t count);
void mic_start(int16_t *buffers, size_t samples, mic_handler on_buffer);
void mic_stop(void);
/* By default the PDM interrupt re-arms the next buffer as soon as STARTED fires. With
 * rearm_from_caller set, mic_rearm_pending() says a buffer is due and mic_rearm() arms it. */
extern volatile int mic_rearm_from_caller;
int mic_rearm_pending(void);
void mic_rearm(void);

/* TWIM0 on the internal I2C bus (I2C_SCL_PIN, I2C_SDA_PIN), 400 kHz. Return 0, or the
 * ERRORSRC bits (2 = address NACK, 4 = data NACK). */
int i2c_write(uint8_t address, const uint8_t *data, size_t length);
int i2c_write_read(uint8_t address, const uint8_t *data, size_t length, uint8_t *into,
                   size_t count);

/* led_pwm_init/led_pwm_set (board_api.h) drive PWM0 at 16 kHz. */

/* The accelerometer (firmware/drivers/imu.h), on boards that have one. */
#include "imu.h"

#endif
