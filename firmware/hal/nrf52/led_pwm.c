/* LED brightness through PWM0, as Arduino's analogWrite does it on the nRF52: a
 * one-value sequence the PWM keeps applying after it has played. */
#include "board.h"

#define PWM_REG(offset) NRF_REG(PWM0_BASE, offset)
#define COUNTERTOP 1000u                  /* 16 MHz / 1000 = 16 kHz */
#define POLARITY_FALLING 0x8000u          /* output starts high, falls at the compare */

static uint16_t sequence[1];

void led_pwm_init(unsigned pin)
{
    PWM_REG(0x560) = pin;                 /* PSEL.OUT[0] */
    PWM_REG(0x504) = 0;                   /* MODE: up */
    PWM_REG(0x50C) = 0;                   /* PRESCALER: 16 MHz */
    PWM_REG(0x508) = COUNTERTOP;
    PWM_REG(0x510) = 0;                   /* DECODER: common, refresh count */
    PWM_REG(0x514) = 0;                   /* LOOP: off */
    PWM_REG(0x520) = (uint32_t)sequence;  /* SEQ[0].PTR */
    PWM_REG(0x524) = 1;                   /* SEQ[0].CNT */
    PWM_REG(0x528) = 0;                   /* SEQ[0].REFRESH */
    PWM_REG(0x52C) = 0;                   /* SEQ[0].ENDDELAY */
    PWM_REG(0x500) = 1;                   /* ENABLE */
}

void led_pwm_set(float brightness)
{
    if (brightness < 0.0f)
        brightness = 0.0f;
    if (brightness > 1.0f)
        brightness = 1.0f;
    /* active low: the LED is lit while the pin is low, after the compare */
    float lit_high = LED_ACTIVE_LOW ? 1.0f - brightness : brightness;
    uint32_t high_ticks = (uint32_t)(lit_high * (float)COUNTERTOP + 0.5f);
    sequence[0] = (uint16_t)(POLARITY_FALLING | high_ticks);
    PWM_REG(0x008) = 1;                   /* TASKS_SEQSTART[0] */
}
