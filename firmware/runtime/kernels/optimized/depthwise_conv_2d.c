/* DEPTHWISE_CONV_2D, optimized int8 path (float: the reference kernel).
 *
 * Bit-exact with kernels/reference/depthwise_conv_2d.c: the same sum
 *     acc[oc] = bias[oc] + sum over the taps inside the image of w * (x + in_off)
 * in int32 arithmetic that wraps like the reference's.
 *
 * Depth multiplier 1, a channel count that is a multiple of 4 and no dilation (every
 * depthwise layer of MobileNet and DS-CNN) run four channels at a time over every
 * output position. Their weights are split once into int16 pairs (on the stack) and
 * their requantization constants computed once; the input rows a window needs are
 * copied into a ring of KH rows in the arena's scratch space, one word (four
 * channels) per column, with the input zero point in the padding around them, which
 * the offset turns into 0 (w * (zp + in_off) = 0, the reference's skipped taps). So
 * every position, the border's too, sums a whole window without a bounds check: per
 * tap one word (SXTAB16 adds the input offset while splitting it, |x + in_off| <= 255)
 * and four SMLABB/SMLATT. 3x3 windows (strides 1 and 2 alike) are unrolled in
 * assembly: 72 instructions for 36 multiply-accumulates.
 *
 * Everything else (depth multipliers above 1, channel counts that are not multiples
 * of 4, dilation, filters above 64 taps or 16 rows) walks each position's rectangle of taps
 * inside the image with four output channels summed at a time: depth multiplier 1 by
 * consecutive channels, multipliers that are a multiple of 4 with one shared input
 * value, anything else one channel at a time. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_depthwise_conv_2d;

enum {
    OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_DEPTH_MULTIPLIER, OPT_ACTIVATION,
    OPT_DILATION_W, OPT_DILATION_H
};

#define MAX_GROUPED_TAPS 64          /* split weights on the stack: 512 bytes */
#define MAX_GROUPED_ROWS 16          /* ring rows */
#define MAX_RING_BYTES (1u << 24)

typedef struct {
    labrt_conv_params conv;
    labrt_opt_output out;
    labrt_scratch scratch;     /* grouped (multiplier 1, channels % 4 == 0, no dilation,
                                  <= 64 taps in <= 16 rows): the ring of KH padded rows */
} depthwise_opt;

/* One evaluation's geometry. */
typedef struct {
    int32_t N, H, W, C, KH, KW, OH, OW;
    int32_t x_row, x_col;      /* steps between taps (dilation included) */
    int32_t ring_width;        /* grouped: words per ring row, (OW - 1) * stride + KW */
    uint32_t pad4;             /* the input zero point in all four bytes of a word */
    uint32_t offset2;          /* minus the input zero point, in both int16 halves */
} dw_shape;

/* The taps of one output position that lie inside the image. */
typedef struct {
    const int8_t *x, *w;       /* first tap: input pixel (channel 0) and weights (channel 0) */
    int32_t rows, cols;        /* 0 rows: no tap inside */
    int32_t x_row, x_col;      /* pointer steps to the next row / column of taps */
    int32_t w_row, w_col;
} taps;

static int fast_path(const labrt_tensor *input)
{
    return input->type == LABRT_INT8 && input->zero_point >= -128 && input->zero_point <= 127;
}

static int constant(const labrt_tensor *t)
{
    return !t || ((t->flags & LABRT_TENSOR_CONSTANT) && t->data);
}

