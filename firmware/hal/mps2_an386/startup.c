/* MPS2 AN386 start-up: vector table, .data/.bss, FPU, main(), semihosting exit. */
#include <stdint.h>
#include <string.h>
#include "board.h"

extern uint32_t _estack, _etext, _sdata, _edata, _sbss, _ebss;
extern int main(void);
extern void __libc_init_array(void);
void Reset_Handler(void);
void Default_Handler(void) { for (;;) {} }

__attribute__((section(".isr_vector"), used)) const void *vector_table[16] = {
    &_estack, Reset_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0,
    Default_Handler, Default_Handler,
};

void Reset_Handler(void)
{
    memcpy(&_sdata, &_etext, (size_t)((char *)&_edata - (char *)&_sdata));
    memset(&_sbss, 0, (size_t)((char *)&_ebss - (char *)&_sbss));
    SCB_CPACR |= 0xFu << 20;
    cpu_dsb();
    cpu_isb();
    __libc_init_array();
    semihosting_exit(main());
}
