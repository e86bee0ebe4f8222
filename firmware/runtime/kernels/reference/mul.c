/* MUL with numpy broadcasting, int8 (tflite.md 3.14) and float32. */
#include "labrt_kernel.h"

enum { OPT_ACTIVATION };

typedef struct {
    labrt_broadcast shape;
    labrt_activation act;
    int32_t multiplier, shift; /* int8 */
} mul_data;

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

static labrt_status int8_parameters(labrt_prepare_ctx *ctx, mul_data *d)
{
    const double real = (double)labrt_in(ctx, 0)->scale * (double)labrt_in(ctx, 1)->scale /
                        (double)labrt_out(ctx, 0)->scale;
    int shift;
    if (!labrt_quantize_multiplier(real, &d->multiplier, &shift))
        return labrt_unsupported(ctx, "requantization multiplier out of range");
    d->shift = shift;
    return LABRT_OK;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    mul_data *d;
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
    const mul_data *d;
    const labrt_tensor *in1, *in2, *out;
} mul_args;

static void mul_int8(void *user, uint32_t o, uint32_t i1, uint32_t i2)
{
    const mul_args *a = user;
    const int32_t x1 = ((const int8_t *)a->in1->data)[i1] - a->in1->zero_point;
    const int32_t x2 = ((const int8_t *)a->in2->data)[i2] - a->in2->zero_point;
    const int32_t product = labrt_mbqm(x1 * x2, a->d->multiplier, a->d->shift);
    ((int8_t *)a->out->data)[o] = (int8_t)labrt_clamp(
        labrt_wrap_add(product, a->out->zero_point), a->d->act.min, a->d->act.max);
}

static void mul_float(void *user, uint32_t o, uint32_t i1, uint32_t i2)
{
    const mul_args *a = user;
    const float product = ((const float *)a->in1->data)[i1] * ((const float *)a->in2->data)[i2];
    ((float *)a->out->data)[o] = labrt_activate(product, &a->d->act);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    mul_args a;
    a.d = node->data;
    a.in1 = labrt_op_input(rt, node, 0);
    a.in2 = labrt_op_input(rt, node, 1);
    a.out = labrt_op_output(rt, node, 0);
    labrt_broadcast_each(&a.d->shape, a.in1->type == LABRT_INT8 ? mul_int8 : mul_float, &a);
}

const labrt_kernel labrt_kernel_mul = {18, 21, prepare, eval};
