/* hello_world: TFLite Micro's first example on the virtual nRF52840. Every 50 ms an
 * inference of the sine model turns x (sweeping 0..2 pi) into y ~ sin(x); LED1's
 * brightness follows (y + 1) / 2 through PWM0. Prints what TFLite Micro's Arduino example
 * prints (the brightness, 0..255, one number a line) and an `@lab inference` event with x,
 * y and the inference's cycles. */
#include <math.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"
#include "lab_arena.h"
#include "labrt.h"

#ifndef INFERENCES_PER_CYCLE
#define INFERENCES_PER_CYCLE 20
#endif
#ifndef SWEEPS
#define SWEEPS 2
#endif
#define TWO_PI 6.28318530718f

extern const unsigned char g_model[], g_model_end[];
static labrt_runtime runtime;
static uint8_t arena[LAB_ARENA_SIZE(4096)] __attribute__((aligned(16)));
static volatile uint32_t ticks;

static void on_tick(void) { ticks++; }

static void set_input(const labrt_tensor_info *in, float x)
{
    if (in->type == LABRT_INT8) {
        long q = lroundf(x / in->scale) + in->zero_point;
        ((int8_t *)in->data)[0] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
    } else {
        ((float *)in->data)[0] = x;
    }
}

static float get_output(const labrt_tensor_info *out)
{
    if (out->type == LABRT_INT8)
        return (float)(((int8_t *)out->data)[0] - out->zero_point) * out->scale;
    return ((float *)out->data)[0];
}

int main(void)
{
    board_init();
    cycles_init();
    labrt_status status = labrt_init(&runtime, g_model, (size_t)(g_model_end - g_model), arena,
                                     sizeof arena);
    if (status != LABRT_OK) {
        printf("model does not load: %s\n", labrt_error(&runtime));
        lab_event("error", "stage=init status=%d", (int)status);
        lab_done();
        console_flush();
        return 1;
    }
    labrt_tensor_info in, out;
    labrt_input(&runtime, 0, &in);
    labrt_output(&runtime, 0, &out);
    lab_event("model", "bytes=%lu arena=%lu input_type=%ld",
              (unsigned long)(g_model_end - g_model), (unsigned long)labrt_arena_needed(&runtime),
              (long)in.type);
    lab_arena_event(&runtime, sizeof arena);
    led_pwm_init(LED1_PIN);
    rtc_periodic_start(LFCLK_HZ / 20u, on_tick);

    for (int i = 0; i < SWEEPS * INFERENCES_PER_CYCLE; i++) {
        float x = TWO_PI * (float)(i % INFERENCES_PER_CYCLE) / (float)INFERENCES_PER_CYCLE;
        set_input(&in, x);
        uint32_t start = cycles_now();
        labrt_invoke(&runtime);
        uint32_t cycles = cycles_now() - start;
        float y = get_output(&out);
        led_pwm_set((y + 1.0f) / 2.0f);
        char xs[16], ys[16];
        lab_format_fixed(xs, sizeof xs, x, 4);
        lab_format_fixed(ys, sizeof ys, y, 4);
        printf("%d\n", (int)(127.5f * (y + 1.0f)));   /* the Arduino example's line, unclamped */
        lab_event("inference", "x=%s y=%s cycles_inference=%lu", xs, ys, (unsigned long)cycles);
        uint32_t now = ticks;
        while (ticks == now)
            cpu_wfi();
    }
    rtc_periodic_stop();
    lab_done();
    console_flush();
    return 0;
}
