/* What every HAL's start-up file shares: the linker script's symbols, the weak handler
 * names an application overrides (aliases of the file's Default_Handler), the vector
 * type, and .data/.bss set up before main(). */
#ifndef LAB_STARTUP_H
#define LAB_STARTUP_H
#include <stdint.h>
#include <string.h>

extern uint32_t _estack, _sdata, _edata, _sbss, _ebss;
extern int main(void);
extern void __libc_init_array(void);
void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")))

typedef void (*vector_t)(void);

/* .data copied from where the image holds it (`load`), .bss zeroed. */
static inline void init_data_and_bss(const uint32_t *load)
{
    memcpy(&_sdata, load, (size_t)((char *)&_edata - (char *)&_sdata));
    memset(&_sbss, 0, (size_t)((char *)&_ebss - (char *)&_sbss));
}

#endif
