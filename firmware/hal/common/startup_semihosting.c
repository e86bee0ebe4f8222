/* Start-up of the boards that only have memory and semihosting (MPS2 AN385/AN386, the
 * generic Cortex-M0+): vector table, .data/.bss, the FPU where the core has one, main(),
 * semihosting exit. */
#include "board.h"
#include "startup.h"

extern uint32_t _etext;          /* where .data's initial values are (the board's .ld) */

/* Exceptions without a handler spin: the lab reports a fault that is not handled. */
void Default_Handler(void) { for (;;) {} }

WEAK_HANDLER(NMI_Handler); WEAK_HANDLER(HardFault_Handler); WEAK_HANDLER(MemManage_Handler);
WEAK_HANDLER(BusFault_Handler); WEAK_HANDLER(UsageFault_Handler); WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(DebugMon_Handler); WEAK_HANDLER(PendSV_Handler);
#if !defined(HAL_SYSTICK_HANDLER)    /* the HAL's own otherwise (weak too: see board.h) */
WEAK_HANDLER(SysTick_Handler);
#else
void SysTick_Handler(void);
#endif

__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16] = {
    (vector_t)&_estack, Reset_Handler, NMI_Handler, HardFault_Handler, MemManage_Handler,
    BusFault_Handler, UsageFault_Handler, 0, 0, 0, 0, SVC_Handler, DebugMon_Handler, 0,
    PendSV_Handler, SysTick_Handler,
};

void Reset_Handler(void)
{
    init_data_and_bss(&_etext);
#if defined(__ARM_FP)
    SCB_CPACR |= 0xFu << 20;   /* CP10 and CP11: full access */
#endif
    cpu_dsb();
    cpu_isb();
    __libc_init_array();
    semihosting_exit(main());
}
