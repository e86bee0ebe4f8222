/* RP2040 registers the lab's HAL uses (RP2040 datasheet; section numbers per block).
 * Written for the lab: addresses and fields from the datasheet's register tables. */
#ifndef LAB_RP2040_H
#define LAB_RP2040_H
#include <stdint.h>
#include "cortexm.h"

/* §2.1.2: every APB register also answers at +0x1000 (XOR), +0x2000 (SET), +0x3000 (CLR) */
#define REG_XOR(addr) REG32((addr) + 0x1000u)
#define REG_SET(addr) REG32((addr) + 0x2000u)
#define REG_CLR(addr) REG32((addr) + 0x3000u)

/* §2.14 RESETS */
#define RESETS_BASE 0x4000C000u
#define RESETS_RESET (RESETS_BASE + 0x0u)
#define RESETS_RESET_DONE (RESETS_BASE + 0x8u)
#define RESET_IO_BANK0 (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PLL_SYS (1u << 12)
#define RESET_PWM (1u << 14)
#define RESET_TIMER (1u << 21)
#define RESET_UART0 (1u << 22)

/* §2.16 XOSC */
#define XOSC_BASE 0x40024000u
#define XOSC_CTRL REG32(XOSC_BASE + 0x00u)
#define XOSC_STATUS REG32(XOSC_BASE + 0x04u)
#define XOSC_STARTUP REG32(XOSC_BASE + 0x0Cu)
#define XOSC_CTRL_ENABLE (0xFABu << 12)
#define XOSC_CTRL_FREQ_1_15MHZ 0xAA0u
#define XOSC_STATUS_STABLE (1u << 31)

/* §2.18 PLL_SYS */
#define PLL_SYS_BASE 0x40028000u
#define PLL_CS REG32(PLL_SYS_BASE + 0x0u)
#define PLL_PWR (PLL_SYS_BASE + 0x4u)
#define PLL_FBDIV_INT REG32(PLL_SYS_BASE + 0x8u)
#define PLL_PRIM REG32(PLL_SYS_BASE + 0xCu)
#define PLL_CS_LOCK (1u << 31)
#define PLL_PWR_PD (1u << 0)
#define PLL_PWR_POSTDIVPD (1u << 3)
#define PLL_PWR_VCOPD (1u << 5)

/* §2.15 CLOCKS */
#define CLOCKS_BASE 0x40008000u
#define CLK_REF_CTRL (CLOCKS_BASE + 0x30u)
#define CLK_REF_SELECTED REG32(CLOCKS_BASE + 0x38u)
#define CLK_SYS_CTRL (CLOCKS_BASE + 0x3Cu)
#define CLK_SYS_DIV REG32(CLOCKS_BASE + 0x40u)
#define CLK_SYS_SELECTED REG32(CLOCKS_BASE + 0x44u)
#define CLK_PERI_CTRL REG32(CLOCKS_BASE + 0x48u)
#define CLK_REF_SRC_XOSC 2u
#define CLK_SYS_SRC_AUX 1u
#define CLK_SYS_AUXSRC_MASK (7u << 5)     /* 0: pll_sys */
#define CLK_PERI_ENABLE (1u << 11)        /* AUXSRC 0: clk_sys */

/* §4.7 WATCHDOG tick */
#define WATCHDOG_TICK REG32(0x4005802Cu)
#define WATCHDOG_TICK_ENABLE (1u << 9)

/* §4.6 TIMER */
#define TIMER_BASE 0x40054000u
#define TIMER_TIMELR REG32(TIMER_BASE + 0x0Cu)
#define TIMER_TIMERAWL REG32(TIMER_BASE + 0x28u)
#define TIMER_ALARM(n) REG32(TIMER_BASE + 0x10u + 4u * (n))
#define TIMER_ARMED REG32(TIMER_BASE + 0x20u)
#define TIMER_INTR REG32(TIMER_BASE + 0x34u)
#define TIMER_INTE (TIMER_BASE + 0x38u)

