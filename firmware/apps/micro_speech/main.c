/* micro_speech: TFLite Micro's keyword spotter on the virtual nRF52840. The PDM
 * microphone fills a ring buffer at 16 kHz; the front end (bit-exact with TensorFlow's
 * audio_microfrontend_op) turns each 20 ms step into 40 features; a 49 x 40 window of
 * them goes through the model every INFERENCE_EVERY slices; TFLM's recognizer turns the
 * scores into commands: "Heard yes (213) @4056ms". Cycles of the front end (per slice)
 * and of each inference are measured with DWT CYCCNT. */
#include <stdio.h>
#include <string.h>
#include "board.h"
#include "frontend.h"
#include "lab.h"
#include "lab_arena.h"
#include "labrt.h"
#include "recognizer.h"

#ifndef INFERENCE_EVERY
#define INFERENCE_EVERY 4             /* slices (of 20 ms) between inferences: 80 ms */
#endif
#ifndef PRINT_SCORES
#define PRINT_SCORES 1
#endif
#define SLICES 49
#define CHANNELS 40
#define PDM_BUFFER 320u               /* one window step: 20 ms, EasyDMA double-buffered */
/* Audio waiting for the front end while the main loop is busy: an inference (1.73 M
 * cycles, 27 ms at 64 MHz), the front end's slices since the last one (4 x ~1.2 ms) and
 * the PDM buffer just delivered (20 ms) make about 52 ms, 830 samples; 128 ms of room
 * leaves 2.4 times that. A longer stall is counted (`@lab overrun`), never silently
 * overwritten. The front end keeps its own 30 ms window. */
#define RING 2048u

static const char *const labels[RECOGNIZER_LABELS] = {"silence", "unknown", "yes", "no"};
extern const unsigned char g_model[], g_model_end[];
static labrt_runtime runtime;
static uint8_t arena[LAB_ARENA_SIZE(32 * 1024)] __attribute__((aligned(16)));
static frontend_state frontend;
static recognizer commands;
static int16_t pdm_buffers[2 * PDM_BUFFER];
static int16_t ring[RING];
static volatile uint32_t ring_written;           /* samples ever written by the PDM ISR */
static uint32_t ring_read;
static int8_t window[SLICES][CHANNELS];          /* feature slices, oldest first */
static int slices_filled;

static void on_audio(const int16_t *samples, size_t count)
{
    uint32_t at = ring_written;
    for (size_t i = 0; i < count; i++)
        ring[(at + i) % RING] = samples[i];
    ring_written = at + count;
}

static void add_slice(const uint16_t *features, const labrt_tensor_info *in)
{
    memmove(window[0], window[1], sizeof window - sizeof window[0]);
    for (int c = 0; c < CHANNELS; c++)
        window[SLICES - 1][c] = frontend_feature_to_int8(features[c], in->scale, in->zero_point);
    if (slices_filled < SLICES)
        slices_filled++;
}

static void report(int label, int score, int32_t time_ms, uint32_t frontend_cycles,
                   uint32_t inference_cycles)
{
    printf("Heard %s (%d) @%ldms\n", labels[label], score, (long)time_ms);
    lab_event("detection", "label=%s score=%d t_ms=%ld cycles_frontend=%lu cycles_inference=%lu",
              labels[label], score, (long)time_ms, (unsigned long)frontend_cycles,
              (unsigned long)inference_cycles);
}

static void infer(const labrt_tensor_info *in, const labrt_tensor_info *out, int32_t time_ms,
                  uint32_t frontend_cycles)
{
    memcpy(in->data, window, sizeof window);
    uint32_t start = cycles_now();
    labrt_invoke(&runtime);
    uint32_t inference_cycles = cycles_now() - start;
    uint8_t scores[RECOGNIZER_LABELS];
    const int8_t *q = (const int8_t *)out->data;
    for (int l = 0; l < RECOGNIZER_LABELS; l++)   /* softmax output: zero point -128 */
        scores[l] = (uint8_t)(q[l] - out->zero_point);
    if (PRINT_SCORES)
        lab_event("scores", "t_ms=%ld silence=%u unknown=%u yes=%u no=%u cycles_frontend=%lu "
                  "cycles_inference=%lu", (long)time_ms, scores[0], scores[1], scores[2],
                  scores[3], (unsigned long)frontend_cycles, (unsigned long)inference_cycles);
    int label, score;
    if (recognizer_update(&commands, time_ms, scores, &label, &score) == 1 && label != 0)
        report(label, score, time_ms, frontend_cycles, inference_cycles);
}

static int model_fits(const labrt_tensor_info *in, const labrt_tensor_info *out)
{
    return in->type == LABRT_INT8 && in->bytes == SLICES * CHANNELS && out->type == LABRT_INT8 &&
           out->bytes == RECOGNIZER_LABELS;
}

static int start_model(labrt_tensor_info *in, labrt_tensor_info *out)
{
    labrt_status status = labrt_init(&runtime, g_model, (size_t)(g_model_end - g_model), arena,
                                     sizeof arena);
    if (status == LABRT_OK) {
        labrt_input(&runtime, 0, in);
        labrt_output(&runtime, 0, out);
    }
    if (status != LABRT_OK || !model_fits(in, out)) {
        printf("model unusable: %s\n", status != LABRT_OK ? labrt_error(&runtime)
                                                          : "needs int8 1x49x40 in, 4 out");
        lab_event("error", "stage=model status=%d", (int)status);
        return 0;
    }
    lab_event("model", "bytes=%lu arena=%lu input_scale_e6=%ld input_zero_point=%ld",
              (unsigned long)(g_model_end - g_model), (unsigned long)labrt_arena_needed(&runtime),
              (long)(in->scale * 1e6f), (long)in->zero_point);
    lab_arena_event(&runtime, sizeof arena);
    return 1;
}

int main(void)
{
    board_init();
    cycles_init();
    labrt_tensor_info in, out;
    frontend_config config = frontend_micro_speech_config();
    if (!start_model(&in, &out) || frontend_init(&frontend, &config) != FRONTEND_OK) {
        lab_done();
        console_flush();
        return 1;
    }
    recognizer_init(&commands, 1000, 200, 1500, 3);
    lab_event("listening", "inference_every=%d slice_ms=20", INFERENCE_EVERY);
    console_flush();
    mic_start(pdm_buffers, PDM_BUFFER, on_audio);

    int since_inference = 0;
    uint32_t frontend_cycles = 0;
    for (;;) {
        cpu_disable_irq();
        if (ring_read == ring_written)
            cpu_wfi();                     /* a pending PDM interrupt wakes us */
        cpu_enable_irq();
        while (ring_read != ring_written) {
            uint32_t available = ring_written - ring_read;
            if (available > RING) {           /* the ISR overwrote what was not read */
                lab_event("overrun", "samples=%lu", (unsigned long)(available - RING));
                ring_read += available - RING;
                available = RING;
            }
            uint32_t offset = ring_read % RING;
            uint32_t chunk = available < RING - offset ? available : RING - offset;
            size_t used;
            uint32_t start = cycles_now();
            const uint16_t *features = frontend_process_samples(&frontend, &ring[offset], chunk,
                                                                &used);
            ring_read += (uint32_t)used;
            if (!features)
                continue;
            frontend_cycles = cycles_now() - start;
            add_slice(features, &in);
            int32_t time_ms = (int32_t)(ring_read / 16u);   /* audio time since the start */
            if (slices_filled == SLICES && ++since_inference >= INFERENCE_EVERY) {
                since_inference = 0;
                infer(&in, &out, time_ms, frontend_cycles);
            }
        }
    }
}
