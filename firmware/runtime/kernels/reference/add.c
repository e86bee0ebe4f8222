/* ADD with numpy broadcasting, int8 (tflite.md 3.13) and float32. */
#include "labrt_kernel.h"

#define LEFT_SHIFT 20

typedef struct {
    labrt_binary binary; /* broadcast shape, activation */
    int32_t multiplier1, shift1, multiplier2, shift2, out_multiplier, out_shift; /* int8 */
} add_data;

/* QuantizeMultiplierSmallerThanOneExp: 0 < real < 1, shift <= 0. */
static int smaller_than_one(double real, int32_t *multiplier, int32_t *shift)
{
    int s;
    if (!(real > 0.0 && real < 1.0) || !labrt_quantize_multiplier(real, multiplier, &s) || s > 0)
        return 0;
    *shift = s;
    return 1;
}

static labrt_status int8_parameters(labrt_prepare_ctx *ctx, add_data *d)
{
    const float s1 = labrt_in(ctx, 0)->scale, s2 = labrt_in(ctx, 1)->scale;
    const double twice_max = 2 * (double)(s1 > s2 ? s1 : s2);
    const double out_scale = labrt_out(ctx, 0)->scale;
    if (!smaller_than_one((double)s1 / twice_max, &d->multiplier1, &d->shift1) ||
        !smaller_than_one((double)s2 / twice_max, &d->multiplier2, &d->shift2) ||
        !smaller_than_one(twice_max / ((1 << LEFT_SHIFT) * out_scale), &d->out_multiplier,
                          &d->out_shift))
        return labrt_unsupported(ctx, "input/output scales out of range for int8 add");
    return LABRT_OK;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    labrt_status status;
    add_data *d = labrt_prepare_binary(ctx, sizeof *d, &status);
    if (!d || labrt_in(ctx, 0)->type != LABRT_INT8)
        return status;
    return int8_parameters(ctx, d);
}

static void add_int8(const labrt_binary_args *a, uint32_t o, uint32_t i1, uint32_t i2)
{
    const add_data *d = a->data;
    const int32_t x1 = ((const int8_t *)a->in1->data)[i1] - a->in1->zero_point;
    const int32_t x2 = ((const int8_t *)a->in2->data)[i2] - a->in2->zero_point;
    const int32_t scaled1 = labrt_mbqm(x1 * (1 << LEFT_SHIFT), d->multiplier1, d->shift1);
    const int32_t scaled2 = labrt_mbqm(x2 * (1 << LEFT_SHIFT), d->multiplier2, d->shift2);
    const int32_t sum = labrt_mbqm(scaled1 + scaled2, d->out_multiplier, d->out_shift);
    ((int8_t *)a->out->data)[o] =
        (int8_t)labrt_clamp(sum + a->out->zero_point, d->binary.act.min, d->binary.act.max);
}

static void add_float(const labrt_binary_args *a, uint32_t o, uint32_t i1, uint32_t i2)
{
    const add_data *d = a->data;
    const float sum = ((const float *)a->in1->data)[i1] + ((const float *)a->in2->data)[i2];
    ((float *)a->out->data)[o] = labrt_activate(sum, &d->binary.act);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_binary(rt, node, add_int8, add_float);
}

const labrt_kernel labrt_kernel_add = {0, 11, prepare, eval};
