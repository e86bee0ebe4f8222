/* LOGISTIC, int8 (gemmlowp logistic on Q4.27, tflite.md 3.12) and float32. */
#include <math.h>

#include "labrt_kernel.h"

typedef struct {
    int32_t multiplier, shift, radius; /* int8 */
} logistic_data;

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    logistic_data *d;
    int shift;
    labrt_status status = labrt_expect_unary(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    if (input->type == LABRT_FLOAT32)
        return LABRT_OK;
    if ((status = labrt_expect_quantized_io(ctx)) != LABRT_OK)
        return status;
    if (output->zero_point != -128)
        return labrt_invalid(ctx, "int8 output must have zero point -128");
    if (!labrt_q4_input_parameters(input->scale, &d->multiplier, &shift, &d->radius))
        return labrt_unsupported(ctx, "input scale out of range");
    d->shift = shift;
    return LABRT_OK;
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

static int8_t logistic_int8(const logistic_data *d, int32_t zero_point, int8_t x)
{
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
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const uint32_t n = labrt_elements(in);
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (in->type == LABRT_INT8)
            ((int8_t *)out->data)[i] =
                logistic_int8(node->data, in->zero_point, ((const int8_t *)in->data)[i]);
        else
            ((float *)out->data)[i] = logistic_float(((const float *)in->data)[i]);
    }
}

const labrt_kernel labrt_kernel_logistic = {14, 0, prepare, eval};
