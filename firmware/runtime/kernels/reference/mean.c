/* MEAN over a constant set of axes, int8 (tflite.md 3.16) and float32 (sec. 4). */
#include "labrt_kernel.h"

/* ReducerOptions.keep_dims only shapes the output, which the model states. */
typedef struct {
    uint8_t reduced[LABRT_MAX_RANK]; /* 1 for every reduced axis */
    uint32_t count;                  /* elements averaged per output */
    int32_t multiplier, shift;       /* int8, with 1/count folded in */
} mean_data;

/* Marks the axes listed in the axis tensor (negative ones count from the end). */
static labrt_status resolve_axes(labrt_prepare_ctx *ctx, mean_data *d)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *axis = labrt_in(ctx, 1);
    uint32_t i, n = labrt_elements(axis);
    if (axis->type != LABRT_INT32 || !(axis->flags & LABRT_TENSOR_CONSTANT))
        return labrt_unsupported(ctx, "the axis tensor must be constant int32");
    for (i = 0; i < LABRT_MAX_RANK; i++)
        d->reduced[i] = 0;
    for (i = 0; i < n; i++) {
        int32_t a = ((const int32_t *)axis->data)[i];
        if (a < 0)
            a += input->rank;
        if (a < 0 || a >= input->rank)
            return labrt_invalid(ctx, "axis out of range");
        d->reduced[a] = 1;
    }
    d->count = 1;
    for (i = 0; i < input->rank; i++)
        if (d->reduced[i])
            d->count *= (uint32_t)input->dims[i];
    return LABRT_OK;
}

static int count_leading_zeros64(uint64_t x)
{
    int n = 0;
    while (n < 64 && !(x & ((uint64_t)1 << 63))) {
        x <<= 1;
        n++;
    }
    return n;
}

/* QuantizeMultiplier(s_in / s_out), then 1/count folded into it as TFLM does. */
static labrt_status int8_parameters(labrt_prepare_ctx *ctx, mean_data *d)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *output = labrt_out(ctx, 0);
    int32_t k;
    labrt_status status = labrt_expect_quantized_io(ctx);
    if (status != LABRT_OK)
        return status;
    status = labrt_prepare_multiplier(ctx, (double)input->scale / (double)output->scale,
                                      &d->multiplier, &d->shift);
    if (status != LABRT_OK)
        return status;
    k = 63 - count_leading_zeros64(d->count); /* floor(log2(count)) */
    if (k > 32)
        k = 32;
    if (k > 31 + d->shift)
        k = 31 + d->shift;
    d->multiplier = (int32_t)(((int64_t)d->multiplier << k) / d->count);
    d->shift -= k;
    return LABRT_OK;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    mean_data *d;
    labrt_status status = labrt_expect_io(ctx, 2, 2, 1);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    if ((status = labrt_expect_int8_or_float(ctx, input, output, NULL)) != LABRT_OK)
        return status;
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    if ((status = resolve_axes(ctx, d)) != LABRT_OK)
        return status;
    if (d->count == 0 || labrt_elements(input) / d->count != labrt_elements(output))
        return labrt_invalid(ctx, "output size does not match the reduced input");
    return input->type == LABRT_INT8 ? int8_parameters(ctx, d) : LABRT_OK;
}

/* Walks the input in row-major order once per output: the kept axes select
 * the output, the reduced axes are summed (the order TFLM adds them in). */
typedef struct {
    const labrt_tensor *in;
    const mean_data *d;
    uint32_t stride[LABRT_MAX_RANK];
} mean_walk;

static void walk_init(mean_walk *w, const labrt_tensor *in, const mean_data *d)
{
    uint32_t stride = 1;
    int axis;
    w->in = in;
    w->d = d;
    for (axis = in->rank - 1; axis >= 0; axis--) {
        w->stride[axis] = stride;
        stride *= (uint32_t)in->dims[axis];
    }
}

/* Input offset of output `o`'s first element: o decomposed over kept axes. */
static uint32_t output_base(const mean_walk *w, uint32_t o)
{
    uint32_t base = 0;
    int axis;
    for (axis = w->in->rank - 1; axis >= 0; axis--) {
        if (w->d->reduced[axis])
            continue;
        base += (o % (uint32_t)w->in->dims[axis]) * w->stride[axis];
        o /= (uint32_t)w->in->dims[axis];
    }
    return base;
}

/* Input offset of the r-th reduced element (row-major over reduced axes). */
static uint32_t reduced_offset(const mean_walk *w, uint32_t r)
{
    uint32_t offset = 0;
    int axis;
    for (axis = w->in->rank - 1; axis >= 0; axis--) {
        if (!w->d->reduced[axis])
            continue;
        offset += (r % (uint32_t)w->in->dims[axis]) * w->stride[axis];
        r /= (uint32_t)w->in->dims[axis];
    }
    return offset;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const mean_data *d = node->data;
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const uint32_t outputs = labrt_elements(out);
    mean_walk w;
    uint32_t o, r;
    walk_init(&w, in, d);
    for (o = 0; o < outputs; o++) {
        const uint32_t base = output_base(&w, o);
        if (in->type == LABRT_INT8) {
            const int8_t *x = (const int8_t *)in->data + base;
            int64_t sum = 0;
            int32_t y;
            for (r = 0; r < d->count; r++)
                sum += x[reduced_offset(&w, r)];
            sum -= (int64_t)in->zero_point * d->count;
            y = labrt_mbqm((int32_t)sum, d->multiplier, d->shift); /* wraps like TFLM's int32 */
            ((int8_t *)out->data)[o] = (int8_t)labrt_clamp(labrt_wrap_add(y, out->zero_point),
                                                           -128, 127);
        } else {
            const float *x = (const float *)in->data + base;
            float sum = 0.0f;
            for (r = 0; r < d->count; r++)
                sum += x[reduced_offset(&w, r)];
            ((float *)out->data)[o] = sum / (float)d->count;
        }
    }
}

const labrt_kernel labrt_kernel_mean = {40, 0, prepare, eval};
