/* The board's LEDs (board_config.h: pins, LED_ACTIVE_LOW) and a periodic RTC1 interrupt. */
#include "board.h"

static void (*rtc_handler)(void);
static uint32_t rtc_period;

void leds_init(void)
{
#ifdef LED_ROW_PIN
    /* a matrix: the LEDs are columns of the row this pin drives high */
    GPIO_OUTSET(GPIO_PORT_BASE(LED_ROW_PIN)) = GPIO_PIN_BIT(LED_ROW_PIN);
    GPIO_PIN_CNF(GPIO_PORT_BASE(LED_ROW_PIN), LED_ROW_PIN & 31u) = 1u;
#endif
    const unsigned pins[] = {LED1_PIN, LED2_PIN, LED3_PIN};
    for (unsigned i = 0; i < 3; i++) {
        led_set(pins[i], 0);
        GPIO_PIN_CNF(GPIO_PORT_BASE(pins[i]), pins[i] & 31u) = 1u;  /* output, input connected */
    }
}

void led_set(unsigned pin, int on)
{
    if (!on != !LED_ACTIVE_LOW)        /* high: lit if active high, dark if active low */
        GPIO_OUTSET(GPIO_PORT_BASE(pin)) = GPIO_PIN_BIT(pin);
    else
        GPIO_OUTCLR(GPIO_PORT_BASE(pin)) = GPIO_PIN_BIT(pin);
}

void led_toggle(unsigned pin)
{
    uint32_t base = GPIO_PORT_BASE(pin), mask = GPIO_PIN_BIT(pin);
    if (GPIO_OUT(base) & mask)
        GPIO_OUTCLR(base) = mask;
    else
        GPIO_OUTSET(base) = mask;
}

void RTC1_IRQHandler(void)
{
    if (RTC_EVENTS_COMPARE(RTC1_BASE, 0)) {
        RTC_EVENTS_COMPARE(RTC1_BASE, 0) = 0;
        RTC_CC(RTC1_BASE, 0) = (RTC_CC(RTC1_BASE, 0) + rtc_period) & 0xFFFFFFu;
        if (rtc_handler)
            rtc_handler();
    }
}

void rtc_periodic_start(uint32_t ticks, void (*handler)(void))
{
    rtc_handler = handler;
    rtc_period = ticks;
    RTC_PRESCALER(RTC1_BASE) = 0;
    RTC_TASKS_CLEAR(RTC1_BASE) = 1;
    RTC_CC(RTC1_BASE, 0) = ticks;
    RTC_INTENSET(RTC1_BASE) = RTC_INT_COMPARE(0);
    irq_priority(IRQ_RTC1, 5);
    irq_enable(IRQ_RTC1);
    RTC_TASKS_START(RTC1_BASE) = 1;
}

void rtc_periodic_stop(void)
{
    RTC_TASKS_STOP(RTC1_BASE) = 1;
    irq_disable(IRQ_RTC1);
}

uint32_t rtc_counter(void) { return RTC_COUNTER(RTC1_BASE); }

void board_init(void)
{
    clocks_start();
    console_init();
    leds_init();
}

/* delay_ms: RTC2 compare channel 0 wakes the core from WFI (drivers that must wait, e.g.
 * for a sensor's start-up, sleep instead of polling). RTC2 is the HAL's: apps and test
 * firmware use RTC0 and RTC1. */
static volatile int delay_done;

void RTC2_IRQHandler(void)
{
    if (RTC_EVENTS_COMPARE(RTC2_BASE, 0)) {
        RTC_EVENTS_COMPARE(RTC2_BASE, 0) = 0;
        delay_done = 1;
    }
}

void delay_ms(uint32_t ms)
{
    uint32_t ticks = (ms * LFCLK_HZ + 999u) / 1000u;
    delay_done = 0;
    RTC_PRESCALER(RTC2_BASE) = 0;
    RTC_TASKS_CLEAR(RTC2_BASE) = 1;
    RTC_CC(RTC2_BASE, 0) = ticks ? ticks : 1u;
    RTC_INTENSET(RTC2_BASE) = RTC_INT_COMPARE(0);
    irq_priority(IRQ_RTC2, 5);
    irq_enable(IRQ_RTC2);
    RTC_TASKS_START(RTC2_BASE) = 1;
    sleep_until_set(&delay_done);
    RTC_TASKS_STOP(RTC2_BASE) = 1;
    irq_disable(IRQ_RTC2);
}
