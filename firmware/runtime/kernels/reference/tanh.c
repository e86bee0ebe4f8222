/* TANH, int8 (gemmlowp tanh on Q4.27, tflite.md 3.12) and float32. The int8
 * output has zero point 0 and scale 1/128 by construction (not checked, as
 * in TFLM). */
#include <math.h>

#include "labrt_kernel.h"

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    labrt_status status;
    labrt_q4_input *d = labrt_prepare_unary(ctx, sizeof *d, &status);
    if (!d || labrt_in(ctx, 0)->type == LABRT_FLOAT32)
        return status;
    if ((status = labrt_expect_quantized(ctx, labrt_in(ctx, 0))) != LABRT_OK)
        return status;
    return labrt_prepare_q4_input(ctx, d);
}

/* gemmlowp tanh: F<4> -> F<0>, as (1 - e) / (1 + e) with e = exp(-2|a|). */
static int32_t tanh_q0(int32_t a)
{
    int32_t t;
    if (a == 0)
        return 0;
    /* -|a| read as F<5> is exp's argument times two */
    t = labrt_one_minus_x_over_one_plus_x(labrt_exp_on_negative_values(a > 0 ? -a : a, 5));
    return a < 0 ? -t : t;
}

static int8_t tanh_int8(const void *data, int32_t zero_point, int8_t x)
{
    const labrt_q4_input *d = data;
    const int32_t v = x - zero_point;
    if (v <= -d->radius)
        return -128;
    if (v >= d->radius)
        return 127;
    return (int8_t)labrt_clamp(labrt_rdbpot(tanh_q0(labrt_mbqm(v, d->multiplier, d->shift)), 24),
                               -128, 127);
}

static float tanh_float(float x)
{
    return tanhf(x);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_unary(rt, node, tanh_int8, tanh_float);
}

const labrt_kernel labrt_kernel_tanh = {28, 0, prepare, eval};
