/* The microphone's EasyDMA double buffering (nrfx's scheme), shared by the PDM front
 * (mic.c) and the SAADC front (mic_saadc.c); a board compiles one of them. When STARTED
 * says the peripheral latched the armed buffer, the other one is armed at once (or by
 * the caller's mic_rearm, when it set mic_rearm_from_caller to test late re-arming); END
 * hands over the full one.
 *
 * Included once, by the front's .c file, after it defines MIC_DMA_PTR and
 * MIC_DMA_MAXCNT (its peripheral's buffer pointer and size registers): the state and the
 * helpers stay static in that file, so the interrupt handler calls them as before. */
#ifndef MIC_BUFFERS_H
#define MIC_BUFFERS_H

static int16_t *buffer[2];
static size_t buffer_samples;
static mic_handler handler;
static unsigned filling;         /* the buffer the peripheral writes now */
static unsigned armed;           /* the buffer MIC_DMA_PTR points at */
static volatile int rearm_due;
volatile int mic_rearm_from_caller;

static void arm_next(void)
{
    armed = filling ^ 1u;
    MIC_DMA_PTR = (uint32_t)buffer[armed];
    MIC_DMA_MAXCNT = buffer_samples;
    rearm_due = 0;
}

/* STARTED: the armed buffer is the one being filled now. Always inlined: the interrupt
 * handler compiles to the instructions (and cycle counts) it had with this in its body. */
static inline __attribute__((always_inline)) void buffer_started(void)
{
    filling = armed;
    if (mic_rearm_from_caller)
        rearm_due = 1;
    else
        arm_next();
}

int mic_rearm_pending(void) { return rearm_due; }
void mic_rearm(void) { arm_next(); }

/* mic_start's first half: two buffers of `samples` each at `buffers`, the handler, and
 * the microphone's power pin (boards that switch it) driven high. */
static void buffers_init(int16_t *buffers, size_t samples, mic_handler on_buffer)
{
    buffer[0] = buffers;
    buffer[1] = buffers + samples;
    buffer_samples = samples;
    handler = on_buffer;
#ifdef MIC_POWER_PIN
    GPIO_PIN_CNF(GPIO_PORT_BASE(MIC_POWER_PIN), MIC_POWER_PIN & 31u) = 1u;
    GPIO_OUTSET(GPIO_PORT_BASE(MIC_POWER_PIN)) = GPIO_PIN_BIT(MIC_POWER_PIN);
#endif
}

/* Before the peripheral starts: buffer 0 is the first one it latches. */
static void arm_first(size_t samples)
{
    filling = armed = 0;
    MIC_DMA_PTR = (uint32_t)buffer[0];
    MIC_DMA_MAXCNT = samples;
}

#endif
