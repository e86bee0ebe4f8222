/* FULLY_CONNECTED, optimized int8 path (float, non-constant or offset weights: the
 * reference kernel).
 *
 * Bit-exact with kernels/reference/fully_connected.c for weights without a zero point
 * (all per-channel weights, and per-tensor weights as converters make them). With 16
 * outputs or more, each batch's input row is expanded once (+ the input offset, as
 * int16 pairs) into the arena's scratch space and four outputs share each pass over it
 * (labrt_opt_mm_4x1); with fewer, four outputs share each word of the input row as it
 * is split (labrt_opt_mm_4x1_raw). Either way acc = bias + sum(w * (x + offset)), the
 * reference's sum, which wraps modulo 2^32 like its int32 result. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_fully_connected;

enum { OPT_ACTIVATION };

#define MAX_DEPTH (1u << 24)   /* values per row: the expanded row stays far below 4 GB */
/* From this many outputs on, expanding the input row once beats splitting it for every
 * four outputs (about 7 instructions per group against 2 per group and four outputs). */
#define EXPAND_OUTPUTS 16u

typedef struct {
    labrt_opt_output out;          /* multipliers: out_depth entries, or 1 (step 0) */
    labrt_scratch scratch;         /* at least EXPAND_OUTPUTS outputs: the expanded input row */
} fc_opt;

/* One evaluation's geometry. */
typedef struct {
    const fc_opt *d;
    uint32_t batches, accum_depth, out_depth;
    uint32_t offset2;              /* minus the input zero point, in both int16 halves */
} fc_shape;

static int fast_path(const labrt_tensor *input, const labrt_tensor *filter,
                     const labrt_tensor *bias)
{
    return labrt_opt_constant_int8(input, filter, bias) &&
           (filter->quantization == LABRT_QUANT_PER_CHANNEL || filter->zero_point == 0) &&
           input->zero_point >= -128 && input->zero_point <= 127 &&
           (uint32_t)filter->dims[1] <= MAX_DEPTH;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    /* The reference prepare checks everything (same models accepted, same messages). */
    const labrt_tail_mark mark = labrt_persistent_mark(ctx);
    labrt_status status = labrt_kernel_fully_connected.prepare(ctx);
    const labrt_tensor *input, *filter, *bias, *output;
    uint32_t channels, c;
    fc_opt *d;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    bias = labrt_in(ctx, 2);
    output = labrt_out(ctx, 0);
    if (!fast_path(input, filter, bias))
        return status;
    labrt_persistent_release(ctx, mark);
    c = (uint32_t)filter->dims[0];
    channels = filter->quantization == LABRT_QUANT_PER_CHANNEL ? c : 1;
    d = labrt_alloc_op_data_sized(ctx, sizeof *d + labrt_opt_channel_bytes(channels),
                                   LABRT_TARGET_SIZEOF(fc_opt, 32) +
                                       labrt_opt_channel_bytes(channels));
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    /* Per-tensor: as the reference (TFLM's GetQuantizedConvolutionMultipler), the product
     * s_in * s_w in float first. */
    status = labrt_opt_output_init(ctx, &d->out, OPT_ACTIVATION, d + 1, channels,
                                   filter->quantization == LABRT_QUANT_PER_CHANNEL,
                                   (double)(input->scale * filter->scale) /
                                       (double)output->scale);
    if (status != LABRT_OK)
        return status;
    labrt_opt_check_fast(&d->out, input->zero_point, filter, bias, c, (uint32_t)filter->dims[1],
                         1, (uint32_t)filter->dims[1]);
    if (c < EXPAND_OUTPUTS)
        return LABRT_OK;
    return labrt_request_scratch(ctx, &d->scratch,
                                 labrt_opt_expanded_bytes((uint32_t)filter->dims[1]));
}

