/* LED brightness through PWM (RP2040 datasheet §4.5), as Arduino-Pico's analogWrite:
 * the pin's slice counts 0..999 at 1 MHz (clk_sys / 125): a 1 kHz period; the channel's
 * compare value is the number of counts the (active high) LED is on. */
#include "board.h"

#define WRAP_TOP 999u
#define PWM_DIV_INT 125u                 /* 125 MHz / 125 = 1 MHz counts */

static unsigned slice, channel_b;

void led_pwm_init(unsigned pin)
{
    slice = (pin >> 1) & 7u;             /* §4.5.2.1: GPIO 2n/2n+16 -> A, 2n+1/2n+17 -> B */
    channel_b = pin & 1u;
    reset_release(RESET_PWM | RESET_IO_BANK0 | RESET_PADS_BANK0);
    PWM_CSR(slice) = 0;
    PWM_DIV(slice) = PWM_DIV_INT << 4;
    PWM_TOP(slice) = WRAP_TOP;
    PWM_CC(slice) = 0;
    REG_CLR(PADS_BANK0_GPIO(pin)) = PADS_OD;
    IO_BANK0_GPIO_CTRL(pin) = FUNC_PWM;
    PWM_CSR(slice) = PWM_CSR_EN;
}

void led_pwm_set(float brightness)
{
    if (brightness < 0.0f)
        brightness = 0.0f;
    if (brightness > 1.0f)
        brightness = 1.0f;
    uint32_t level = (uint32_t)(brightness * (float)(WRAP_TOP + 1u) + 0.5f);
    uint32_t shift = channel_b ? 16u : 0u;
    PWM_CC(slice) = (PWM_CC(slice) & ~(0xFFFFu << shift)) | (level << shift);
}
