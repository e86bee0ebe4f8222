/* The LED matrix (boards whose board_config.h names MATRIX_ROW_PINS and MATRIX_COL_PINS):
 * rows light while driven high, columns while driven low; one row at a time, from TIMER2's
 * compare interrupt, 2 ms each. */
#include "board.h"
#ifdef MATRIX_ROW_PINS

#define SIZE 5u
#define ROW_TICKS 2000u                        /* 1 MHz timer: 2 ms per row */

static const unsigned row_pins[SIZE] = {MATRIX_ROW_PINS};
static const unsigned col_pins[SIZE] = {MATRIX_COL_PINS};
static uint8_t shown[SIZE];
static unsigned row;

static void set_pin(unsigned pin, int high)
{
    if (high)
        GPIO_OUTSET(GPIO_PORT_BASE(pin)) = GPIO_PIN_BIT(pin);
    else
        GPIO_OUTCLR(GPIO_PORT_BASE(pin)) = GPIO_PIN_BIT(pin);
}

static void all_dark(void)
{
    for (unsigned i = 0; i < SIZE; i++) {
        set_pin(row_pins[i], 0);
        set_pin(col_pins[i], 1);
    }
}

void TIMER2_IRQHandler(void)
{
    TIMER_EVENTS_COMPARE(TIMER2_BASE, 0) = 0;
    set_pin(row_pins[row], 0);                 /* the previous row off, then the next one */
    row = (row + 1) % SIZE;
    for (unsigned c = 0; c < SIZE; c++)
        set_pin(col_pins[c], !(shown[row] >> (SIZE - 1 - c) & 1u));
    set_pin(row_pins[row], 1);
}

void display_show(const uint8_t rows[5])
{
    for (unsigned i = 0; i < SIZE; i++) {
        shown[i] = rows[i];
        GPIO_PIN_CNF(GPIO_PORT_BASE(row_pins[i]), row_pins[i] & 31u) = 1u;
        GPIO_PIN_CNF(GPIO_PORT_BASE(col_pins[i]), col_pins[i] & 31u) = 1u;
    }
    all_dark();
    row = SIZE - 1;
    TIMER_MODE(TIMER2_BASE) = 0;               /* timer */
    TIMER_BITMODE(TIMER2_BASE) = 0;            /* 16 bits */
    TIMER_PRESCALER(TIMER2_BASE) = 4;          /* 16 MHz / 16 = 1 MHz */
    TIMER_CC(TIMER2_BASE, 0) = ROW_TICKS;
    TIMER_SHORTS(TIMER2_BASE) = TIMER_SHORT_COMPARE_CLEAR(0);
    TIMER_INTENSET(TIMER2_BASE) = TIMER_INT_COMPARE(0);
    irq_priority(IRQ_TIMER2, 6);
    irq_enable(IRQ_TIMER2);
    TIMER_TASKS_CLEAR(TIMER2_BASE) = 1;
    TIMER_TASKS_START(TIMER2_BASE) = 1;
}

void display_clear(void)
{
    TIMER_TASKS_STOP(TIMER2_BASE) = 1;
    TIMER_INTENCLR(TIMER2_BASE) = TIMER_INT_COMPARE(0);
    irq_disable(IRQ_TIMER2);
    all_dark();
    leds_init();                               /* the LEDs' row as led_set() expects it */
}
#endif