/* Bytes of the grouped path's ring, 0 when the op cannot take that path. */
static uint64_t ring_bytes(const depthwise_opt *d, const labrt_tensor *input,
                           const labrt_tensor *filter, const labrt_tensor *output)
{
    const int64_t width = ((int64_t)output->dims[2] - 1) * d->conv.stride_w + filter->dims[2];
    const uint64_t bytes = (uint64_t)filter->dims[1] * (uint64_t)width * 4u;
    if (input->dims[3] != output->dims[3] || output->dims[3] % 4 != 0 || d->conv.dilation_h != 1 ||
        d->conv.dilation_w != 1 ||
        (int64_t)filter->dims[1] * filter->dims[2] > MAX_GROUPED_TAPS ||
        filter->dims[1] > MAX_GROUPED_ROWS || bytes > MAX_RING_BYTES)
        return 0;
    return bytes;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    /* The reference prepare checks everything (same models accepted, same messages);
     * float keeps its per-op data, int8 drops it. */
    const labrt_tail_mark mark = labrt_persistent_mark(ctx);
    labrt_status status = labrt_kernel_depthwise_conv_2d.prepare(ctx);
    const labrt_tensor *input, *filter, *bias, *output;
    uint32_t channels, taps_count;
    uint64_t ring;
    depthwise_opt *d;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    bias = labrt_in(ctx, 2);
    output = labrt_out(ctx, 0);
    if (!fast_path(input))
        return status;
    labrt_persistent_release(ctx, mark);
    channels = (uint32_t)output->dims[3];
    d = labrt_alloc_op_data_sized(ctx, sizeof *d + labrt_opt_channel_bytes(channels),
                                   LABRT_TARGET_SIZEOF(depthwise_opt, 56) +
                                       labrt_opt_channel_bytes(channels));
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    /* checked by the reference prepare */
    (void)labrt_prepare_conv_params(ctx, OPT_DILATION_W, OPT_DILATION_H, &d->conv);
    taps_count = (uint32_t)filter->dims[1] * (uint32_t)filter->dims[2];
    status = labrt_opt_output_init(ctx, &d->out, OPT_ACTIVATION, d + 1, channels, 1, 0.0);
    if (status != LABRT_OK)
        return status;
    if (constant(filter) && constant(bias) && taps_count < (1u << 23))
        labrt_opt_check_fast(&d->out, input->zero_point, filter, bias, channels, 1, channels,
                             taps_count);
    ring = ring_bytes(d, input, filter, output);
    if (ring == 0)
        return LABRT_OK;
    return labrt_request_scratch(ctx, &d->scratch, (uint32_t)ring);
}

/* ---- the grouped path: multiplier 1, four channels at a time ---- */

/* Channels c .. c+3 of every tap, as int16 pairs: split[2t] = {w0, w2},
 * split[2t + 1] = {w1, w3}. */
static void split_weights(const int8_t *w, uint32_t channels, uint32_t count, uint32_t *split)
{
    uint32_t t;
    for (t = 0; t < count; t++, w += channels) {
        const uint32_t v = labrt_opt_read32(w);
        split[2 * t] = labrt_sxtb16(v);
        split[2 * t + 1] = labrt_sxtb16_ror8(v);
    }
}

/* Ring row for input row iy of channels c .. c+3 (x: the batch's channel c): one word
 * per column from input column -pad_w on, zero points outside the image. */
static void fill_row(const depthwise_opt *d, const dw_shape *s, const int8_t *x, int32_t iy,
                     uint32_t *row)
{
    const int32_t pad = d->conv.pad_w, width = s->ring_width;
    int32_t col = 0, end;
    if (iy >= 0 && iy < s->H) {
        const int8_t *src = x + (int64_t)iy * s->W * s->C;
        for (; col < pad && col < width; col++)
            row[col] = s->pad4;
        end = pad + s->W < width ? pad + s->W : width;
        for (; col < end; col++, src += s->C)
            row[col] = labrt_opt_read32(src);
    }
    for (; col < width; col++)
        row[col] = s->pad4;
}

