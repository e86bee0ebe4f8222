/* What the MPS2 images' HALs share: console and exit through semihosting, the user
 * LEDs of the FPGAIO block and a periodic tick from SysTick (the images' timers are not
 * modelled; SysTick is, on both engines). Each HAL's board.h sets BOARD_NAME,
 * CORE_CLOCK_HZ, MPS2_IMAGE (the application note's number) and MPS2_FPGAIO_BASE, then
 * includes this. */
#ifndef LAB_MPS2_H
#define LAB_MPS2_H
#include <stddef.h>
#include "cortexm.h"

#define FICR_INFO_PART MPS2_IMAGE     /* what `hello` prints as the part */
#define LFCLK_HZ CORE_CLOCK_HZ        /* rtc_periodic_start counts core clock cycles */
#define LED1_PIN 0u                   /* FPGAIO LED0 bit 0 */
#define LED2_PIN 1u
/* leds_fpgaio.c has the SysTick handler, weak: an app that takes SysTick for itself
 * (and blinks no LED) defines its own */
#define HAL_SYSTICK_HANDLER 1

#include "board_semihosting.h"

void led_set(unsigned pin, int on);
void led_toggle(unsigned pin);
/* handler() every `ticks` core clock cycles (at most 2^24), from the SysTick interrupt */
void rtc_periodic_start(uint32_t ticks, void (*handler)(void));
void rtc_periodic_stop(void);
uint32_t rtc_counter(void);     /* core clock cycles counted by the periodic tick */

#endif
