/* magic_wand: TFLite Micro's gesture example on the virtual nRF52840. The LSM9DS1 runs at
 * 119 Hz, +-4 g, its FIFO drained over TWIM every 125 ms into a ring; every 250 ms the
 * last 5.12 s are turned into the model's axes and resampled to its 128 x 3 samples at
 * 25 Hz (linear interpolation, as in training) and classified. A gesture whose score
 * stays above the threshold for CONSECUTIVE inferences is reported once, then nothing for
 * SUPPRESSION_MS. It prints what TFLite Micro's Arduino example prints ("Magic starts!",
 * then each gesture's name and ASCII picture) next to the lab's `@lab` events. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "board.h"
#include "lab.h"
#include "lab_arena.h"
#include "labrt.h"

/* The detection rule chosen with the committed model on its validation recordings
 * (models/magic_wand/card.json: streaming.rule; a test keeps the two equal). */
#ifndef THRESHOLD
#define THRESHOLD 200            /* of 255: 0.78 */
#endif
#ifndef CONSECUTIVE
#define CONSECUTIVE 5
#endif
#ifndef SUPPRESSION_MS
#define SUPPRESSION_MS 2000
#endif
#define SENSOR_HZ imu_rate_hz     /* the board's IMU driver says its rate */
#define MODEL_HZ 25.0f
#define WINDOW 128
#define LABELS 4                 /* wing, ring, slope, negative */
#define NEGATIVE 3
#define RING_SAMPLES 1024u       /* 8.6 s at 119 Hz */
#define TICKS_PER_SECOND 8u      /* FIFO drains */
#define INFER_EVERY_TICKS 2u     /* ... every 250 ms */
#define ACCEL_G_PER_LSB imu_g_per_lsb

/* The model's axes are the SparkFun Edge's it was first trained on; on the Nano 33 BLE
 * Sense the Arduino example swaps the LSM9DS1's x and y to match (model = board y, x, z).
 * Another board gives its own mapping with these defines. */
#ifndef MODEL_X_FROM_BOARD
#define MODEL_X_FROM_BOARD 1
#define MODEL_Y_FROM_BOARD 0
#define MODEL_Z_FROM_BOARD 2
#endif
static const int board_axis[3] = {MODEL_X_FROM_BOARD, MODEL_Y_FROM_BOARD, MODEL_Z_FROM_BOARD};

static const char *const names[LABELS] = {"wing", "ring", "slope", "negative"};
/* What the Arduino example prints for each gesture: its name, a colon, its picture. */
static const char *const pictures[LABELS] = {
    "WING:\n"
    "*         *         *\n"
    " *       * *       *\n"
    "  *     *   *     *\n"
    "   *   *     *   *\n"
    "    * *       * *\n"
    "     *         *\n",
    "RING:\n"
    "          *\n"
    "       *     *\n"
    "     *         *\n"
    "    *           *\n"
    "     *         *\n"
    "       *     *\n"
    "          *\n",
    "SLOPE:\n"
    "        *\n"
    "       *\n"
    "      *\n"
    "     *\n"
    "    *\n"
    "   *\n"
    "  *\n"
    " * * * * * * * *\n",
    ""};
extern const unsigned char g_model[], g_model_end[];
static labrt_runtime runtime;
static uint8_t arena[LAB_ARENA_SIZE(16 * 1024)] __attribute__((aligned(16)));
static int16_t ring[RING_SAMPLES][3];
static uint32_t received;                 /* samples ever read from the FIFO */
static volatile uint32_t ticks;

static void on_tick(void) { ticks++; }

static void drain_fifo(void)
{
    for (int n = imu_available(NULL); n > 0; n--) {
        if (imu_read_accel(ring[received % RING_SAMPLES]))
            return;
        received++;
    }
}

/* Acceleration (g) of one board axis at fractional sample position `p` of the 119 Hz
 * stream. */
