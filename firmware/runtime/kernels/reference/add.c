/* ADD with numpy broadcasting, int8 (tflite.md 3.13) and float32. */
#include "labrt_kernel.h"

enum { OPT_ACTIVATION };

#define LEFT_SHIFT 20

typedef struct {
    labrt_broadcast shape;
    labrt_activation act;
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

static labrt_status check_types(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *in1 = labrt_in(ctx, 0), *in2 = labrt_in(ctx, 1), *out = labrt_out(ctx, 0);
    labrt_status status = LABRT_OK;
    if (in1->type != LABRT_INT8 && in1->type != LABRT_FLOAT32)
        return labrt_unsupported_type(ctx, in1);
    if (in2->type != in1->type || out->type != in1->type)
        return labrt_unsupported_type(ctx, in2->type != in1->type ? in2 : out);
    if (in1->type == LABRT_INT8 && (status = labrt_expect_quantized(ctx, in1)) == LABRT_OK &&
        (status = labrt_expect_quantized(ctx, in2)) == LABRT_OK)
        status = labrt_expect_quantized(ctx, out);
    return status;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    add_data *d;
    labrt_status status = labrt_expect_io(ctx, 2, 2, 1);
    if (status == LABRT_OK)
        status = check_types(ctx);
    if (status != LABRT_OK)
        return status;
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    status = labrt_prepare_broadcast(ctx, labrt_in(ctx, 0), labrt_in(ctx, 1), labrt_out(ctx, 0),
                                     &d->shape);
    if (status != LABRT_OK)
        return status;
    d->act = labrt_activation_range(labrt_option_i8(ctx, OPT_ACTIVATION, 0), labrt_out(ctx, 0));
    return labrt_in(ctx, 0)->type == LABRT_INT8 ? int8_parameters(ctx, d) : LABRT_OK;
}

typedef struct {
    const add_data *d;
    const labrt_tensor *in1, *in2, *out;
} add_args;

static void add_int8(void *user, uint32_t o, uint32_t i1, uint32_t i2)
{
    const add_args *a = user;
    const add_data *d = a->d;
    const int32_t x1 = ((const int8_t *)a->in1->data)[i1] - a->in1->zero_point;
    const int32_t x2 = ((const int8_t *)a->in2->data)[i2] - a->in2->zero_point;
    const int32_t scaled1 = labrt_mbqm(x1 * (1 << LEFT_SHIFT), d->multiplier1, d->shift1);
    const int32_t scaled2 = labrt_mbqm(x2 * (1 << LEFT_SHIFT), d->multiplier2, d->shift2);
    const int32_t sum = labrt_mbqm(scaled1 + scaled2, d->out_multiplier, d->out_shift);
    ((int8_t *)a->out->data)[o] =
        (int8_t)labrt_clamp(sum + a->out->zero_point, d->act.min, d->act.max);
}

static void add_float(void *user, uint32_t o, uint32_t i1, uint32_t i2)
{
    const add_args *a = user;
    const float sum = ((const float *)a->in1->data)[i1] + ((const float *)a->in2->data)[i2];
    ((float *)a->out->data)[o] = labrt_activate(sum, &a->d->act);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    add_args a;
    a.d = node->data;
    a.in1 = labrt_op_input(rt, node, 0);
    a.in2 = labrt_op_input(rt, node, 1);
    a.out = labrt_op_output(rt, node, 0);
    labrt_broadcast_each(&a.d->shape, a.in1->type == LABRT_INT8 ? add_int8 : add_float, &a);
}

const labrt_kernel labrt_kernel_add = {0, 11, prepare, eval};
