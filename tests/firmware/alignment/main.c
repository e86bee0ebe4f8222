/* Alignment as ARMv7-M A3.2.1 has it. LDR/STR of a word or halfword may be unaligned
 * unless CCR.UNALIGN_TRP is set; LDRD/STRD, LDM/STM, PUSH/POP, VLDR/VSTR, VPUSH/VPOP and
 * LDREX/STREX need a word-aligned address whatever UNALIGN_TRP says (LDREXH a halfword one),
 * so an 8-byte LDRD or VPUSH {d8} at an address that is 4 mod 8 is fine. A misaligned access
 * is a UsageFault (CFSR.UNALIGNED), a HardFault (HFSR.FORCED) while UsageFault is disabled,
 * and a trapped store leaves memory as it was. Prints, per access, '.' (done), 'U'
 * (UsageFault) or 'H' (HardFault); the same on QEMU (mps2-an386) and on the lab with
 * --strict-alignment. */
#include <stdint.h>
#include "board.h"
#include "lab.h"

static volatile char outcome;
static volatile uint32_t fault_cfsr, fault_hfsr;
static uint8_t bytes[16] __attribute__((aligned(8))) = {1, 2, 3, 4, 5, 6, 7, 8,
                                                         9, 10, 11, 12, 13, 14, 15, 16};

/* Fault handlers note which fault it was and skip the access. */
static void skip(uint32_t *frame, char what)
{
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    fault_cfsr |= cfsr;
    fault_hfsr |= hfsr;
    SCB_CFSR = cfsr; /* write 1 to clear */
    SCB_HFSR = hfsr;
    outcome = what;
    uint16_t first = *(uint16_t *)frame[6];
    frame[6] += ((first >> 11) >= 0x1Du) ? 4u : 2u;
}
void usagefault_skip(uint32_t *frame) { skip(frame, 'U'); }
void hardfault_skip(uint32_t *frame) { skip(frame, 'H'); }

#define WITH_FRAME(handler) "tst lr, #4\nite eq\nmrseq r0, msp\nmrsne r0, psp\nb " handler "\n"
__attribute__((naked)) void UsageFault_Handler(void) { __asm volatile(WITH_FRAME("usagefault_skip")); }
__attribute__((naked)) void HardFault_Handler(void) { __asm volatile(WITH_FRAME("hardfault_skip")); }

/* Each access is the first instruction of a function taking its address in r0. */
#define ACCESS(name, code)                                                                   \
    __attribute__((naked, noinline)) static void name(volatile void *address)               \
    {                                                                                        \
        (void)address;                                                                       \
        __asm volatile(code "\nbx lr\n");                                                    \
    }
ACCESS(ldr, "ldr r1, [r0]")
ACCESS(ldrh, "ldrh r1, [r0]")
ACCESS(ldrb, "ldrb r1, [r0]")
ACCESS(strh, "strh r0, [r0]")
ACCESS(ldrd, "ldrd r2, r3, [r0]")
ACCESS(strd, "strd r2, r3, [r0]")
ACCESS(vldr, "vldr d0, [r0]")
ACCESS(ldrexh, "ldrexh r1, [r0]\nclrex")
ACCESS(ldrex, "ldrex r1, [r0]\nclrex")
/* VPUSH {d8} (one 8-byte store) with SP = 4 mod 8 */
ACCESS(vpush_sp4, "mov r1, sp\nbic r2, r1, #7\nsub r2, r2, #4\nmov sp, r2\n"
                  "vpush {d8}\nvpop {d8}\nmov sp, r1")

static char try(void (*access)(volatile void *), volatile void *address)
{
    outcome = '.';
    access(address);
    return outcome;
}

/* Runs the accesses with CCR.UNALIGN_TRP and SHCSR.USGFAULTENA as asked, then prints with
 * both back to their defaults: the C library may make unaligned accesses of its own. */
static void report(int trap, int usagefault)
{
    enum { LDR_ODD, LDRH_ODD, STRH_ODD, LDRB_ODD, LDR_WORD, LDRD_WORD, STRD_WORD, VLDR_WORD,
           VPUSH_WORD, LDREXH_HALF, LDREX_HALF, LDRD_HALF, ACCESSES };
    char seen[ACCESSES];
    uint8_t *b = bytes;
    uint32_t before = *(volatile uint32_t *)(b + 8);
    fault_cfsr = fault_hfsr = 0;
    if (!usagefault)
        SCB_SHCSR &= ~SHCSR_USGFAULTENA;
    if (trap)
        SCB_CCR |= CCR_UNALIGN_TRP;
    cpu_dsb();
    cpu_isb();
    seen[LDR_ODD] = try(ldr, b + 1);
    seen[LDRH_ODD] = try(ldrh, b + 1);
    seen[STRH_ODD] = try(strh, b + 9);
    int kept = seen[STRH_ODD] == '.' || *(volatile uint32_t *)(b + 8) == before;
    seen[LDRB_ODD] = try(ldrb, b + 1);
    seen[LDR_WORD] = try(ldr, b + 4);
    seen[LDRD_WORD] = try(ldrd, b + 4);
    seen[STRD_WORD] = try(strd, b + 4);
    seen[VLDR_WORD] = try(vldr, b + 4);
    seen[VPUSH_WORD] = try(vpush_sp4, 0);
    seen[LDREXH_HALF] = try(ldrexh, b + 2);
    seen[LDREX_HALF] = try(ldrex, b + 2);
    seen[LDRD_HALF] = try(ldrd, b + 2);
    SCB_CCR &= ~CCR_UNALIGN_TRP;
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    cpu_dsb();
    cpu_isb();
    lab_event("align",
              "trap=%s usagefault=%s ldr_odd=%c ldrh_odd=%c strh_odd=%c kept=%d ldrb_odd=%c "
              "ldr_word=%c ldrd_word=%c strd_word=%c vldr_word=%c vpush_word=%c "
              "ldrexh_half=%c ldrex_half=%c ldrd_half=%c cfsr=0x%08lx hfsr=0x%08lx",
              trap ? "on" : "off", usagefault ? "on" : "off", seen[LDR_ODD], seen[LDRH_ODD],
              seen[STRH_ODD], kept, seen[LDRB_ODD], seen[LDR_WORD], seen[LDRD_WORD],
              seen[STRD_WORD], seen[VLDR_WORD], seen[VPUSH_WORD], seen[LDREXH_HALF],
              seen[LDREX_HALF], seen[LDRD_HALF], (unsigned long)fault_cfsr,
              (unsigned long)fault_hfsr);
}

int main(void)
{
    board_init();
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    report(0, 1);
    report(1, 1);
    report(1, 0);
    lab_done();
    console_flush();
    return 0;
}
