/* Front-end frames of what the PDM microphone hears, in hex, for comparison with
 * TensorFlow's audio_microfrontend_op: the audio is taken as 1 s clips (16000 samples),
 * the front end starting fresh for each, as the op does for one clip. */
#include <stdio.h>
#include "board.h"
#include "frontend.h"
#include "lab.h"

#define CLIP_SAMPLES 16000u
#define PDM_BUFFER 320u
#define RING 32768u

static frontend_state frontend;
static int16_t pdm_buffers[2 * PDM_BUFFER];
static int16_t ring[RING];
static volatile uint32_t written;

static void on_audio(const int16_t *samples, size_t count)
{
    for (size_t i = 0; i < count; i++)
        ring[(written + i) % RING] = samples[i];
    written += count;
}

static void print_frame(uint32_t clip, uint32_t index, const uint16_t *frame)
{
    char hex[4 * 40 + 1];
    for (int c = 0; c < 40; c++)
        snprintf(&hex[4 * c], 5, "%04x", frame[c]);
    lab_event("frame", "clip=%lu index=%lu hex=\"%s\"", (unsigned long)clip, (unsigned long)index, hex);
}

int main(void)
{
    board_init();
    frontend_config config = frontend_micro_speech_config();
    frontend_init(&frontend, &config);
    mic_start(pdm_buffers, PDM_BUFFER, on_audio);
    uint32_t read = 0, clip = 0, index = 0;
    for (;;) {
        cpu_disable_irq();
        if (read == written)
            cpu_wfi();
        cpu_enable_irq();
        while (read != written) {
            uint32_t in_clip = read % CLIP_SAMPLES;
            uint32_t offset = read % RING;
            uint32_t count = written - read;
            if (count > CLIP_SAMPLES - in_clip)
                count = CLIP_SAMPLES - in_clip;      /* never cross into the next clip */
            if (count > RING - offset)
                count = RING - offset;
            size_t used;
            const uint16_t *frame = frontend_process_samples(&frontend, &ring[offset], count, &used);
            read += (uint32_t)used;
            if (frame)
                print_frame(clip, index++, frame);
            if (read % CLIP_SAMPLES == 0 && used) {
                frontend_reset(&frontend);
                clip++;
                index = 0;
            }
        }
    }
}
