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

/* board_init starts the XOSC and PLL_SYS (125 MHz); rtc_periodic_start is TIMER alarm 0
 * and rtc_counter the TIMER's low word, in microseconds; led_pwm_init takes the PWM slice
 * and channel of `pin` (GP25: slice 4 B). */
#include "../common/board_api.h"

#endif
