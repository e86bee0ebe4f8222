/* DEPTHWISE_CONV_2D, optimized int8 path (float: the reference kernel).
 *
 * Bit-exact with kernels/reference/depthwise_conv_2d.c: the same sum
 *     acc[oc] = bias[oc] + sum over the taps inside the image of w * (x + in_off)
 * in int32 arithmetic that wraps like the reference's. The bounds checks leave
 * the inner loops: for each output position the taps inside the image form one
 * rectangle [ky_lo, ky_hi) x [kx_lo, kx_hi), computed once, and the inner loops
 * walk pointers over it. Four output channels are summed at a time, their
 * accumulators in registers:
 *   depth multiplier 1: four consecutive input channels (one word) meet four
 *     consecutive weights; on DSP cores SXTAB16 adds the input offset while
 *     splitting the bytes into int16 halves (|x + in_off| <= 255: exact) and
 *     SMLABB/SMLATT multiply-accumulate each half;
 *   multiplier a multiple of 4: the four channels share one input value;
 *   anything else, and the channels left over: one channel at a time. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_depthwise_conv_2d;

enum {
    OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_DEPTH_MULTIPLIER, OPT_ACTIVATION,
    OPT_DILATION_W, OPT_DILATION_H
};

typedef struct {
    labrt_conv_params conv;
    int32_t multiplier, input_offset;
    labrt_opt_output out;
} depthwise_opt;

/* The taps of one output position that lie inside the image. */
typedef struct {
    const int8_t *x, *w;       /* first tap: input pixel (channel 0) and weights (channel 0) */
    int32_t rows, cols;        /* 0 rows: no tap inside */
    int32_t x_row, x_col;      /* pointer steps to the next row / column of taps */
    int32_t w_row, w_col;
} taps;

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    /* The reference prepare checks everything (same models accepted, same messages). */
    labrt_status status = labrt_kernel_depthwise_conv_2d.prepare(ctx);
    const labrt_tensor *input, *filter, *output;
    uint32_t channels;
    depthwise_opt *d;
    int32_t *multipliers, *shifts;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    output = labrt_out(ctx, 0);
    if (input->type != LABRT_INT8)
        return status;
    channels = (uint32_t)output->dims[3];
    d = labrt_alloc_op_data(ctx, sizeof *d + 2 * (uint64_t)channels * sizeof(int32_t));
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    /* checked by the reference prepare */
    (void)labrt_prepare_conv_params(ctx, OPT_DILATION_W, OPT_DILATION_H, &d->conv);
    d->multiplier = labrt_option_i32(ctx, OPT_DEPTH_MULTIPLIER, 0);
    d->input_offset = -input->zero_point;
    multipliers = (int32_t *)(d + 1);
    shifts = multipliers + channels;
    labrt_opt_output_init(ctx, &d->out, OPT_ACTIVATION, multipliers, shifts, 1);
    return labrt_channel_multipliers(ctx, input, filter, output, channels, multipliers, shifts);
}

#if LABRT_OPT_DSP
static inline uint32_t sxtb16(uint32_t v)
{
    return (uint32_t)__builtin_arm_sxtb16((int32_t)v);
}

static inline uint32_t sxtb16_ror8(uint32_t v)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

static inline uint32_t sxtab16_ror8(uint32_t add, uint32_t v)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(add), "r"(v));
    return r;
}

/* acc + bottom(a) * bottom(b), acc + top(a) * top(b), acc + top(a) * bottom(b) */
#define SMLABB(a, b, acc) ((uint32_t)__builtin_arm_smlabb((int32_t)(a), (int32_t)(b), (int32_t)(acc)))
#define SMLATT(a, b, acc) ((uint32_t)__builtin_arm_smlatt((int32_t)(a), (int32_t)(b), (int32_t)(acc)))
#define SMLATB(a, b, acc) ((uint32_t)__builtin_arm_smlatb((int32_t)(a), (int32_t)(b), (int32_t)(acc)))
#endif

/* The assembly loops need the 13 registers a function of their own has (and
 * the C loops, too, are better off with them). */
#if LABRT_OPT_ASM
#define OWN_FRAME __attribute__((noinline))
#else
#define OWN_FRAME
#endif

