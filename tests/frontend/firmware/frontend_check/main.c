/* The audio front end on the board: hashes the state right after init (every table
 * it computed with newlib's libm and soft-float doubles), then the features of a
 * test signal fed in DMA-sized chunks, and the cycles each frame took. The host
 * test computes the same hashes with the host build and compares. */
#include <stdio.h>
#include "board.h"
#include "lab.h"
#include "frontend.h"

#define SIGNAL_SAMPLES 16000
#define SEGMENT_SAMPLES 2000
#define CHUNK_SAMPLES 160           /* 10 ms, as a PDM buffer would deliver */
#define SQUARE_GAIN (-1)            /* marks the full-scale square-wave segment */

/* Per 2000-sample segment: silence, noise at several levels, a full-scale square. */
static const int32_t segment_gain[SIGNAL_SAMPLES / SEGMENT_SAMPLES] = {
    0, 60, 900, SQUARE_GAIN, 14000, 32767, 3, 2500};

static frontend_state fe;
static int16_t chunk[CHUNK_SAMPLES];
static uint32_t noise_state = 2463534242u;

static uint32_t xorshift32(void)
{
    noise_state ^= noise_state << 13;
    noise_state ^= noise_state >> 17;
    noise_state ^= noise_state << 5;
    return noise_state;
}

static int16_t test_sample(uint32_t index)
{
    const int16_t noise = (int16_t)(xorshift32() >> 16);
    const int32_t gain = segment_gain[index / SEGMENT_SAMPLES];
    if (gain == SQUARE_GAIN)
        return (index / 20) % 2 ? 32767 : -32768;
    return (int16_t)(((int32_t)noise * gain) >> 15);
}

static uint32_t fnv1a(uint32_t hash, const void *data, size_t size)
{
    const uint8_t *bytes = data;
    for (size_t i = 0; i < size; ++i)
        hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

int main(void)
{
    board_init();
    cycles_init();
    frontend_config config = frontend_micro_speech_config();
    uint32_t start = cycles_now();
    frontend_status status = frontend_init(&fe, &config);
    uint32_t init_cycles = cycles_now() - start;
    lab_event("frontend_tables", "status=%d bytes=%lu hash=0x%08lx init_cycles=%lu", (int)status,
              (unsigned long)sizeof fe, (unsigned long)fnv1a(2166136261u, &fe, sizeof fe),
              (unsigned long)init_cycles);

    uint32_t hash = 2166136261u, frames = 0, min_cycles = UINT32_MAX, max_cycles = 0, total = 0;
    for (uint32_t base = 0; base < SIGNAL_SAMPLES; base += CHUNK_SAMPLES) {
        for (uint32_t i = 0; i < CHUNK_SAMPLES; ++i)
            chunk[i] = test_sample(base + i);
        const int16_t *samples = chunk;
        size_t left = CHUNK_SAMPLES, used;
        while (left > 0) {
            start = cycles_now();
            const uint16_t *frame = frontend_process_samples(&fe, samples, left, &used);
            const uint32_t cycles = cycles_now() - start;
            samples += used;
            left -= used;
            if (!frame)
                continue;
            hash = fnv1a(hash, frame, (size_t)fe.num_channels * sizeof *frame);
            frames++;
            total += cycles;
            min_cycles = cycles < min_cycles ? cycles : min_cycles;
            max_cycles = cycles > max_cycles ? cycles : max_cycles;
        }
    }
    lab_event("frontend_features", "frames=%lu hash=0x%08lx", (unsigned long)frames,
              (unsigned long)hash);
    lab_event("frontend_cycles", "min=%lu max=%lu mean=%lu", (unsigned long)min_cycles,
              (unsigned long)max_cycles, (unsigned long)(frames ? total / frames : 0));
    lab_done();
    console_flush();
    return 0;
}
