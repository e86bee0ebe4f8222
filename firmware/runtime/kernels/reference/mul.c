/* MUL with numpy broadcasting, int8 (tflite.md 3.14) and float32. */
#include "labrt_kernel.h"

typedef struct {
    labrt_binary binary; /* broadcast shape, activation */
    int32_t multiplier, shift; /* int8 */
} mul_data;

static labrt_status int8_parameters(labrt_prepare_ctx *ctx, mul_data *d)
{
    const double real = (double)labrt_in(ctx, 0)->scale * (double)labrt_in(ctx, 1)->scale /
                        (double)labrt_out(ctx, 0)->scale;
    return labrt_prepare_multiplier(ctx, real, &d->multiplier, &d->shift);
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    labrt_status status;
    mul_data *d = labrt_prepare_binary(ctx, sizeof *d, &status);
    if (!d || labrt_in(ctx, 0)->type != LABRT_INT8)
        return status;
    return int8_parameters(ctx, d);
}

static void mul_int8(const labrt_binary_args *a, uint32_t o, uint32_t i1, uint32_t i2)
{
    const mul_data *d = a->data;
    const int32_t x1 = ((const int8_t *)a->in1->data)[i1] - a->in1->zero_point;
    const int32_t x2 = ((const int8_t *)a->in2->data)[i2] - a->in2->zero_point;
    const int32_t product = labrt_mbqm(x1 * x2, d->multiplier, d->shift);
    ((int8_t *)a->out->data)[o] = (int8_t)labrt_clamp(
        labrt_wrap_add(product, a->out->zero_point), d->binary.act.min, d->binary.act.max);
}

static void mul_float(const labrt_binary_args *a, uint32_t o, uint32_t i1, uint32_t i2)
{
    const mul_data *d = a->data;
    const float product = ((const float *)a->in1->data)[i1] * ((const float *)a->in2->data)[i2];
    ((float *)a->out->data)[o] = labrt_activate(product, &d->binary.act);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_binary(rt, node, mul_int8, mul_float);
}

const labrt_kernel labrt_kernel_mul = {18, 21, prepare, eval};
