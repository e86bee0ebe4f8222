/* ADD, optimized int8 path for inputs of the output's shape (float and broadcasting:
 * the reference kernel).
 *
 * Bit-exact with kernels/reference/add.c (TFLM's int8 add): each input, offset and
 * shifted left by 20, is scaled by MBQM with its multiplier (smaller than one), the two
 * are added and scaled again to the output. Every MBQM here takes SMMLAR's five
 * instructions (see labrt_opt_requantize_fast): a shifted input is below 2^28 and the
 * sum below 2^29 in magnitude, so doubling them is exact, and the input's rounding
 * shift e >= 0 (e = 0: no rounding) and the output's, with its zero point, ride along
 * in SMMLAR's accumulator. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_add;

#define LEFT_SHIFT 20

/* One input: t = (x + offset) << 21 = x << 21 + offset21, then
 * (SMMLAR(t, multiplier, rounding) - (t < 0 ? sign : 0)) >> shift. */
typedef struct {
    int32_t offset21, multiplier, rounding, sign, shift;
} add_input;

/* An int8 ADD's per-op data starts with the reference kernel's data to hand over to,
 * NULL on the fast path; only the fast path has the rest. */
typedef struct {
    const void *reference;
    add_input in1, in2;
    labrt_opt_channel out;     /* multiplier, 2^(e-1) + zero point * 2^e, e */
    int32_t min, max;
    int narrow;
} add_opt;

/* QuantizeMultiplierSmallerThanOneExp, as the reference's prepare computes it. */
static int smaller_than_one(double real, int32_t *multiplier, int32_t *shift)
{
    int s;
    if (!(real > 0.0 && real < 1.0) || !labrt_quantize_multiplier(real, multiplier, &s) || s > 0)
        return 0;
    *shift = s;
    return 1;
}

static int int8_value(int32_t v)
{
    return v >= -128 && v <= 127;
}

static int input_of(const labrt_tensor *t, double real, add_input *in)
{
    int32_t shift;
    if (!int8_value(t->zero_point) || !smaller_than_one(real, &in->multiplier, &shift))
        return 0;
    in->offset21 = (int32_t)((uint32_t)-t->zero_point << (LEFT_SHIFT + 1));
    in->shift = -shift;
    in->rounding = in->shift > 0 ? (int32_t)(1u << (in->shift - 1)) : 0;
    in->sign = in->shift > 0 ? -1 : 0;
    return 1;
}

/* The output's MBQM in the fast form: shift e >= 1 and nothing overflows with |R| <=
 * 2^29 + 1 (R: the doubling high product of a sum below 2^29). */
static int output_of(const labrt_tensor *t, double real, labrt_opt_channel *out)
{
    int32_t shift;
    int64_t margin;
    if (!int8_value(t->zero_point) || !smaller_than_one(real, &out->multiplier, &shift) ||
        shift > -1 || shift < -30)
        return 0;
    out->shift = -shift;
    margin = ((int64_t)1 << 29) + 2 + ((int64_t)1 << (out->shift - 1)) +
             (int64_t)128 * ((int64_t)1 << out->shift);
    if (margin >= ((int64_t)1 << 31))
        return 0;
    out->rounding = (int32_t)((1u << (out->shift - 1)) + ((uint32_t)t->zero_point << out->shift));
    return 1;
}

/* What the reference computes from the scales, in the fast form; 0 if it has none. */
static int parameters(const labrt_tensor *in1, const labrt_tensor *in2,
                      const labrt_tensor *output, add_opt *d)
{
    const double twice_max = 2 * (double)(in1->scale > in2->scale ? in1->scale : in2->scale);
    return input_of(in1, (double)in1->scale / twice_max, &d->in1) &&
           input_of(in2, (double)in2->scale / twice_max, &d->in2) &&
           output_of(output, twice_max / ((1 << LEFT_SHIFT) * (double)output->scale), &d->out);
}

static int same_shapes(const labrt_tensor *in1, const labrt_tensor *in2, const labrt_tensor *out)
{
    return labrt_same_shape(in1, out) && labrt_same_shape(in2, out);
}

/* int8 ADDs get per-op data of their own: the fast path's constants, or (inputs that
 * broadcast, scales without a fast form) the reference's data to hand over to. Float
 * keeps the reference's. */
static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tail_mark mark = labrt_persistent_mark(ctx);
    labrt_status status = labrt_kernel_add.prepare(ctx);
    const labrt_tensor *in1, *in2, *out;
    labrt_activation act;
    add_opt fast, *d;
    const void **handover;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    in1 = labrt_in(ctx, 0);
    in2 = labrt_in(ctx, 1);
    out = labrt_out(ctx, 0);
    if (in1->type != LABRT_INT8)
        return status;
    if (!same_shapes(in1, in2, out) || !parameters(in1, in2, out, &fast)) {
        const void *reference = ctx->node->data;
        handover = labrt_alloc_op_data_sized(ctx, sizeof *handover,
                                              LABRT_TARGET_SIZEOF(const void *, 4));
        if (!handover || status != LABRT_OK)
            return LABRT_ERR_ARENA_TOO_SMALL;
        *handover = reference;
        return LABRT_OK;
    }
    act = labrt_activation_range(labrt_option_i8(ctx, 0, 0), out);
    fast.reference = 0;
    fast.min = act.min;
    fast.max = act.max;
    fast.narrow = act.min > -128 || act.max < 127;
    labrt_persistent_release(ctx, mark);
    d = labrt_alloc_op_data_sized(ctx, sizeof *d, LABRT_TARGET_SIZEOF(add_opt, 68));
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    *d = fast;
    return LABRT_OK;
}

static inline int32_t scale_input(int32_t x, const add_input *in)
{
    const int32_t t = (int32_t)(((uint32_t)x << (LEFT_SHIFT + 1)) + (uint32_t)in->offset21);
    return (labrt_smmlar(t, in->multiplier, in->rounding) + ((t >> 31) & in->sign)) >> in->shift;
}

static void eval_int8(const add_opt *d, const int8_t *x1, const int8_t *x2, int8_t *y,
                      uint32_t n)
{
    for (; n > 0; n--) {
        const int32_t sum = scale_input(*x1++, &d->in1) + scale_input(*x2++, &d->in2);
        const int32_t v = labrt_opt_requantize_fast(sum, &d->out);
        *y++ = (int8_t)(d->narrow ? (v < d->min ? d->min : v > d->max ? d->max : v) : v);
    }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *in1 = labrt_op_input(rt, node, 0), *in2 = labrt_op_input(rt, node, 1);
    const labrt_tensor *out = labrt_op_output(rt, node, 0);
    const void *reference;
    labrt_node handover;
    if (in1->type != LABRT_INT8) {
        labrt_kernel_add.eval(rt, node);
        return;
    }
    reference = *(const void *const *)node->data;
    if (!reference) {
        eval_int8(node->data, in1->data, in2->data, out->data, labrt_elements(out));
        return;
    }
    handover = *node;
    handover.data = (void *)(uintptr_t)reference;
    labrt_kernel_add.eval(rt, &handover);
}

const labrt_kernel labrt_kernel_add_optimized = {0, 11, prepare, eval};

#else
typedef int labrt_optimized_add_unused; /* LABRT_OPTIMIZED off */
#endif