/* Outputs c .. of one batch from its input row x, split on the way. */
static void rows_raw(const fc_shape *d, const int8_t *x, const int8_t *w,
                     const labrt_tensor *bias, int8_t *y)
{
    const uint32_t K = d->accum_depth;
    uint32_t c, acc[4], b[4];
    for (c = 0; c + 4 <= d->out_depth; c += 4) {
        b[0] = labrt_opt_bias(bias, c);
        b[1] = labrt_opt_bias(bias, c + 1);
        b[2] = labrt_opt_bias(bias, c + 2);
        b[3] = labrt_opt_bias(bias, c + 3);
        labrt_opt_mm_4x1_raw(w + (uint64_t)c * K, K, x, K, d->offset2, b, acc);
        labrt_opt_requantize(&d->d->out, acc, c, 1, 4, y + c, 1);
    }
    if (c + 2 <= d->out_depth) {
        b[0] = labrt_opt_bias(bias, c);
        b[1] = labrt_opt_bias(bias, c + 1);
        labrt_opt_mm_2x1_raw(w + (uint64_t)c * K, K, x, K, d->offset2, b, acc);
        labrt_opt_requantize(&d->d->out, acc, c, 1, 2, y + c, 1);
        c += 2;
    }
    if (c < d->out_depth) {
        acc[0] = labrt_opt_mm_1x1_raw(w + (uint64_t)c * K, x, K, d->offset2,
                                      labrt_opt_bias(bias, c));
        labrt_opt_requantize(&d->d->out, acc, c, 1, 1, y + c, 1);
    }
}

static void eval_int8(const fc_shape *d, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *bias, const labrt_tensor *out)
{
    const uint32_t K = d->accum_depth;
    const int8_t *w = (const int8_t *)filter->data;
    uint32_t *const x = d->d->scratch.data;
    int8_t *y = (int8_t *)out->data;
    uint32_t batch, c, acc[4], b[4];
    for (batch = 0; batch < d->batches; batch++, y += d->out_depth) {
        const int8_t *row = (const int8_t *)in->data + (uint64_t)batch * K;
        if (d->out_depth < EXPAND_OUTPUTS) {
            rows_raw(d, row, w, bias, y);
            continue;
        }
        labrt_opt_expand(x, 2, row, K, d->offset2);
        for (c = 0; c + 4 <= d->out_depth; c += 4) {
            b[0] = labrt_opt_bias(bias, c);
            b[1] = labrt_opt_bias(bias, c + 1);
            b[2] = labrt_opt_bias(bias, c + 2);
            b[3] = labrt_opt_bias(bias, c + 3);
            labrt_opt_mm_4x1(w + (uint64_t)c * K, K, x, K, b, acc);
            labrt_opt_requantize(&d->d->out, acc, c, 1, 4, y + c, 1);
        }
        for (; c < d->out_depth; c++) {
            acc[0] = labrt_opt_mm_1x1(w + (uint64_t)c * K, x, K, labrt_opt_bias(bias, c));
            labrt_opt_requantize(&d->d->out, acc, c, 1, 1, y + c, 1);
        }
    }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    const labrt_tensor *filter = labrt_op_input(rt, node, 1);
    const labrt_tensor *bias = labrt_op_input(rt, node, 2);
    const labrt_tensor *output = labrt_op_output(rt, node, 0);
    fc_shape s;
    if (fast_path(input, filter, bias)) {
        s.d = node->data;
        s.out_depth = (uint32_t)filter->dims[0];
        s.accum_depth = (uint32_t)filter->dims[1];
        s.batches = labrt_elements(output) / s.out_depth;
        s.offset2 = labrt_opt_offset2(-input->zero_point);
        eval_int8(&s, input, filter, bias, output);
    } else {
        labrt_kernel_fully_connected.eval(rt, node);
    }
}

const labrt_kernel labrt_kernel_fully_connected_optimized = {9, 8, prepare, eval};

#else
typedef int labrt_optimized_fully_connected_unused; /* LABRT_OPTIMIZED off */
#endif
