/* PDM microphone with EasyDMA double buffering (nrfx_pdm's scheme): when STARTED says
 * the PDM latched a buffer, the next one is armed at once; END hands over a full one. */
#include "board.h"


static int16_t *buffer[2];
static size_t buffer_samples;
static mic_handler handler;
static unsigned filling;         /* the buffer the PDM writes now */
static unsigned armed;           /* the buffer SAMPLE.PTR points at */
static volatile int rearm_due;
volatile int mic_rearm_from_caller;

static void arm_next(void)
{
    armed = filling ^ 1u;
    PDM_SAMPLE_PTR = (uint32_t)buffer[armed];
    PDM_SAMPLE_MAXCNT = buffer_samples;
    rearm_due = 0;
}

void PDM_IRQHandler(void)
{
    if (PDM_EVENTS_END) {            /* END before STARTED: they come together */
        PDM_EVENTS_END = 0;
        if (handler)
            handler(buffer[filling], buffer_samples);
    }
    if (PDM_EVENTS_STARTED) {
        PDM_EVENTS_STARTED = 0;
        filling = armed;
        if (mic_rearm_from_caller)
            rearm_due = 1;
        else
            arm_next();
    }
}

int mic_rearm_pending(void) { return rearm_due; }
void mic_rearm(void) { arm_next(); }

void mic_start(int16_t *buffers, size_t samples, mic_handler on_buffer)
{
    buffer[0] = buffers;
    buffer[1] = buffers + samples;
    buffer_samples = samples;
    handler = on_buffer;
#ifdef MIC_POWER_PIN
    GPIO_PIN_CNF(GPIO_PORT_BASE(MIC_POWER_PIN), MIC_POWER_PIN & 31u) = 1u;
    GPIO_OUTSET(GPIO_PORT_BASE(MIC_POWER_PIN)) = GPIO_PIN_BIT(MIC_POWER_PIN);
#endif
    PDM_PSEL_CLK = MIC_CLK_PIN;
    PDM_PSEL_DIN = MIC_DIN_PIN;
    PDM_PDMCLKCTRL = PDM_CLK_1280K;
    PDM_RATIO = PDM_RATIO_80;
    PDM_MODE = PDM_MODE_MONO;
    PDM_GAINL = PDM_GAIN_0DB;
    PDM_GAINR = PDM_GAIN_0DB;
    filling = armed = 0;
    PDM_SAMPLE_PTR = (uint32_t)buffer[0];
    PDM_SAMPLE_MAXCNT = samples;
    PDM_INTENSET = 0x5;   /* STARTED, END */
    irq_priority(IRQ_PDM, 2);
    irq_enable(IRQ_PDM);
    PDM_ENABLE = 1;
    PDM_TASKS_START = 1;
}

void mic_stop(void)
{
    PDM_TASKS_STOP = 1;
    PDM_INTENCLR = 0x7;
    irq_disable(IRQ_PDM);
    PDM_ENABLE = 0;
}
