/* RP2040 start-up: the vector table boot2 points VTOR at (0x10000100, right after
 * boot2), .data/.bss initialisation, then main(). Core 0 only. */
#include "rp2040.h"
#include "../common/startup.h"

extern uint32_t _sidata;         /* where .data's initial values are (rp2040.ld) */

/* Faults spin: the lab sees a fault handler that does not return and reports it. */
void Default_Handler(void) { for (;;) {} }

WEAK_HANDLER(NMI_Handler); WEAK_HANDLER(HardFault_Handler); WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(PendSV_Handler); WEAK_HANDLER(SysTick_Handler);
/* §2.3.2: IRQ 0..25 */
WEAK_HANDLER(TIMER_IRQ_0_Handler); WEAK_HANDLER(TIMER_IRQ_1_Handler);
WEAK_HANDLER(TIMER_IRQ_2_Handler); WEAK_HANDLER(TIMER_IRQ_3_Handler);
WEAK_HANDLER(PWM_IRQ_WRAP_Handler); WEAK_HANDLER(USBCTRL_IRQ_Handler);
WEAK_HANDLER(XIP_IRQ_Handler); WEAK_HANDLER(PIO0_IRQ_0_Handler); WEAK_HANDLER(PIO0_IRQ_1_Handler);
WEAK_HANDLER(PIO1_IRQ_0_Handler); WEAK_HANDLER(PIO1_IRQ_1_Handler); WEAK_HANDLER(DMA_IRQ_0_Handler);
WEAK_HANDLER(DMA_IRQ_1_Handler); WEAK_HANDLER(IO_IRQ_BANK0_Handler); WEAK_HANDLER(IO_IRQ_QSPI_Handler);
WEAK_HANDLER(SIO_IRQ_PROC0_Handler); WEAK_HANDLER(SIO_IRQ_PROC1_Handler);
WEAK_HANDLER(CLOCKS_IRQ_Handler); WEAK_HANDLER(SPI0_IRQ_Handler); WEAK_HANDLER(SPI1_IRQ_Handler);
WEAK_HANDLER(UART0_IRQ_Handler); WEAK_HANDLER(UART1_IRQ_Handler); WEAK_HANDLER(ADC_IRQ_FIFO_Handler);
WEAK_HANDLER(I2C0_IRQ_Handler); WEAK_HANDLER(I2C1_IRQ_Handler); WEAK_HANDLER(RTC_IRQ_Handler);

__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16 + 26] = {
    (vector_t)&_estack, Reset_Handler, NMI_Handler, HardFault_Handler, 0, 0, 0, 0, 0, 0, 0,
    SVC_Handler, 0, 0, PendSV_Handler, SysTick_Handler,
    TIMER_IRQ_0_Handler, TIMER_IRQ_1_Handler, TIMER_IRQ_2_Handler, TIMER_IRQ_3_Handler,
    PWM_IRQ_WRAP_Handler, USBCTRL_IRQ_Handler, XIP_IRQ_Handler, PIO0_IRQ_0_Handler,
    PIO0_IRQ_1_Handler, PIO1_IRQ_0_Handler, PIO1_IRQ_1_Handler, DMA_IRQ_0_Handler,
    DMA_IRQ_1_Handler, IO_IRQ_BANK0_Handler, IO_IRQ_QSPI_Handler, SIO_IRQ_PROC0_Handler,
    SIO_IRQ_PROC1_Handler, CLOCKS_IRQ_Handler, SPI0_IRQ_Handler, SPI1_IRQ_Handler,
    UART0_IRQ_Handler, UART1_IRQ_Handler, ADC_IRQ_FIFO_Handler, I2C0_IRQ_Handler,
    I2C1_IRQ_Handler, RTC_IRQ_Handler,
};

void Reset_Handler(void)
{
    init_data_and_bss(&_sidata);
    __libc_init_array();
    main();
    for (;;)
        cpu_wfi();
}
