/* Cortex-M core registers and intrinsics (ARMv7-M ARM, chapter B3), written for the lab. */
#ifndef LAB_CORTEXM_H
#define LAB_CORTEXM_H
#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))
#define REG8(addr) (*(volatile uint8_t *)(addr))

/* NVIC */
#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) REG32(0xE000E180u + 4u * (n))
#define NVIC_ISPR(n) REG32(0xE000E200u + 4u * (n))
#define NVIC_ICPR(n) REG32(0xE000E280u + 4u * (n))
#define NVIC_IABR(n) REG32(0xE000E300u + 4u * (n))
#define NVIC_IPR(irq) REG8(0xE000E400u + (irq))
#define NVIC_STIR REG32(0xE000EF00u)

/* SCB */
#define SCB_CPUID REG32(0xE000ED00u)
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_SCR REG32(0xE000ED10u)
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_SHPR(n) REG8(0xE000ED18u + (n) - 4u) /* n = system exception number 4..15 */
#define SCB_SHCSR REG32(0xE000ED24u)
#define SCB_CFSR REG32(0xE000ED28u)
#define SCB_HFSR REG32(0xE000ED2Cu)
#define SCB_MMFAR REG32(0xE000ED34u)
#define SCB_BFAR REG32(0xE000ED38u)
#define SCB_CPACR REG32(0xE000ED88u)
#define COREDEBUG_DEMCR REG32(0xE000EDFCu)
#define FPU_FPCCR REG32(0xE000EF34u)
#define ICSR_PENDSVSET (1u << 28)
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_SYSRESETREQ (1u << 2)
#define SCR_SLEEPONEXIT (1u << 1)
#define SHCSR_USGFAULTENA (1u << 18)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_MEMFAULTENA (1u << 16)
#define CCR_USERSETMPEND (1u << 1)
#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP (1u << 4)
#define CFSR_PRECISERR (1u << 9)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_UNALIGNED (1u << 24)
#define CFSR_DIVBYZERO (1u << 25)
#define HFSR_FORCED (1u << 30)
#define DEMCR_TRCENA (1u << 24)

/* SysTick */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)

/* DWT */
#define DWT_CTRL REG32(0xE0001000u)
#define DWT_CYCCNT REG32(0xE0001004u)

/* System exception numbers, for SCB_SHPR */
enum { EXC_MEMMANAGE = 4, EXC_BUSFAULT = 5, EXC_USAGEFAULT = 6, EXC_SVCALL = 11,
       EXC_PENDSV = 14, EXC_SYSTICK = 15 };

static inline void irq_enable(unsigned irq) { NVIC_ISER(irq >> 5) = 1u << (irq & 31u); }
static inline void irq_disable(unsigned irq) { NVIC_ICER(irq >> 5) = 1u << (irq & 31u); }
static inline void irq_pend(unsigned irq) { NVIC_ISPR(irq >> 5) = 1u << (irq & 31u); }
/* priority 0 (highest) .. 7 on a core with 3 priority bits */
static inline void irq_priority(unsigned irq, unsigned priority) { NVIC_IPR(irq) = (uint8_t)(priority << 5); }

static inline void cpu_disable_irq(void) { __asm volatile("cpsid i" ::: "memory"); }
static inline void cpu_enable_irq(void) { __asm volatile("cpsie i" ::: "memory"); }
static inline void cpu_wfi(void) { __asm volatile("wfi" ::: "memory"); }
static inline void cpu_dsb(void) { __asm volatile("dsb" ::: "memory"); }
static inline void cpu_isb(void) { __asm volatile("isb" ::: "memory"); }
/* Sleep until an interrupt handler sets *flag. PRIMASK closes the gap between the test
 * and WFI: an interrupt pending by then still wakes WFI, and is taken after CPSIE. */
static inline void sleep_until_set(volatile int *flag)
{
    while (!*flag) {
        cpu_disable_irq();
        if (!*flag)
            cpu_wfi();
        cpu_enable_irq();
    }
}
/* CONTROL: nPRIV (thread mode unprivileged), SPSEL (thread mode on PSP), FPCA */
#define CONTROL_NPRIV (1u << 0)
#define CONTROL_SPSEL (1u << 1)
static inline uint32_t cpu_control(void)
{
    uint32_t value;
    __asm volatile("mrs %0, control" : "=r"(value));
    return value;
}
static inline void cpu_set_control(uint32_t value)
{
    __asm volatile("msr control, %0\nisb" ::"r"(value) : "memory");
}
static inline uint32_t cpu_ipsr(void)
{
    uint32_t value;
    __asm volatile("mrs %0, ipsr" : "=r"(value));
    return value;
}

#if defined(__ARM_ARCH_6M__)
/* ARMv6-M (Cortex-M0/M0+) has no DWT cycle counter: the board's HAL counts cycles
 * (with SysTick on the RP2040, firmware/hal/rp2040/cycles.c). */
void cycles_init(void);
uint32_t cycles_now(void);
#else
/* DWT cycle counter, as TFLite Micro's profiler uses it on hardware */
static inline void cycles_init(void)
{
    COREDEBUG_DEMCR |= DEMCR_TRCENA;
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;
}
static inline uint32_t cycles_now(void) { return DWT_CYCCNT; }
#endif

#endif
