/* The Pico's LED on GP25 through SIO, and a periodic TIMER alarm 0 interrupt. */
#include "board.h"

static void (*timer_handler)(void);
static uint32_t timer_period;

void leds_init(void)
{
    SIO_GPIO_OUT_CLR = 1u << LED1_PIN;              /* off: the LED is active high */
    SIO_GPIO_OE_SET = 1u << LED1_PIN;
    REG_CLR(PADS_BANK0_GPIO(LED1_PIN)) = PADS_OD;
    IO_BANK0_GPIO_CTRL(LED1_PIN) = FUNC_SIO;
}

void led_set(unsigned pin, int on)
{
    if (on)
        SIO_GPIO_OUT_SET = 1u << pin;
    else
        SIO_GPIO_OUT_CLR = 1u << pin;
}

void led_toggle(unsigned pin) { SIO_GPIO_OUT_XOR = 1u << pin; }

void TIMER_IRQ_0_Handler(void)
{
    TIMER_INTR = 1u;                                 /* write 1 to clear */
    TIMER_ALARM(0) += timer_period;                  /* re-arms, without drift */
    if (timer_handler)
        timer_handler();
}

void rtc_periodic_start(uint32_t ticks, void (*handler)(void))
{
    timer_handler = handler;
    timer_period = ticks;
    REG_SET(TIMER_INTE) = 1u;
    irq_set_priority(IRQ_TIMER0, 1);
    irq_enable(IRQ_TIMER0);
    TIMER_ALARM(0) = TIMER_TIMERAWL + ticks;
}

void rtc_periodic_stop(void)
{
    TIMER_ARMED = 1u;                                /* write 1 to disarm */
    REG_CLR(TIMER_INTE) = 1u;
    irq_disable(IRQ_TIMER0);
}

uint32_t rtc_counter(void) { return TIMER_TIMELR; }

void board_init(void)
{
    clocks_start();
    reset_release(RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_TIMER | RESET_UART0);
    console_init();
    leds_init();
}
