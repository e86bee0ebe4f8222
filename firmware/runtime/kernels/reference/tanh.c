/* TANH, int8 (gemmlowp tanh on Q4.27, tflite.md 3.12) and float32. The int8
 * output has zero point 0 and scale 1/128 by construction (not checked, as
 * in TFLM). */
#include <math.h>

#include "labrt_kernel.h"

typedef struct {
    int32_t multiplier, shift, radius; /* int8 */
} tanh_data;

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input;
    tanh_data *d;
    int shift;
    labrt_status status = labrt_expect_unary(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    if (input->type == LABRT_FLOAT32)
        return LABRT_OK;
    if ((status = labrt_expect_quantized(ctx, input)) != LABRT_OK)
        return status;
    if (!labrt_q4_input_parameters(input->scale, &d->multiplier, &shift, &d->radius))
        return labrt_unsupported(ctx, "input scale out of range");
    d->shift = shift;
    return LABRT_OK;
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

static int8_t tanh_int8(const tanh_data *d, int32_t zero_point, int8_t x)
{
    const int32_t v = x - zero_point;
    if (v <= -d->radius)
        return -128;
    if (v >= d->radius)
        return 127;
    return (int8_t)labrt_clamp(labrt_rdbpot(tanh_q0(labrt_mbqm(v, d->multiplier, d->shift)), 24),
                               -128, 127);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const uint32_t n = labrt_elements(in);
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (in->type == LABRT_INT8)
            ((int8_t *)out->data)[i] =
                tanh_int8(node->data, in->zero_point, ((const int8_t *)in->data)[i]);
        else
            ((float *)out->data)[i] = tanhf(((const float *)in->data)[i]);
    }
}

const labrt_kernel labrt_kernel_tanh = {28, 0, prepare, eval};
