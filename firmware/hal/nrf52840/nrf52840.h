/* nRF52840 peripheral registers used by the lab's HAL (addresses: Nordic nRF52840 PS / MDK,
 * as recorded in the project's reference notes). */
#ifndef LAB_NRF52840_H
#define LAB_NRF52840_H
#include "cortexm.h"

#define NRF_REG(base, offset) REG32((base) + (offset))

/* peripheral bases and their IRQ numbers (IRQ = (base >> 12) & 0x3F) */
#define CLOCK_BASE 0x40000000u
#define UARTE0_BASE 0x40002000u
#define TWIM0_BASE 0x40003000u
#define TIMER0_BASE 0x40008000u
#define TIMER1_BASE 0x40009000u
#define RTC0_BASE 0x4000B000u
#define RTC1_BASE 0x40011000u
#define PWM0_BASE 0x4001C000u
#define PDM_BASE 0x4001D000u
#define GPIO_P0_BASE 0x50000000u
#define GPIO_P1_BASE 0x50000300u
#define FICR_BASE 0x10000000u
enum { IRQ_POWER_CLOCK = 0, IRQ_UARTE0 = 2, IRQ_TWIM0 = 3, IRQ_TIMER0 = 8, IRQ_TIMER1 = 9,
       IRQ_RTC0 = 11, IRQ_RTC1 = 17, IRQ_SWI0 = 20, IRQ_SWI1 = 21, IRQ_SWI2 = 22,
       IRQ_SWI3 = 23, IRQ_PWM0 = 28, IRQ_PDM = 29 };

/* CLOCK */
#define CLOCK_TASKS_HFCLKSTART NRF_REG(CLOCK_BASE, 0x000)
#define CLOCK_TASKS_LFCLKSTART NRF_REG(CLOCK_BASE, 0x008)
#define CLOCK_EVENTS_HFCLKSTARTED NRF_REG(CLOCK_BASE, 0x100)
#define CLOCK_EVENTS_LFCLKSTARTED NRF_REG(CLOCK_BASE, 0x104)
#define CLOCK_INTENSET NRF_REG(CLOCK_BASE, 0x304)
#define CLOCK_INTENCLR NRF_REG(CLOCK_BASE, 0x308)
#define CLOCK_LFCLKSRC NRF_REG(CLOCK_BASE, 0x518)
#define POWER_RESETREAS NRF_REG(CLOCK_BASE, 0x400)
#define LFCLKSRC_XTAL 1u

/* UARTE */
#define UARTE_TASKS_STARTRX(b) NRF_REG(b, 0x000)
#define UARTE_TASKS_STOPRX(b) NRF_REG(b, 0x004)
#define UARTE_TASKS_STARTTX(b) NRF_REG(b, 0x008)
#define UARTE_TASKS_STOPTX(b) NRF_REG(b, 0x00C)
#define UARTE_EVENTS_ENDRX(b) NRF_REG(b, 0x110)
#define UARTE_EVENTS_ENDTX(b) NRF_REG(b, 0x120)
#define UARTE_EVENTS_RXSTARTED(b) NRF_REG(b, 0x14C)
#define UARTE_INTENSET(b) NRF_REG(b, 0x304)
#define UARTE_ENABLE(b) NRF_REG(b, 0x500)
#define UARTE_PSEL_TXD(b) NRF_REG(b, 0x50C)
#define UARTE_PSEL_RXD(b) NRF_REG(b, 0x514)
#define UARTE_BAUDRATE(b) NRF_REG(b, 0x524)
#define UARTE_RXD_PTR(b) NRF_REG(b, 0x534)
#define UARTE_RXD_MAXCNT(b) NRF_REG(b, 0x538)
#define UARTE_RXD_AMOUNT(b) NRF_REG(b, 0x53C)
#define UARTE_TXD_PTR(b) NRF_REG(b, 0x544)
#define UARTE_TXD_MAXCNT(b) NRF_REG(b, 0x548)
#define UARTE_ENABLE_UARTE 8u
#define UARTE_BAUD_115200 0x01D60000u
#define UARTE_INT_ENDRX (1u << 4)
#define UARTE_INT_ENDTX (1u << 8)

/* RTC */
#define RTC_TASKS_START(b) NRF_REG(b, 0x000)
#define RTC_TASKS_STOP(b) NRF_REG(b, 0x004)
#define RTC_TASKS_CLEAR(b) NRF_REG(b, 0x008)
#define RTC_EVENTS_COMPARE(b, n) NRF_REG(b, 0x140 + 4u * (n))
#define RTC_INTENSET(b) NRF_REG(b, 0x304)
#define RTC_COUNTER(b) NRF_REG(b, 0x504)
#define RTC_PRESCALER(b) NRF_REG(b, 0x508)
#define RTC_CC(b, n) NRF_REG(b, 0x540 + 4u * (n))
#define RTC_INT_COMPARE(n) (1u << (16 + (n)))

/* TIMER */
#define TIMER_TASKS_START(b) NRF_REG(b, 0x000)
#define TIMER_TASKS_STOP(b) NRF_REG(b, 0x004)
#define TIMER_TASKS_CLEAR(b) NRF_REG(b, 0x00C)
#define TIMER_TASKS_CAPTURE(b, n) NRF_REG(b, 0x040 + 4u * (n))
#define TIMER_EVENTS_COMPARE(b, n) NRF_REG(b, 0x140 + 4u * (n))
#define TIMER_SHORTS(b) NRF_REG(b, 0x200)
#define TIMER_INTENSET(b) NRF_REG(b, 0x304)
#define TIMER_MODE(b) NRF_REG(b, 0x504)
#define TIMER_BITMODE(b) NRF_REG(b, 0x508)
#define TIMER_PRESCALER(b) NRF_REG(b, 0x510)
#define TIMER_CC(b, n) NRF_REG(b, 0x540 + 4u * (n))

/* GPIO */
#define GPIO_OUT(b) NRF_REG(b, 0x504)
#define GPIO_OUTSET(b) NRF_REG(b, 0x508)
#define GPIO_OUTCLR(b) NRF_REG(b, 0x50C)
#define GPIO_IN(b) NRF_REG(b, 0x510)
#define GPIO_DIRSET(b) NRF_REG(b, 0x518)
#define GPIO_PIN_CNF(b, n) NRF_REG(b, 0x700 + 4u * (n))

/* FICR */
#define FICR_DEVICEID0 NRF_REG(FICR_BASE, 0x060)
#define FICR_INFO_PART NRF_REG(FICR_BASE, 0x100)

#endif
