/* Window stage: buffers samples, applies a Q12 Hann window, slides by one step. */
#include <math.h>
#include <string.h>

#include "fe_stages.h"

#define WINDOW_BITS 12
#define PI 3.14159265358979323846

/* Periodic-style Hann sampled at bin centres, rounded to Q12; the float/double mix
 * mirrors TensorFlow's so every coefficient rounds the same way. */
static void build_hann(int16_t *coefficients, int size)
{
    const float arg = (float)(PI * 2.0 / (float)size);
    for (int i = 0; i < size; ++i) {
        const float value = (float)(0.5 - 0.5 * cos(arg * (i + 0.5)));
        coefficients[i] = (int16_t)floor(value * (float)(1 << WINDOW_BITS) + 0.5);
    }
}

frontend_status fe_window_init(struct frontend_window *w, const frontend_config *config)
{
    w->size = config->window_size_ms * config->sample_rate / 1000;
    w->step = config->window_step_ms * config->sample_rate / 1000;
    if (w->size <= 0 || w->size > FRONTEND_MAX_FFT_SIZE || w->step <= 0 || w->step > w->size)
        return FRONTEND_ERR_WINDOW;
    build_hann(w->coefficients, w->size);
    fe_window_reset(w);
    return FRONTEND_OK;
}

void fe_window_reset(struct frontend_window *w)
{
    memset(w->input, 0, sizeof w->input);
    w->used = 0;
}

static int16_t apply_window(const struct frontend_window *w, int16_t *out)
{
    int16_t max_abs = 0;
    for (int i = 0; i < w->size; ++i) {
        const int16_t value = (int16_t)(((int32_t)w->input[i] * w->coefficients[i]) >> WINDOW_BITS);
        /* As in TF, |value| is taken in int16: -32768 stays negative and never counts. */
        const int16_t magnitude = value < 0 ? (int16_t)-value : value;
        out[i] = value;
        if (magnitude > max_abs)
            max_abs = magnitude;
    }
    return max_abs;
}

int fe_window_process(struct frontend_window *w, const int16_t *samples, size_t count,
                      size_t *consumed, int16_t *out, int16_t *max_abs)
{
    size_t take = (size_t)(w->size - w->used);
    if (take > count)
        take = count;
    if (take > 0)
        memcpy(w->input + w->used, samples, take * sizeof *samples);
    w->used += (int)take;
    *consumed = take;
    if (w->used < w->size)
        return 0;

    *max_abs = apply_window(w, out);
    memmove(w->input, w->input + w->step, (size_t)(w->size - w->step) * sizeof *w->input);
    w->used -= w->step;
    return 1;
}
