/* LOGISTIC, int8 (gemmlowp logistic on Q4.27, tflite.md 3.12) and float32. */
#include <math.h>

#include "labrt_kernel.h"

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    labrt_status status;
    labrt_q4_input *d = labrt_prepare_unary(ctx, sizeof *d, &status);
    if (!d || labrt_in(ctx, 0)->type == LABRT_FLOAT32)
        return status;
    if ((status = labrt_expect_quantized_io(ctx)) != LABRT_OK)
        return status;
    if (labrt_out(ctx, 0)->zero_point != -128)
        return labrt_invalid(ctx, "int8 output must have zero point -128");
    return labrt_prepare_q4_input(ctx, d);
}

/* gemmlowp logistic: F<4> -> F<0>, via exp(-|a|) and 1 / (1 + x). */
static int32_t logistic_q0(int32_t a)
{
    int32_t positive;
    if (a == 0)
        return 1 << 30; /* one half */
    positive = labrt_one_over_one_plus_x(labrt_exp_on_negative_values(a > 0 ? -a : a, 4));
    return a > 0 ? positive : INT32_MAX - positive;
}

static int8_t logistic_int8(const void *data, int32_t zero_point, int8_t x)
{
    const labrt_q4_input *d = data;
    const int32_t v = x - zero_point;
    int32_t y;
    if (v <= -d->radius)
        return -128;
    if (v >= d->radius)
        return 127;
    y = logistic_q0(labrt_mbqm(v, d->multiplier, d->shift));
    return (int8_t)labrt_clamp(labrt_rdbpot(y, 23) - 128, -128, 127);
}

static float logistic_float(float x)
{
    if (x > 16.619047164916992188f)
        return 1.0f;
    if (x < -9.0f)
        return expf(x);
    return 1.0f / (1.0f + expf(-x));
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_unary(rt, node, logistic_int8, logistic_float);
}

const labrt_kernel labrt_kernel_logistic = {14, 0, prepare, eval};