/* §4.2 UART0 (PL011) */
#define UART0_BASE 0x40034000u
#define UART_DR REG32(UART0_BASE + 0x000u)
#define UART_FR REG32(UART0_BASE + 0x018u)
#define UART_IBRD REG32(UART0_BASE + 0x024u)
#define UART_FBRD REG32(UART0_BASE + 0x028u)
#define UART_LCR_H REG32(UART0_BASE + 0x02Cu)
#define UART_CR REG32(UART0_BASE + 0x030u)
#define UART_IFLS REG32(UART0_BASE + 0x034u)
#define UART_IMSC (UART0_BASE + 0x038u)
#define UART_MIS REG32(UART0_BASE + 0x040u)
#define UART_ICR REG32(UART0_BASE + 0x044u)
#define UART_FR_BUSY (1u << 3)
#define UART_FR_RXFE (1u << 4)
#define UART_FR_TXFF (1u << 5)
#define UART_LCR_H_FEN (1u << 4)
#define UART_LCR_H_WLEN_8 (3u << 5)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_TXE (1u << 8)
#define UART_CR_RXE (1u << 9)
#define UART_INT_RX (1u << 4)
#define UART_INT_TX (1u << 5)
#define UART_INT_RT (1u << 6)

/* §2.3.1 SIO (no atomic aliases: its own SET/CLR/XOR registers) */
#define SIO_BASE 0xD0000000u
#define SIO_CPUID REG32(SIO_BASE + 0x000u)
#define SIO_GPIO_OUT REG32(SIO_BASE + 0x010u)
#define SIO_GPIO_OUT_SET REG32(SIO_BASE + 0x014u)
#define SIO_GPIO_OUT_CLR REG32(SIO_BASE + 0x018u)
#define SIO_GPIO_OUT_XOR REG32(SIO_BASE + 0x01Cu)
#define SIO_GPIO_OE_SET REG32(SIO_BASE + 0x024u)

/* §2.19 IO_BANK0 and PADS_BANK0 */
#define IO_BANK0_GPIO_CTRL(pin) REG32(0x40014004u + 8u * (pin))
#define PADS_BANK0_GPIO(pin) (0x4001C004u + 4u * (pin))
#define PADS_IE (1u << 6)
#define PADS_OD (1u << 7)
#define FUNC_UART 2u
#define FUNC_PWM 4u
#define FUNC_SIO 5u

/* §4.5 PWM: slice n at 0x14 * n */
#define PWM_BASE 0x40050000u
#define PWM_CSR(n) REG32(PWM_BASE + 0x14u * (n) + 0x0u)
#define PWM_DIV(n) REG32(PWM_BASE + 0x14u * (n) + 0x4u)
#define PWM_CC(n) REG32(PWM_BASE + 0x14u * (n) + 0xCu)
#define PWM_TOP(n) REG32(PWM_BASE + 0x14u * (n) + 0x10u)
#define PWM_CSR_EN (1u << 0)

/* §2.3.2 interrupts */
enum { IRQ_TIMER0 = 0, IRQ_TIMER1 = 1, IRQ_TIMER2 = 2, IRQ_TIMER3 = 3, IRQ_PWM_WRAP = 4,
       IRQ_UART0 = 20, IRQ_UART1 = 21 };

/* ARMv6-M: NVIC_IPR is word-accessible only; priorities 0..3 in bits [7:6] */
static inline void irq_set_priority(unsigned irq, unsigned priority)
{
    volatile uint32_t *ipr = (volatile uint32_t *)(0xE000E400u + 4u * (irq / 4u));
    unsigned shift = 8u * (irq % 4u) + 6u;
    *ipr = (*ipr & ~(3u << shift)) | ((priority & 3u) << shift);
}

/* Busy-wait `iterations` loop turns without touching the bus: the pause
 * between two polls of a status register (each poll is a bus access; the lab serves
 * those in Python, so a tight poll loop is what makes a simulation slow). */
static inline void spin(uint32_t iterations)
{
    while (iterations--)
        __asm volatile("" ::: "memory");     /* keeps the loop: nothing to optimise away */
}

static inline void reset_release(uint32_t blocks)
{
    REG_CLR(RESETS_RESET) = blocks;
    while ((REG32(RESETS_RESET_DONE) & blocks) != blocks) {
    }
}

#endif
