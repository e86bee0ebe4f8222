/* PDM microphone with EasyDMA double buffering (mic_buffers.h): when STARTED says the
 * PDM latched a buffer, the next one is armed at once; END hands over a full one. */
#include "board.h"

#define MIC_DMA_PTR PDM_SAMPLE_PTR
#define MIC_DMA_MAXCNT PDM_SAMPLE_MAXCNT
#include "mic_buffers.h"

void PDM_IRQHandler(void)
{
    if (PDM_EVENTS_END) {            /* END before STARTED: they come together */
        PDM_EVENTS_END = 0;
        if (handler)
            handler(buffer[filling], buffer_samples);
    }
    if (PDM_EVENTS_STARTED) {
        PDM_EVENTS_STARTED = 0;
        buffer_started();
    }
}

void mic_start(int16_t *buffers, size_t samples, mic_handler on_buffer)
{
    buffers_init(buffers, samples, on_buffer);
    PDM_PSEL_CLK = MIC_CLK_PIN;
    PDM_PSEL_DIN = MIC_DIN_PIN;
    PDM_PDMCLKCTRL = PDM_CLK_1280K;
    PDM_RATIO = PDM_RATIO_80;
    PDM_MODE = PDM_MODE_MONO;
    PDM_GAINL = PDM_GAIN_0DB;
    PDM_GAINR = PDM_GAIN_0DB;
    arm_first(samples);
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
