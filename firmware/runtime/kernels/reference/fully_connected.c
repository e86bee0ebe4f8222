/* FULLY_CONNECTED, int8 (per-tensor or per-channel weights) and float32
 * (tflite.md 3.7 and sec. 4). Weights [out_depth, accum_depth]; the input is
 * read as [batches, accum_depth] with batches = output elements / out_depth. */
#include "labrt_kernel.h"

enum { OPT_ACTIVATION, OPT_WEIGHTS_FORMAT };

typedef struct {
    uint32_t batches, accum_depth, out_depth;
    int per_channel;
    labrt_activation act;
    int32_t *multipliers, *shifts; /* int8: out_depth entries, or 1 */
} fc_data;

static labrt_status check_shapes(labrt_prepare_ctx *ctx, fc_data *g)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *bias = labrt_in(ctx, 2), *output = labrt_out(ctx, 0);
    if (labrt_option_i8(ctx, OPT_WEIGHTS_FORMAT, 0) != 0)
        return labrt_unsupported(ctx, "shuffled weights are not supported");
    if (filter->rank != 2 || filter->dims[0] < 1)
        return labrt_invalid(ctx, "weights must be 2-D [out_depth, accum_depth]");
    g->out_depth = (uint32_t)filter->dims[0];
    g->accum_depth = (uint32_t)filter->dims[1];
    if ((uint32_t)labrt_dim(output, -1) != g->out_depth)
        return labrt_invalid(ctx, "output's last dimension must equal the weights' rows");
    g->batches = labrt_elements(output) / g->out_depth;
    if ((uint64_t)g->batches * g->accum_depth != labrt_elements(input))
        return labrt_invalid(ctx, "input size does not match batches x accum_depth");
    if (bias && labrt_elements(bias) != g->out_depth)
        return labrt_invalid(ctx, "bias must have one value per output");
    return LABRT_OK;
}

static labrt_status check_types(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *bias = labrt_in(ctx, 2), *output = labrt_out(ctx, 0);
    labrt_status status = labrt_expect_int8_or_float(ctx, input, filter, output);
    if (status != LABRT_OK)
        return status;
    if (bias && bias->type != (input->type == LABRT_INT8 ? LABRT_INT32 : LABRT_FLOAT32))
        return labrt_unsupported_type(ctx, bias);
    if ((status = labrt_expect_quantized_io(ctx)) == LABRT_OK && input->type == LABRT_INT8 &&
        filter->quantization == LABRT_QUANT_NONE)
        status = labrt_invalid(ctx, "int8 weights need quantization scales");
    return status;
}

/* Per-tensor: the product s_in * s_w is taken in float first, as TFLM's
 * GetQuantizedConvolutionMultipler does. */
static labrt_status tensor_multiplier(labrt_prepare_ctx *ctx, fc_data *d)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *output = labrt_out(ctx, 0);
    double real = (double)(input->scale * filter->scale) / (double)output->scale;
    return labrt_prepare_multiplier(ctx, real, &d->multipliers[0], &d->shifts[0]);
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *filter, *output;
    fc_data geometry, *d;
    uint32_t channels = 0;
    labrt_status status = labrt_expect_io(ctx, 2, 3, 1);
    if (status == LABRT_OK)
        status = check_shapes(ctx, &geometry);
    if (status == LABRT_OK)
        status = check_types(ctx);
    if (status != LABRT_OK)
        return status;
    filter = labrt_in(ctx, 1);
    output = labrt_out(ctx, 0);
    geometry.per_channel = filter->quantization == LABRT_QUANT_PER_CHANNEL;
    if (filter->type == LABRT_INT8)
        channels = geometry.per_channel ? geometry.out_depth : 1;
    d = labrt_alloc_op_data_sized(ctx, sizeof *d + 2 * (uint64_t)channels * sizeof(int32_t),
                                   LABRT_TARGET_SIZEOF(fc_data, 40) +
                                       2 * (uint64_t)channels * sizeof(int32_t));
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    *d = geometry;
    d->act = labrt_activation_range(labrt_option_i8(ctx, OPT_ACTIVATION, 0), output);
    d->multipliers = (int32_t *)(d + 1);
    d->shifts = d->multipliers + channels;
    if (channels == 0)
        return LABRT_OK;
    if (!d->per_channel)
        return tensor_multiplier(ctx, d);
    return labrt_channel_multipliers(ctx, labrt_in(ctx, 0), filter, output, channels,
                                     d->multipliers, d->shifts);
}

static void eval_int8(const void *data, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *bias, const labrt_tensor *out)
{
    const fc_data *d = data;
    const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
    const int32_t *b = bias ? (const int32_t *)bias->data : 0;
    const int32_t filter_offset = d->per_channel ? 0 : -filter->zero_point;
    int8_t *y = (int8_t *)out->data;
    uint32_t batch, c, i;
    for (batch = 0; batch < d->batches; batch++)
        for (c = 0; c < d->out_depth; c++) {
            const int8_t *xb = x + batch * d->accum_depth, *wc = w + c * d->accum_depth;
            const uint32_t q = d->per_channel ? c : 0;
            int64_t acc = 0; /* 64-bit: TFLM's int32 sum without overflow UB */
            for (i = 0; i < d->accum_depth; i++)
                acc += (wc[i] + filter_offset) * (xb[i] - in->zero_point);
            if (b)
                acc += b[c];
            *y++ = labrt_requantize((int32_t)acc, d->multipliers[q], d->shifts[q], out->zero_point,
                                    &d->act);
        }
}

static void eval_float(const void *data, const labrt_tensor *in, const labrt_tensor *filter,
                       const labrt_tensor *bias, const labrt_tensor *out)
{
    const fc_data *d = data;
    const float *x = (const float *)in->data, *w = (const float *)filter->data;
    const float *b = bias ? (const float *)bias->data : 0;
    float *y = (float *)out->data;
    uint32_t batch, c, i;
    for (batch = 0; batch < d->batches; batch++)
        for (c = 0; c < d->out_depth; c++) {
            const float *xb = x + batch * d->accum_depth, *wc = w + c * d->accum_depth;
            float total = 0.0f;
            for (i = 0; i < d->accum_depth; i++)
                total += xb[i] * wc[i];
            *y++ = labrt_activate(total + (b ? b[c] : 0.0f), &d->act);
        }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_weights_op(rt, node, eval_int8, eval_float);
}

const labrt_kernel labrt_kernel_fully_connected = {9, 8, prepare, eval};
