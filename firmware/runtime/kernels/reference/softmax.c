/* SOFTMAX over the last axis, int8 -> int8 (gemmlowp exp method, tflite.md
 * 3.11) and float32 (sec. 4). */
#include "labrt_kernel.h"

#include <math.h>

enum { OPT_BETA };

#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

typedef struct {
    uint32_t rows, depth;
    float beta;
    int32_t multiplier, left_shift, diff_min; /* int8 */
} softmax_data;

static labrt_status check_int8(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *output = labrt_out(ctx, 0);
    labrt_status status = labrt_expect_quantized_io(ctx);
    if (status != LABRT_OK)
        return status;
    if (output->zero_point != -128 || fabsf(output->scale - 1.0f / 256) > 0.001f / 256)
        return labrt_invalid(ctx, "int8 output must have zero point -128 and scale 1/256");
    return LABRT_OK;
}

/* PreprocessSoftmaxScaling and CalculateInputRadius, in double as TFLM. */
static labrt_status int8_parameters(labrt_prepare_ctx *ctx, softmax_data *d)
{
    const double input_scale = labrt_in(ctx, 0)->scale;
    double real = (double)d->beta * input_scale * (double)(1 << (31 - SCALED_DIFF_INTEGER_BITS));
    int shift;
    if (real > 2147483647.0)
        real = 2147483647.0;
    if (!(real > 1.0) || !labrt_quantize_multiplier(real, &d->multiplier, &shift) || shift < 0)
        return labrt_unsupported(ctx, "beta x input scale out of range for int8 softmax");
    d->left_shift = shift;
    d->diff_min = -(int32_t)floor((double)((1 << SCALED_DIFF_INTEGER_BITS) - 1) *
                                  (double)(1 << (31 - SCALED_DIFF_INTEGER_BITS)) /
                                  ldexp(1.0, shift));
    return LABRT_OK;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input;
    softmax_data *d;
    labrt_status status = labrt_expect_unary(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    if (input->rank < 1) /* no last axis */
        return labrt_invalid(ctx, "input and output shapes must be equal");
    if (input->type == LABRT_INT8 && (status = check_int8(ctx)) != LABRT_OK)
        return status;
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    d->depth = (uint32_t)labrt_dim(input, -1);
    d->rows = labrt_elements(input) / d->depth;
    d->beta = labrt_option_f32(ctx, OPT_BETA, 0.0f);
    return input->type == LABRT_INT8 ? int8_parameters(ctx, d) : LABRT_OK;
}

static int count_leading_zeros(uint32_t x)
{
    int n = 0;
    while (n < 32 && !(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* exp(beta * s_in * (x - max)) in Q0.31 for a difference within range. */
static int32_t exp_of_difference(const softmax_data *d, int32_t difference)
{
    int32_t scaled = labrt_srdhm(labrt_shift_left(difference, d->left_shift), d->multiplier);
    return labrt_exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS);
}

static void softmax_row_int8(const softmax_data *d, const int8_t *x, int8_t *y)
{
    int32_t max = -128, sum = 0, reciprocal;
    int headroom, exponent;
    uint32_t c, shifted_sum;
    for (c = 0; c < d->depth; c++)
        if (x[c] > max)
            max = x[c];
    for (c = 0; c < d->depth; c++)
        if (x[c] - max >= d->diff_min)  /* Q12.19 accumulation, wrapping like int32 */
            sum = labrt_wrap_add(
                sum, labrt_rdbpot(exp_of_difference(d, x[c] - max), ACCUMULATION_INTEGER_BITS));
    /* 1 / sum as a Q0.31 reciprocal of the normalised sum and a shift. */
    headroom = count_leading_zeros((uint32_t)sum);
    shifted_sum = headroom < 32 ? (uint32_t)sum << headroom : 0;
    reciprocal = labrt_one_over_one_plus_x((int32_t)(shifted_sum - 0x80000000u));
    exponent = ACCUMULATION_INTEGER_BITS - headroom + 31 - 8;
    for (c = 0; c < d->depth; c++) {
        int32_t out = -128;
        if (x[c] - max >= d->diff_min) {
            int32_t scaled = labrt_srdhm(reciprocal, exp_of_difference(d, x[c] - max));
            /* exponent > 31 needs a sum >= 2^28 (over 512 logits at the row's max):
             * every output is then below 1/256. TFLM aborts there (gemmlowp
             * asserts exponent <= 31); the true result is -128. */
            out = (exponent <= 31 ? labrt_rdbpot(scaled, exponent) : 0) - 128;
        }
        y[c] = (int8_t)labrt_clamp(out, -128, 127);
    }
}

static void softmax_row_float(const softmax_data *d, const float *x, float *y)
{
    float max = -3.402823466e+38f, sum = 0.0f;
    uint32_t c;
    for (c = 0; c < d->depth; c++)
        max = max < x[c] ? x[c] : max;
    for (c = 0; c < d->depth; c++) {
        y[c] = expf((x[c] - max) * d->beta);
        sum += y[c];
    }
    for (c = 0; c < d->depth; c++)
        y[c] = y[c] / sum;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const softmax_data *d = node->data;
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    uint32_t row;
    for (row = 0; row < d->rows; row++) {
        if (in->type == LABRT_INT8)
            softmax_row_int8(d, (const int8_t *)in->data + row * d->depth,
                             (int8_t *)out->data + row * d->depth);
        else
            softmax_row_float(d, (const float *)in->data + row * d->depth,
                              (float *)out->data + row * d->depth);
    }
}

const labrt_kernel labrt_kernel_softmax = {25, 9, prepare, eval};