static float sample_at(float p, int axis)
{
    if (p <= 0.0f || received == 0)
        return (float)ring[0][axis] * ACCEL_G_PER_LSB;
    uint32_t i = (uint32_t)p;
    float frac = p - (float)i;
    uint32_t next = i + 1 < received ? i + 1 : i;
    float a = ring[i % RING_SAMPLES][axis], b = ring[next % RING_SAMPLES][axis];
    return (a + (b - a) * frac) * ACCEL_G_PER_LSB;
}

static void fill_window(const labrt_tensor_info *in)
{
    float newest = (float)(received - 1);
    int8_t *q = (int8_t *)in->data;
    for (int k = 0; k < WINDOW; k++) {
        float p = newest - (float)(WINDOW - 1 - k) * (SENSOR_HZ / MODEL_HZ);
        for (int axis = 0; axis < 3; axis++) {
            long v = lroundf(sample_at(p, board_axis[axis]) / in->scale) + in->zero_point;
            q[3 * k + axis] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
        }
    }
}

static int classify(const labrt_tensor_info *in, const labrt_tensor_info *out, uint32_t *cycles,
                    int *score)
{
    fill_window(in);
    uint32_t start = cycles_now();
    labrt_invoke(&runtime);
    *cycles = cycles_now() - start;
    const int8_t *s = (const int8_t *)out->data;
    int best = 0;
    for (int l = 1; l < LABELS; l++)
        if (s[l] > s[best])
            best = l;
    *score = s[best] - out->zero_point;   /* softmax: 0..255 */
    return best;
}

int main(void)
{
    board_init();
    cycles_init();
    labrt_tensor_info in, out;
    labrt_status status = labrt_init(&runtime, g_model, (size_t)(g_model_end - g_model), arena,
                                     sizeof arena);
    if (status == LABRT_OK) {
        labrt_input(&runtime, 0, &in);
        labrt_output(&runtime, 0, &out);
    }
    if (status != LABRT_OK || in.type != LABRT_INT8 || in.bytes != WINDOW * 3 ||
        out.bytes != LABELS || imu_init() != 0) {
        printf("cannot start: %s\n", status != LABRT_OK ? labrt_error(&runtime)
                                                        : "model shape or IMU");
        lab_event("error", "stage=init status=%d", (int)status);
        lab_done();
        console_flush();
        return 1;
    }
    lab_event("model", "bytes=%lu arena=%lu", (unsigned long)(g_model_end - g_model),
              (unsigned long)labrt_arena_needed(&runtime));
    lab_arena_event(&runtime, sizeof arena);
    console_flush();
    rtc_periodic_start(LFCLK_HZ / TICKS_PER_SECOND, on_tick);
    printf("Magic starts!\n");        /* after the timer starts: its start time stays put */

    uint32_t handled = 0;
    int candidate = -1, streak = 0;
    int32_t quiet_until_ms = 0;
    for (;;) {
        cpu_disable_irq();
        if (ticks == handled)
            cpu_wfi();
        cpu_enable_irq();
        if (ticks == handled)
            continue;
        handled++;
        drain_fifo();
        if (handled % INFER_EVERY_TICKS || received < 2)
            continue;
        int32_t t_ms = (int32_t)(handled * 1000u / TICKS_PER_SECOND);
        uint32_t cycles;
        int score, label = classify(&in, &out, &cycles, &score);
        lab_event("scores", "t_ms=%ld label=%s score=%d cycles_inference=%lu", (long)t_ms,
                  names[label], score, (unsigned long)cycles);
        streak = (label == candidate) ? streak + 1 : 1;
        candidate = label;
        if (label != NEGATIVE && score >= THRESHOLD && streak >= CONSECUTIVE &&
            t_ms >= quiet_until_ms) {
            printf("%s", pictures[label]);
            lab_event("gesture", "label=%s score=%d t_ms=%ld cycles_inference=%lu", names[label],
                      score, (long)t_ms, (unsigned long)cycles);
            quiet_until_ms = t_ms + SUPPRESSION_MS;
        }
    }
}
