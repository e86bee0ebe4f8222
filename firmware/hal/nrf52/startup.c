/* nRF52 start-up: vector table, .data/.bss initialisation, FPU enable, then main(). */
#include "nrf52.h"
#include "../common/startup.h"

extern uint32_t _etext;          /* where .data's initial values are (nrf52_sections.ld) */

/* Faults spin: the lab sees a fault handler that does not return and reports the
 * fault (kind, status registers, PC, LR, function names). */
void Default_Handler(void) { for (;;) {} }

WEAK_HANDLER(NMI_Handler); WEAK_HANDLER(HardFault_Handler); WEAK_HANDLER(MemManage_Handler);
WEAK_HANDLER(BusFault_Handler); WEAK_HANDLER(UsageFault_Handler); WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(DebugMon_Handler); WEAK_HANDLER(PendSV_Handler); WEAK_HANDLER(SysTick_Handler);
WEAK_HANDLER(POWER_CLOCK_IRQHandler); WEAK_HANDLER(RADIO_IRQHandler);
WEAK_HANDLER(UARTE0_IRQHandler); WEAK_HANDLER(TWIM0_IRQHandler); WEAK_HANDLER(TWIM1_IRQHandler);
WEAK_HANDLER(NFCT_IRQHandler); WEAK_HANDLER(GPIOTE_IRQHandler); WEAK_HANDLER(SAADC_IRQHandler);
WEAK_HANDLER(TIMER0_IRQHandler); WEAK_HANDLER(TIMER1_IRQHandler); WEAK_HANDLER(TIMER2_IRQHandler);
WEAK_HANDLER(RTC0_IRQHandler); WEAK_HANDLER(TEMP_IRQHandler); WEAK_HANDLER(RNG_IRQHandler);
WEAK_HANDLER(ECB_IRQHandler); WEAK_HANDLER(CCM_AAR_IRQHandler); WEAK_HANDLER(WDT_IRQHandler);
WEAK_HANDLER(RTC1_IRQHandler); WEAK_HANDLER(QDEC_IRQHandler); WEAK_HANDLER(COMP_IRQHandler);
WEAK_HANDLER(SWI0_IRQHandler); WEAK_HANDLER(SWI1_IRQHandler); WEAK_HANDLER(SWI2_IRQHandler);
WEAK_HANDLER(SWI3_IRQHandler); WEAK_HANDLER(SWI4_IRQHandler); WEAK_HANDLER(SWI5_IRQHandler);
WEAK_HANDLER(TIMER3_IRQHandler); WEAK_HANDLER(TIMER4_IRQHandler); WEAK_HANDLER(PWM0_IRQHandler);
WEAK_HANDLER(PDM_IRQHandler); WEAK_HANDLER(MWU_IRQHandler); WEAK_HANDLER(PWM1_IRQHandler);
WEAK_HANDLER(PWM2_IRQHandler); WEAK_HANDLER(SPIM2_IRQHandler); WEAK_HANDLER(RTC2_IRQHandler);
WEAK_HANDLER(I2S_IRQHandler); WEAK_HANDLER(FPU_IRQHandler); WEAK_HANDLER(USBD_IRQHandler);
WEAK_HANDLER(UARTE1_IRQHandler); WEAK_HANDLER(QSPI_IRQHandler); WEAK_HANDLER(CRYPTOCELL_IRQHandler);
WEAK_HANDLER(PWM3_IRQHandler); WEAK_HANDLER(SPIM3_IRQHandler);

__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16 + 48] = {
    (vector_t)&_estack, Reset_Handler, NMI_Handler, HardFault_Handler, MemManage_Handler,
    BusFault_Handler, UsageFault_Handler, 0, 0, 0, 0, SVC_Handler, DebugMon_Handler, 0,
    PendSV_Handler, SysTick_Handler,
    /* IRQ 0.. */
    POWER_CLOCK_IRQHandler, RADIO_IRQHandler, UARTE0_IRQHandler, TWIM0_IRQHandler,
    TWIM1_IRQHandler, NFCT_IRQHandler, GPIOTE_IRQHandler, SAADC_IRQHandler, TIMER0_IRQHandler,
    TIMER1_IRQHandler, TIMER2_IRQHandler, RTC0_IRQHandler, TEMP_IRQHandler, RNG_IRQHandler,
    ECB_IRQHandler, CCM_AAR_IRQHandler, WDT_IRQHandler, RTC1_IRQHandler, QDEC_IRQHandler,
    COMP_IRQHandler, SWI0_IRQHandler, SWI1_IRQHandler, SWI2_IRQHandler, SWI3_IRQHandler,
    SWI4_IRQHandler, SWI5_IRQHandler, TIMER3_IRQHandler, TIMER4_IRQHandler, PWM0_IRQHandler,
    PDM_IRQHandler, 0, 0, MWU_IRQHandler, PWM1_IRQHandler, PWM2_IRQHandler, SPIM2_IRQHandler,
    RTC2_IRQHandler, I2S_IRQHandler, FPU_IRQHandler, USBD_IRQHandler, UARTE1_IRQHandler,
    QSPI_IRQHandler, CRYPTOCELL_IRQHandler, 0, 0, PWM3_IRQHandler, 0, SPIM3_IRQHandler,
};

void Reset_Handler(void)
{
    init_data_and_bss(&_etext);
    SCB_CPACR |= 0xFu << 20; /* full access to CP10/CP11: the FPU */
    NVMC_ICACHECNF = NVMC_ICACHECNF_CACHEEN; /* the flash cache, as production firmware does */
    cpu_dsb();
    cpu_isb();
    __libc_init_array();
    main();
    for (;;)
        cpu_wfi();
}
