/* FULLY_CONNECTED, optimized int8 path (float, non-constant or offset weights:
 * the reference kernel).
 *
 * Bit-exact with kernels/reference/fully_connected.c for weights without a zero
 * point (all per-channel weights, and per-tensor weights as converters make them):
 *     acc[c] = bias[c] + in_off * sum(w[c]) + sum(w[c] * x)
 * with the first two terms one constant per output, summed in prepare; all sums
 * wrap modulo 2^32 like the reference's int32 result. Four outputs share each pass
 * over the input (labrt_opt_dot4). */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_fully_connected;

enum { OPT_ACTIVATION };

typedef struct {
    uint32_t batches, accum_depth, out_depth;
    labrt_opt_output out;          /* multipliers: out_depth entries, or 1 (step 0) */
    uint32_t *bias_sums;           /* bias + in_off * sum(w), one per output */
} fc_opt;

static int fast_path(const labrt_tensor *input, const labrt_tensor *filter,
                     const labrt_tensor *bias)
{
    return labrt_opt_constant_int8(input, filter, bias) &&
           (filter->quantization == LABRT_QUANT_PER_CHANNEL || filter->zero_point == 0);
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    /* The reference prepare checks everything (same models accepted, same messages). */
    labrt_status status = labrt_kernel_fully_connected.prepare(ctx);
    const labrt_tensor *input, *filter, *bias, *output;
    uint32_t channels, c;
    int32_t *multipliers, *shifts;
    fc_opt *d;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    bias = labrt_in(ctx, 2);
    output = labrt_out(ctx, 0);
    if (!fast_path(input, filter, bias))
        return status;
    c = (uint32_t)filter->dims[0];
    channels = filter->quantization == LABRT_QUANT_PER_CHANNEL ? c : 1;
    d = labrt_alloc_op_data(ctx, sizeof *d + ((uint64_t)c + 2 * (uint64_t)channels) *
                                                 sizeof(int32_t));
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    d->out_depth = c;
    d->accum_depth = (uint32_t)filter->dims[1];
    d->batches = labrt_elements(output) / d->out_depth;
    d->bias_sums = (uint32_t *)(d + 1);
    multipliers = (int32_t *)(d->bias_sums + d->out_depth);
    shifts = multipliers + channels;
    labrt_opt_output_init(ctx, &d->out, OPT_ACTIVATION, multipliers, shifts,
                          filter->quantization == LABRT_QUANT_PER_CHANNEL ? 1 : 0);
    labrt_opt_bias_sums(d->bias_sums, input, filter, bias, d->out_depth, d->accum_depth);
    if (d->out.step == 0) {
        /* As the reference (TFLM's GetQuantizedConvolutionMultipler): the product
         * s_in * s_w in float first. */
        double real = (double)(input->scale * filter->scale) / (double)output->scale;
        return labrt_prepare_multiplier(ctx, real, &multipliers[0], &shifts[0]);
    }
    return labrt_channel_multipliers(ctx, input, filter, output, channels, multipliers, shifts);
}

static void eval_int8(const fc_opt *d, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *out)
{
    const uint32_t K = d->accum_depth;
    const int8_t *w = (const int8_t *)filter->data;
    int8_t *y = (int8_t *)out->data;
    uint32_t batch, c;
    for (batch = 0; batch < d->batches; batch++) {
        const int8_t *x = (const int8_t *)in->data + (uint64_t)batch * K;
        for (c = 0; c + 4 <= d->out_depth; c += 4, y += 4) {
            uint32_t s[4];
            memcpy(s, d->bias_sums + c, sizeof s);
            labrt_opt_dot4(w + (uint64_t)c * K, K, x, K, s);
            labrt_opt_requantize(&d->out, s, c, 4, y);
        }
        for (; c < d->out_depth; c++, y++) {
            uint32_t s = labrt_opt_dot1(w + (uint64_t)c * K, x, K, d->bias_sums[c]);
            labrt_opt_requantize(&d->out, &s, c, 1, y);
        }
    }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    const labrt_tensor *filter = labrt_op_input(rt, node, 1);
    if (fast_path(input, filter, labrt_op_input(rt, node, 2)))
        eval_int8(node->data, input, filter, labrt_op_output(rt, node, 0));
    else
        labrt_kernel_fully_connected.eval(rt, node);
}

const labrt_kernel labrt_kernel_fully_connected_optimized = {9, 8, prepare, eval};

#else
typedef int labrt_optimized_fully_connected_unused; /* LABRT_OPTIMIZED off */
#endif
