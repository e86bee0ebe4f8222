/* An analog microphone through the SAADC (boards whose microphone sits on an AIN pin, as
 * on the micro:bit v2): the same API as the PDM's mic.c. The SAADC's internal timer
 * samples at 16 kHz (16 MHz / 1000), 14 bits, gain 1/4 against the internal 0.6 V
 * reference (0 .. 2.4 V), into two EasyDMA buffers (mic_buffers.h): at STARTED the next
 * pointer is written, at END the next buffer is started and the full one becomes PCM:
 * (result - MIC_SAADC_BIAS) << MIC_SAADC_SHIFT (board_config.h: the amplifier's bias and
 * swing as the ADC sees them). A board compiles this file or mic.c (board.mk
 * HAL_EXCLUDE). */
#include "board.h"

#define SAMPLERATE_CC 1000u                 /* 16 MHz / 1000 = 16 kHz */

#define MIC_DMA_PTR SAADC_RESULT_PTR
#define MIC_DMA_MAXCNT SAADC_RESULT_MAXCNT
#include "mic_buffers.h"

static void to_pcm(int16_t *samples, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int32_t value = ((int32_t)samples[i] - MIC_SAADC_BIAS) * (1 << MIC_SAADC_SHIFT);
        samples[i] = (int16_t)(value > 32767 ? 32767 : value < -32768 ? -32768 : value);
    }
}

void SAADC_IRQHandler(void)
{
    if (SAADC_EVENTS_END) {
        SAADC_EVENTS_END = 0;
        unsigned full = filling;
        SAADC_TASKS_START = 1;           /* latch the armed buffer: sampling goes on */
        to_pcm(buffer[full], buffer_samples);
        if (handler)
            handler(buffer[full], buffer_samples);
    }
    if (SAADC_EVENTS_STARTED) {
        SAADC_EVENTS_STARTED = 0;
        buffer_started();
    }
}

void mic_start(int16_t *buffers, size_t samples, mic_handler on_buffer)
{
    buffers_init(buffers, samples, on_buffer);
    SAADC_CH_PSELP(0) = SAADC_PSEL_AIN(MIC_SAADC_AIN);
    SAADC_CH_CONFIG(0) = SAADC_GAIN_1_4 | SAADC_TACQ_3US;   /* internal reference, SE */
    SAADC_RESOLUTION = SAADC_RESOLUTION_14BIT;
    SAADC_OVERSAMPLE = 0;
    SAADC_SAMPLERATE = SAADC_SAMPLERATE_TIMERS | SAMPLERATE_CC;
    arm_first(samples);
    SAADC_INTENSET = SAADC_INT_STARTED | SAADC_INT_END;
    irq_priority(IRQ_SAADC, 2);
    irq_enable(IRQ_SAADC);
    SAADC_ENABLE = 1;
    SAADC_TASKS_START = 1;
    SAADC_TASKS_SAMPLE = 1;               /* timers mode: samples until STOP */
}

void mic_stop(void)
{
    SAADC_TASKS_STOP = 1;
    SAADC_INTENCLR = SAADC_INT_STARTED | SAADC_INT_END;
    irq_disable(IRQ_SAADC);
    SAADC_ENABLE = 0;
}