/* Depth multiplier 1: channels c .. c+3 of input and weights. */
static OWN_FRAME void sum4_consecutive(const taps *t, int32_t c, int32_t offset, uint32_t a[4])
{
    const int8_t *xr = t->x + c, *wr = t->w + c;
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int32_t ky, kx;
#if LABRT_OPT_DSP
    const uint32_t offset2 = ((uint32_t)offset & 0xFFFFu) * 0x10001u; /* offset in both halves */
#endif
    for (ky = 0; ky < t->rows; ky++, xr += t->x_row, wr += t->w_row) {
        const int8_t *xp = xr, *wp = wr;
#if LABRT_OPT_ASM
        if (t->x_col == t->w_col) { /* no dilation in x: both step by C */
            uint32_t n = (uint32_t)t->cols, xv, wv, p, q;
            __asm__("1:\n\t"
                    "ldr     %[xv], [%[xp]]\n\t"
                    "add     %[xp], %[xp], %[step]\n\t"
                    "ldr     %[wv], [%[wp]]\n\t"
                    "add     %[wp], %[wp], %[step]\n\t"
                    "sxtab16 %[p], %[off], %[xv]\n\t"          /* x0, x2 (+ offset) */
                    "sxtb16  %[q], %[wv]\n\t"                  /* w0, w2 */
                    "smlabb  %[a0], %[p], %[q], %[a0]\n\t"
                    "smlatt  %[a2], %[p], %[q], %[a2]\n\t"
                    "sxtab16 %[p], %[off], %[xv], ror #8\n\t"  /* x1, x3 (+ offset) */
                    "sxtb16  %[q], %[wv], ror #8\n\t"          /* w1, w3 */
                    "smlabb  %[a1], %[p], %[q], %[a1]\n\t"
                    "smlatt  %[a3], %[p], %[q], %[a3]\n\t"
                    "subs    %[n], %[n], #1\n\t"
                    "bne     1b"
                    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                      [xp] "+r"(xp), [wp] "+r"(wp), [n] "+r"(n), [xv] "=&r"(xv),
                      [wv] "=&r"(wv), [p] "=&r"(p), [q] "=&r"(q)
                    : [step] "r"(t->w_col), [off] "r"(offset2)
                    : "cc", "memory");
            continue;
        }
#endif
        for (kx = 0; kx < t->cols; kx++, xp += t->x_col, wp += t->w_col) {
#if LABRT_OPT_DSP
            const uint32_t xv = labrt_opt_read32(xp), wv = labrt_opt_read32(wp);
            const uint32_t xe = (uint32_t)__builtin_arm_sxtab16((int32_t)offset2, (int32_t)xv);
            const uint32_t xo = sxtab16_ror8(offset2, xv);
            const uint32_t we = sxtb16(wv), wo = sxtb16_ror8(wv);
            a0 = SMLABB(xe, we, a0);
            a1 = SMLABB(xo, wo, a1);
            a2 = SMLATT(xe, we, a2);
            a3 = SMLATT(xo, wo, a3);
#else
            a0 += (uint32_t)(wp[0] * (xp[0] + offset));
            a1 += (uint32_t)(wp[1] * (xp[1] + offset));
            a2 += (uint32_t)(wp[2] * (xp[2] + offset));
            a3 += (uint32_t)(wp[3] * (xp[3] + offset));
#endif
        }
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}

/* Four output channels c .. c+3 of one input channel ic (multiplier % 4 == 0). */
static OWN_FRAME void sum4_shared(const taps *t, int32_t c, int32_t ic, int32_t offset,
                                  uint32_t a[4])
{
    const int8_t *xr = t->x + ic, *wr = t->w + c;
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int32_t ky;
    for (ky = 0; ky < t->rows; ky++, xr += t->x_row, wr += t->w_row) {
        const int8_t *xp = xr, *wp = wr;
#if LABRT_OPT_ASM
        uint32_t n = (uint32_t)t->cols, xv, wv, q;
        __asm__("1:\n\t"
                "ldrsb   %[xv], [%[xp]]\n\t"
                "add     %[xp], %[xp], %[xstep]\n\t"
                "ldr     %[wv], [%[wp]]\n\t"
                "add     %[wp], %[wp], %[wstep]\n\t"
                "add     %[xv], %[xv], %[off]\n\t"      /* x + offset, |.| <= 255 */
                "sxtb16  %[q], %[wv]\n\t"               /* w0, w2 */
                "smlabb  %[a0], %[q], %[xv], %[a0]\n\t"
                "smlatb  %[a2], %[q], %[xv], %[a2]\n\t"
                "sxtb16  %[q], %[wv], ror #8\n\t"       /* w1, w3 */
                "smlabb  %[a1], %[q], %[xv], %[a1]\n\t"
                "smlatb  %[a3], %[q], %[xv], %[a3]\n\t"
                "subs    %[n], %[n], #1\n\t"
                "bne     1b"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp),
                  [wp] "+r"(wp), [n] "+r"(n), [xv] "=&r"(xv), [wv] "=&r"(wv), [q] "=&r"(q)
                : [xstep] "r"(t->x_col), [wstep] "r"(t->w_col), [off] "r"(offset)
                : "cc", "memory");
#else
        int32_t kx;
        for (kx = 0; kx < t->cols; kx++, xp += t->x_col, wp += t->w_col) {
            const int32_t xv = *xp + offset;
#if LABRT_OPT_DSP
            const uint32_t wv = labrt_opt_read32(wp);
            const uint32_t we = sxtb16(wv), wo = sxtb16_ror8(wv);
            a0 = SMLABB(we, xv, a0);
            a1 = SMLABB(wo, xv, a1);
            a2 = SMLATB(we, xv, a2);
            a3 = SMLATB(wo, xv, a3);
#else
            a0 += (uint32_t)(wp[0] * xv);
            a1 += (uint32_t)(wp[1] * xv);
            a2 += (uint32_t)(wp[2] * xv);
            a3 += (uint32_t)(wp[3] * xv);
#endif
        }
#endif
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}

/* One output channel c of input channel ic. */
static OWN_FRAME uint32_t sum1(const taps *t, int32_t c, int32_t ic, int32_t offset,
                               uint32_t acc)
{
    const int8_t *xr = t->x + ic, *wr = t->w + c;
    const int32_t x_col = t->x_col, w_col = t->w_col, cols = t->cols;
    int32_t ky, kx;
    for (ky = 0; ky < t->rows; ky++, xr += t->x_row, wr += t->w_row) {
        const int8_t *xp = xr, *wp = wr;
        for (kx = 0; kx < cols; kx++, xp += x_col, wp += w_col)
            acc += (uint32_t)(*wp * (*xp + offset));
    }
    return acc;
}

static void eval_int8(const depthwise_opt *d, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *bias, const labrt_tensor *out)
{
    const int32_t N = in->dims[0], H = in->dims[1], W = in->dims[2], C = in->dims[3];
    const int32_t KH = filter->dims[1], KW = filter->dims[2];
    const int32_t OH = out->dims[1], OW = out->dims[2], OC = out->dims[3];
    const int32_t M = d->multiplier, offset = d->input_offset;
    const labrt_conv_params *p = &d->conv;
    const int32_t *b = bias ? (const int32_t *)bias->data : 0;
    const int8_t *w = (const int8_t *)filter->data;
    int8_t *y = (int8_t *)out->data;
    taps t;
    int32_t n, oy, ox, oc, ky_lo, ky_hi, kx_lo, kx_hi;
    t.x_row = p->dilation_h * W * C;
    t.x_col = p->dilation_w * C;
    t.w_row = KW * OC;
    t.w_col = OC;
    for (n = 0; n < N; n++) {
        const int8_t *x = (const int8_t *)in->data + (int64_t)n * H * W * C;
        for (oy = 0; oy < OH; oy++) {
            const int32_t iy0 = oy * p->stride_h - p->pad_h;
            labrt_opt_tap_range(iy0, H, KH, p->dilation_h, &ky_lo, &ky_hi);
            for (ox = 0; ox < OW; ox++, y += OC) {
                const int32_t ix0 = ox * p->stride_w - p->pad_w;
                labrt_opt_tap_range(ix0, W, KW, p->dilation_w, &kx_lo, &kx_hi);
                t.rows = kx_hi > kx_lo ? ky_hi - ky_lo : 0;
                t.cols = kx_hi - kx_lo;
                t.x = x;
                t.w = w;
                if (t.rows > 0) {
                    t.x = x + ((int64_t)(iy0 + ky_lo * p->dilation_h) * W +
                               (ix0 + kx_lo * p->dilation_w)) * C;
                    t.w = w + (ky_lo * KW + kx_lo) * OC;
                }
                oc = 0;
                if (M == 1 || M % 4 == 0) {
                    for (; oc + 4 <= OC; oc += 4) {
                        uint32_t a[4] = {0, 0, 0, 0};
                        if (b)
                            memcpy(a, b + oc, sizeof a);
                        if (M == 1)
                            sum4_consecutive(&t, oc, offset, a);
                        else
                            sum4_shared(&t, oc, oc / M, offset, a);
                        labrt_opt_requantize(&d->out, a, (uint32_t)oc, 4, y + oc);
                    }
                }
                for (; oc < OC; oc++) {
                    uint32_t acc = sum1(&t, oc, oc / M, offset, b ? (uint32_t)b[oc] : 0);
                    labrt_opt_requantize(&d->out, &acc, (uint32_t)oc, 1, y + oc);
                }
            }
        }
    }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    if (input->type == LABRT_INT8)
        eval_int8(node->data, input, labrt_op_input(rt, node, 1), labrt_op_input(rt, node, 2),
                  labrt_op_output(rt, node, 0));
    else
        labrt_kernel_depthwise_conv_2d.eval(rt, node);
}

const labrt_kernel labrt_kernel_depthwise_conv_2d_optimized = {4, 2, prepare, eval};

#else
typedef int labrt_optimized_depthwise_conv_2d_unused; /* LABRT_OPTIMIZED off */
#endif
