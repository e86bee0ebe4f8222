/* Clocks as the Pico SDK's clocks_init() sets them (RP2040 datasheet §2.15-2.18):
 * XOSC 12 MHz -> clk_ref; PLL_SYS 12 MHz / 1 x 125 = 1500 MHz / 6 / 2 = 125 MHz ->
 * clk_sys; clk_peri = clk_sys; the watchdog tick = clk_ref / 12 = 1 MHz for the TIMER. */
#include "board.h"

#define XOSC_STARTUP_DELAY ((XOSC_HZ / 1000u + 128u) / 256u)   /* ~1 ms, as the SDK */

static void xosc_start(void)
{
    XOSC_CTRL = XOSC_CTRL_FREQ_1_15MHZ;
    XOSC_STARTUP = XOSC_STARTUP_DELAY;
    XOSC_CTRL = XOSC_CTRL_ENABLE | XOSC_CTRL_FREQ_1_15MHZ;
    while (!(XOSC_STATUS & XOSC_STATUS_STABLE))
        spin(500);                                /* poll about every 8 us */
}

static void pll_sys_start(void)
{
    REG_SET(RESETS_RESET) = RESET_PLL_SYS;        /* from a known state */
    reset_release(RESET_PLL_SYS);
    PLL_CS = 1u;                                  /* REFDIV 1 */
    PLL_FBDIV_INT = 125u;                         /* VCO 1500 MHz */
    REG_CLR(PLL_PWR) = PLL_PWR_PD | PLL_PWR_VCOPD;
    while (!(PLL_CS & PLL_CS_LOCK)) {
    }
    PLL_PRIM = (6u << 16) | (2u << 12);           /* POSTDIV1 6, POSTDIV2 2 */
    REG_CLR(PLL_PWR) = PLL_PWR_POSTDIVPD;
}

void clocks_start(void)
{
    xosc_start();
    REG32(CLK_REF_CTRL) = CLK_REF_SRC_XOSC;
    while (CLK_REF_SELECTED != (1u << CLK_REF_SRC_XOSC)) {
    }
    REG_CLR(CLK_SYS_CTRL) = CLK_SYS_SRC_AUX;       /* clk_sys on clk_ref while the PLL starts */
    while (CLK_SYS_SELECTED != 1u) {
    }
    pll_sys_start();
    CLK_SYS_DIV = 1u << 8;
    REG_CLR(CLK_SYS_CTRL) = CLK_SYS_AUXSRC_MASK;   /* aux: pll_sys */
    REG_SET(CLK_SYS_CTRL) = CLK_SYS_SRC_AUX;
    while (CLK_SYS_SELECTED != (1u << CLK_SYS_SRC_AUX)) {
    }
    CLK_PERI_CTRL = CLK_PERI_ENABLE;               /* clk_peri = clk_sys */
    WATCHDOG_TICK = WATCHDOG_TICK_ENABLE | (XOSC_HZ / 1000000u);
}