/* a += a whole window of KH x KW taps: rows[ky][col + kx] and the split weights. */
static void sum_window(const uint32_t *const *rows, int32_t col, int32_t KH, int32_t KW,
                       const uint32_t *w, uint32_t offset2, uint32_t a[4])
{
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int32_t ky, kx;
    for (ky = 0; ky < KH; ky++) {
        const uint32_t *r = rows[ky] + col;
        for (kx = 0; kx < KW; kx++, w += 2) {
            const uint32_t v = r[kx];
            const uint32_t even = labrt_sxtab16(offset2, v), odd = labrt_sxtab16_ror8(offset2, v);
            a0 = labrt_smlabb(even, w[0], a0);
            a2 = labrt_smlatt(even, w[0], a2);
            a1 = labrt_smlabb(odd, w[1], a1);
            a3 = labrt_smlatt(odd, w[1], a3);
        }
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}

#if LABRT_OPT_ASM
/* One tap of the 3x3 window: ring word at `address`, split weights at byte offset
 * `bytes` of w. */
#define TAP3(bytes, address)                                                               \
    "ldr     %[v], " address "\n\t"                                                        \
    "sxtab16 %[xe], %[off], %[v]\n\t"                                                      \
    "sxtab16 %[v], %[off], %[v], ror #8\n\t"                                               \
    "ldrd    %[we], %[wo], [%[w], #" bytes "]\n\t"                                         \
    "smlabb  %[a0], %[xe], %[we], %[a0]\n\t"                                               \
    "smlatt  %[a2], %[xe], %[we], %[a2]\n\t"                                               \
    "smlabb  %[a1], %[v], %[wo], %[a1]\n\t"                                                \
    "smlatt  %[a3], %[v], %[wo], %[a3]\n\t"
#define ROW3(row, first)                                                                   \
    TAP3(first, "[%[" row "]]")                                                            \
    TAP3(first "+8", "[%[" row "], #4]")                                                   \
    TAP3(first "+16", "[%[" row "], #8]")

/* A row of `count` positions of a 3x3 window, fast requantization: ring rows r0, r1,
 * r2 from the first window's first column, `stride` words between windows, the
 * outputs `y_step` bytes apart. A function of its own, whose loop gives the asm all
 * the registers it needs (the rest of the loop's state waits on the stack). */
static __attribute__((noinline)) void row_3x3(const uint32_t *r0, const uint32_t *r1,
                                              const uint32_t *r2, const uint32_t *w,
                                              uint32_t offset2, const uint32_t bias4[4],
                                              const labrt_opt_channel *ch, int8_t *y,
                                              int32_t count, int32_t stride, int32_t y_step)
{
    for (; count > 0; count--, r0 += stride, r1 += stride, r2 += stride, y += y_step) {
        uint32_t a0 = bias4[0], a1 = bias4[1], a2 = bias4[2], a3 = bias4[3], v, xe, we, wo;
        __asm__(ROW3("r0", "0") ROW3("r1", "24") ROW3("r2", "48")
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [v] "=&r"(v),
                  [xe] "=&r"(xe), [we] "=&r"(we), [wo] "=&r"(wo)
                : [r0] "r"(r0), [r1] "r"(r1), [r2] "r"(r2), [w] "r"(w), [off] "r"(offset2)
                : "memory");
        y[0] = (int8_t)labrt_opt_requantize_fast((int32_t)a0, &ch[0]);
        y[1] = (int8_t)labrt_opt_requantize_fast((int32_t)a1, &ch[1]);
        y[2] = (int8_t)labrt_opt_requantize_fast((int32_t)a2, &ch[2]);
        y[3] = (int8_t)labrt_opt_requantize_fast((int32_t)a3, &ch[3]);
    }
}
#endif

/* Requantized outputs of channels c .. c+3 at y (ch: their fast constants, or NULL). */
static inline void store4(const depthwise_opt *d, const labrt_opt_channel *ch,
                          const uint32_t a[4], uint32_t c, int8_t *y)
{
    if (ch) {
        y[0] = (int8_t)labrt_opt_requantize_fast((int32_t)a[0], &ch[0]);
        y[1] = (int8_t)labrt_opt_requantize_fast((int32_t)a[1], &ch[1]);
        y[2] = (int8_t)labrt_opt_requantize_fast((int32_t)a[2], &ch[2]);
        y[3] = (int8_t)labrt_opt_requantize_fast((int32_t)a[3], &ch[3]);
    } else {
        labrt_opt_requantize(&d->out, a, c, 1, 4, y, 1);
    }
}

/* Channels c .. c+3 of one output row whose window rows are in `rows`. */
static void grouped_row(const depthwise_opt *d, const dw_shape *s, const uint32_t *const *rows,
                        const uint32_t *split, const uint32_t bias4[4],
                        const labrt_opt_channel *ch, uint32_t c, int8_t *y)
{
    const int32_t stride = d->conv.stride_w;
    uint32_t a[4];
    int32_t ox;
#if LABRT_OPT_ASM
    if (s->KH == 3 && s->KW == 3 && ch) {
        row_3x3(rows[0], rows[1], rows[2], split, s->offset2, bias4, ch, y, s->OW, stride,
                s->C);
        return;
    }
#endif
    for (ox = 0; ox < s->OW; ox++, y += s->C) {
        memcpy(a, bias4, sizeof a);
        sum_window(rows, ox * stride, s->KH, s->KW, split, s->offset2, a);
        store4(d, ch, a, c, y);
    }
}

static void eval_grouped(const depthwise_opt *d, const dw_shape *s, const int8_t *x,
                         const int8_t *w, const labrt_tensor *bias, int8_t *y)
{
    uint32_t split[2 * MAX_GROUPED_TAPS], bias4[4], c, k;
    const uint32_t *rows[MAX_GROUPED_ROWS];
    int32_t held[MAX_GROUPED_ROWS];          /* the input row each ring row holds */
    labrt_opt_channel ch[4];
    uint32_t *const ring = d->scratch.data;
    const int fast = d->out.flags == LABRT_OPT_FAST;
    int32_t n, oy, ky;
    for (c = 0; c < (uint32_t)s->C; c += 4) {
        split_weights(w + c, (uint32_t)s->C, (uint32_t)(s->KH * s->KW), split);
        for (k = 0; k < 4; k++) {
            bias4[k] = labrt_opt_bias(bias, c + k);
            if (fast)
                ch[k] = labrt_opt_channel_of(&d->out, c + k);
        }
        for (n = 0; n < s->N; n++) {
            const int8_t *xn = x + (int64_t)n * s->H * s->W * s->C + c;
            for (ky = 0; ky < s->KH; ky++)
                held[ky] = INT32_MIN;
            for (oy = 0; oy < s->OH; oy++) {
                const int32_t iy0 = oy * d->conv.stride_h - d->conv.pad_h;
                for (ky = 0; ky < s->KH; ky++) {
                    const int32_t iy = iy0 + ky, slot = ((iy % s->KH) + s->KH) % s->KH;
                    uint32_t *row = ring + (int64_t)slot * s->ring_width;
                    if (held[slot] != iy) {
                        fill_row(d, s, xn, iy, row);
                        held[slot] = iy;
                    }
                    rows[ky] = row;
                }
                grouped_row(d, s, rows, split, bias4, fast ? ch : 0, c,
                            y + ((int64_t)n * s->OH + oy) * s->OW * s->C + c);
            }
        }
    }
}

/* ---- every other depthwise convolution ---- */

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
            const uint32_t xe = labrt_sxtab16(offset2, xv);
            const uint32_t xo = labrt_sxtab16_ror8(offset2, xv);
            const uint32_t we = labrt_sxtb16(wv), wo = labrt_sxtb16_ror8(wv);
            a0 = labrt_smlabb(xe, we, a0);
            a1 = labrt_smlabb(xo, wo, a1);
            a2 = labrt_smlatt(xe, we, a2);
            a3 = labrt_smlatt(xo, wo, a3);
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
            const uint32_t we = labrt_sxtb16(wv), wo = labrt_sxtb16_ror8(wv);
            a0 = labrt_smlabb(we, (uint32_t)xv, a0);
            a1 = labrt_smlabb(wo, (uint32_t)xv, a1);
            a2 = labrt_smlabb(we >> 16, (uint32_t)xv, a2);
            a3 = labrt_smlabb(wo >> 16, (uint32_t)xv, a3);
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

static void eval_generic(const depthwise_opt *d, const dw_shape *s, const labrt_tensor *in,
                         const labrt_tensor *filter, const labrt_tensor *bias,
                         const labrt_tensor *out)
{
    const int32_t OC = out->dims[3];
    const int32_t M = OC / s->C, offset = -in->zero_point;
    const labrt_conv_params *p = &d->conv;
    const int8_t *w = (const int8_t *)filter->data;
    int8_t *y = (int8_t *)out->data;
    taps t;
    int32_t n, oy, ox, oc, ky_lo, ky_hi, kx_lo, kx_hi;
    t.x_row = s->x_row;
    t.x_col = s->x_col;
    t.w_row = s->KW * OC;
    t.w_col = OC;
    for (n = 0; n < s->N; n++) {
        const int8_t *x = (const int8_t *)in->data + (int64_t)n * s->H * s->W * s->C;
        for (oy = 0; oy < s->OH; oy++) {
            const int32_t iy0 = oy * p->stride_h - p->pad_h;
            labrt_opt_tap_range(iy0, s->H, s->KH, p->dilation_h, &ky_lo, &ky_hi);
            for (ox = 0; ox < s->OW; ox++, y += OC) {
                const int32_t ix0 = ox * p->stride_w - p->pad_w;
                labrt_opt_tap_range(ix0, s->W, s->KW, p->dilation_w, &kx_lo, &kx_hi);
                t.rows = kx_hi > kx_lo ? ky_hi - ky_lo : 0;
                t.cols = kx_hi - kx_lo;
                t.x = x;
                t.w = w;
                if (t.rows > 0) {
                    t.x = x + ((int64_t)(iy0 + ky_lo * p->dilation_h) * s->W +
                               (ix0 + kx_lo * p->dilation_w)) * s->C;
                    t.w = w + (ky_lo * s->KW + kx_lo) * OC;
                }
                oc = 0;
                if (M == 1 || M % 4 == 0) {
                    for (; oc + 4 <= OC; oc += 4) {
                        uint32_t a[4];
                        a[0] = labrt_opt_bias(bias, (uint32_t)oc);
                        a[1] = labrt_opt_bias(bias, (uint32_t)oc + 1);
                        a[2] = labrt_opt_bias(bias, (uint32_t)oc + 2);
                        a[3] = labrt_opt_bias(bias, (uint32_t)oc + 3);
                        if (M == 1)
                            sum4_consecutive(&t, oc, offset, a);
                        else
                            sum4_shared(&t, oc, oc / M, offset, a);
                        labrt_opt_requantize(&d->out, a, (uint32_t)oc, 1, 4, y + oc, 1);
                    }
                }
                for (; oc < OC; oc++) {
                    uint32_t acc = sum1(&t, oc, oc / M, offset, labrt_opt_bias(bias, (uint32_t)oc));
                    labrt_opt_requantize(&d->out, &acc, (uint32_t)oc, 1, 1, y + oc, 1);
                }
            }
        }
    }
}

static void eval_int8(const depthwise_opt *d, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *bias, const labrt_tensor *out)
{
    dw_shape s;
    s.N = in->dims[0];
    s.H = in->dims[1];
    s.W = in->dims[2];
    s.C = in->dims[3];
    s.KH = filter->dims[1];
    s.KW = filter->dims[2];
    s.OH = out->dims[1];
    s.OW = out->dims[2];
    s.x_row = d->conv.dilation_h * s.W * s.C;
    s.x_col = d->conv.dilation_w * s.C;
    s.ring_width = (s.OW - 1) * d->conv.stride_w + s.KW;
    s.pad4 = (uint32_t)(uint8_t)in->zero_point * 0x01010101u;
    s.offset2 = labrt_opt_offset2(-in->zero_point);
    if (ring_bytes(d, in, filter, out))
        eval_grouped(d, &s, in->data, filter->data, bias, out->data);
    else
        eval_generic(d, &s, in, filter, bias, out);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    if (fast_path(input))
        eval_int8(node->data, input, labrt_op_input(rt, node, 1), labrt_op_input(rt, node, 2),
                  labrt_op_output(rt, node, 0));
    else
        labrt_kernel_depthwise_conv_2d.eval(rt, node);
}

const labrt_kernel labrt_kernel_depthwise_conv_2d_optimized = {4, 2, prepare, eval};

#else
typedef int labrt_optimized_depthwise_conv_2d_unused; /* LABRT_OPTIMIZED off */
#endif
