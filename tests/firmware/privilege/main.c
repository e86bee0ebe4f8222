/* Unprivileged thread mode, as FreeRTOS-MPU, Zephyr user mode and Mbed use it. Code that set
 * CONTROL.nPRIV cannot change CONTROL, PRIMASK, BASEPRI, FAULTMASK or MSP (MSR is ignored),
 * reads MSP as 0, takes a BusFault on every System Control Space access (a HardFault while
 * BusFault is disabled), stays unprivileged through an interrupt, and gets its privilege back
 * through an SVC whose handler clears nPRIV. Once on the main stack, once on the process stack.
 *
 * Cross-checked with QEMU (mps2-an386): everything is printed from privileged code (QEMU
 * serves semihosting to privileged code only) and nothing printed depends on timing. */
#include <stdint.h>
#include "board.h"
#include "lab.h"

#define MAX_FAULTS 6u
#define FPB_CTRL REG32(0xE0002000u) /* Flash Patch and Breakpoint unit (not modelled) */

static volatile uint32_t fault_count, fault_cfsr, fault_hfsr, fault_bfar[MAX_FAULTS];
static volatile uint32_t svc_control, ticks;
/* what the unprivileged code saw */
static volatile uint32_t user_control, user_control_after_msr, user_msp, user_control_after_tick;
static uint32_t process_stack[256] __attribute__((aligned(8)));

/* Fault handlers record what happened and skip the faulting instruction. */
void fault_record(uint32_t *frame)
{
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    if (fault_count < MAX_FAULTS)
        fault_bfar[fault_count] = (cfsr & CFSR_BFARVALID) ? SCB_BFAR : 0u;
    fault_count++;
    fault_cfsr |= cfsr;
    fault_hfsr |= hfsr;
    SCB_CFSR = cfsr; /* write 1 to clear */
    SCB_HFSR = hfsr;
    uint16_t first = *(uint16_t *)frame[6];
    frame[6] += ((first >> 11) >= 0x1Du) ? 4u : 2u;
}

#define WITH_FRAME(handler) "tst lr, #4\nite eq\nmrseq r0, msp\nmrsne r0, psp\nb " handler "\n"
__attribute__((naked)) void BusFault_Handler(void) { __asm volatile(WITH_FRAME("fault_record")); }
__attribute__((naked)) void HardFault_Handler(void) { __asm volatile(WITH_FRAME("fault_record")); }

/* The system call that gives thread mode its privilege back. */
void SVC_Handler(void)
{
    svc_control = cpu_control();
    cpu_set_control(svc_control & ~CONTROL_NPRIV);
}

void SysTick_Handler(void) { ticks++; }

/* Calls `task` in thread mode with CONTROL = `control` (on `psp` when it selects the process
 * stack), then gets privilege back through SVC and returns on the main stack. */
__attribute__((naked)) static void call_unprivileged(void (*task)(void), uint32_t control,
                                                     uint32_t *psp)
{
    (void)task, (void)control, (void)psp;
    __asm volatile("push {r4, lr}\n"
                   "msr psp, r2\n"
                   "msr control, r1\n"
                   "isb\n"
                   "blx r0\n"
                   "svc #0\n"
                   "movs r0, #0\n"
                   "msr control, r0\n"
                   "isb\n"
                   "pop {r4, pc}\n");
}

static void user_task(void)
{
    user_control = cpu_control() & 3u;
    cpu_set_control(0); /* ignored: unprivileged */
    user_control_after_msr = cpu_control() & 3u;
    __asm volatile("mrs %0, msp" : "=r"(user_msp)); /* reads as 0 */
    __asm volatile("cpsid i\n"
                   "movs r0, #0x40\n"
                   "msr basepri, r0\n"
                   "movs r0, #1\n"
                   "msr faultmask, r0\n"
                   "msr msp, r0\n" ::: "r0", "memory"); /* all ignored */
    (void)SCB_CPUID;   /* System Control Space read: fault */
    SCB_VTOR = 0x400u; /* write: fault, VTOR keeps its value */
    NVIC_ISER(0) = 1u; /* fault, the interrupt stays disabled */
    (void)SYST_CVR;    /* fault */
    (void)DWT_CYCCNT;  /* the rest of the Private Peripheral Bus too */
    (void)FPB_CTRL;
    /* an interrupt returns to unprivileged code */
    uint32_t before = ticks;
    for (uint32_t i = 0; i < 1000000u && ticks == before; i++) {
    }
    user_control_after_tick = cpu_control() & 3u;
}

static void round_of(const char *stack, uint32_t control, int busfault_enabled)
{
    fault_count = fault_cfsr = fault_hfsr = 0;
    for (unsigned i = 0; i < MAX_FAULTS; i++)
        fault_bfar[i] = 0;
    if (busfault_enabled)
        SCB_SHCSR |= SHCSR_BUSFAULTENA;
    else
        SCB_SHCSR &= ~SHCSR_BUSFAULTENA;
    uint32_t ticks_before = ticks;
    SYST_RVR = 999u;
    SYST_CVR = 0u;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */

    call_unprivileged(user_task, control, process_stack + 256);

    SYST_CSR = 0u;
    uint32_t primask, basepri, faultmask;
    __asm volatile("mrs %0, primask\nmrs %1, basepri\nmrs %2, faultmask"
                   : "=r"(primask), "=r"(basepri), "=r"(faultmask));
    lab_event("privilege",
              "stack=%s control=%lu after_msr=%lu msp=0x%lx after_tick=%lu ticked=%d "
              "svc_control=%lu privileged=%d masks=%lu/%lu/%lu vtor=0x%lx iser=0x%lx "
              "faults=%lu cfsr=0x%08lx hfsr=0x%08lx bfar=%08lx,%08lx,%08lx,%08lx,%08lx,%08lx",
              stack, (unsigned long)user_control, (unsigned long)user_control_after_msr,
              (unsigned long)user_msp, (unsigned long)user_control_after_tick,
              ticks != ticks_before, (unsigned long)(svc_control & 3u),
              (cpu_control() & CONTROL_NPRIV) == 0, (unsigned long)primask,
              (unsigned long)basepri, (unsigned long)faultmask, (unsigned long)SCB_VTOR,
              (unsigned long)NVIC_ISER(0), (unsigned long)fault_count,
              (unsigned long)fault_cfsr, (unsigned long)fault_hfsr,
              (unsigned long)fault_bfar[0], (unsigned long)fault_bfar[1],
              (unsigned long)fault_bfar[2], (unsigned long)fault_bfar[3],
              (unsigned long)fault_bfar[4], (unsigned long)fault_bfar[5]);
}

int main(void)
{
    board_init();
    round_of("main", CONTROL_NPRIV, 1);
    round_of("process", CONTROL_NPRIV | CONTROL_SPSEL, 0);
    lab_done();
    console_flush();
    return 0;
}
