/* Preemption by priority and tail-chaining in priority order, with software-pended IRQs. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

static char trace[32];
static volatile unsigned length;
static volatile unsigned max_active;
static volatile int mode;

static void note(char c)
{
    trace[length++] = c;
    unsigned active = 0;
    for (unsigned irq = IRQ_SWI0; irq <= IRQ_SWI3; irq++)
        active += (NVIC_IABR(0) >> irq) & 1u;
    if (active > max_active)
        max_active = active;
}

void SWI0_IRQHandler(void) /* priority 3 */
{
    note('0');
    if (mode == 1) {
        irq_pend(IRQ_SWI2); /* priority 1 preempts us, at the latest after the barriers */
        cpu_dsb();
        cpu_isb();
    }
    note('o');
}
void SWI1_IRQHandler(void) { note('1'); } /* priority 2 */
void SWI2_IRQHandler(void) { note('2'); } /* priority 1 */
void SWI3_IRQHandler(void) { note('3'); } /* priority 0 */

int main(void)
{
    board_init();
    irq_priority(IRQ_SWI0, 3);
    irq_priority(IRQ_SWI1, 2);
    irq_priority(IRQ_SWI2, 1);
    irq_priority(IRQ_SWI3, 0);
    for (unsigned irq = IRQ_SWI0; irq <= IRQ_SWI3; irq++)
        irq_enable(irq);

    mode = 1; /* preemption: 0 enters, 2 preempts, 0 leaves */
    irq_pend(IRQ_SWI0);
    cpu_dsb();
    cpu_isb();
    trace[length++] = '|';
    unsigned nested = max_active;

    mode = 2; /* tail-chaining: all pended while masked, taken by priority */
    max_active = 0;
    cpu_disable_irq();
    irq_pend(IRQ_SWI0);
    irq_pend(IRQ_SWI1);
    irq_pend(IRQ_SWI2);
    irq_pend(IRQ_SWI3);
    cpu_enable_irq();
    cpu_isb();
    trace[length] = 0;
    lab_event("irq", "trace=%s nested=%u chained_max_active=%u", trace, nested, max_active);
    lab_done();
    console_flush();
    return 0;
}
