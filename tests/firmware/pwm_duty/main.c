/* PWM0 on LED1 (P0.24) plays three compare values, ten periods each, then holds the last. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

#define PWM_REG(offset) NRF_REG(PWM0_BASE, offset)
static uint16_t sequence[3] = {0x8000u | 250u, 0x8000u | 500u, 750u};
static volatile int ended;

void PWM0_IRQHandler(void)
{
    if (PWM_REG(0x110)) { /* SEQEND[0] */
        PWM_REG(0x110) = 0;
        ended = 1;
    }
}

int main(void)
{
    board_init();
    PWM_REG(0x560) = LED1_PIN;          /* PSEL.OUT[0] */
    PWM_REG(0x500) = 1;                 /* ENABLE */
    PWM_REG(0x504) = 0;                 /* MODE up */
    PWM_REG(0x50C) = 0;                 /* PRESCALER: 16 MHz */
    PWM_REG(0x508) = 1000;              /* COUNTERTOP: 62.5 us periods */
    PWM_REG(0x510) = 0;                 /* DECODER: common, refresh count */
    PWM_REG(0x514) = 0;                 /* LOOP off */
    PWM_REG(0x520) = (uint32_t)sequence;
    PWM_REG(0x524) = 3;
    PWM_REG(0x528) = 9;                 /* each value for 10 periods */
    PWM_REG(0x52C) = 0;
    PWM_REG(0x304) = 1u << 4;           /* INTENSET SEQEND0 */
    irq_enable(IRQ_PWM0);
    PWM_REG(0x008) = 1;                 /* SEQSTART[0] */
    while (!ended)
        cpu_wfi();
    lab_event("pwm", "%s", "ended=1");
    lab_done();
    console_flush();
    return 0;
}
