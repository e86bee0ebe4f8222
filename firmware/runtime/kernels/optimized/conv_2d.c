/* CONV_2D, optimized int8 path (float and non-constant weights: the reference kernel).
 *
 * Bit-exact with kernels/reference/conv_2d.c. For each output position and group the
 * input window is gathered into one contiguous patch of KH*KW*KC bytes in the
 * filter's order (im2col); taps outside the image are filled with the input zero
 * point, which adds w * (zp + in_off) = 0, exactly as the reference's skipped taps.
 * So for every position
 *     acc[oc] = bias[oc] + in_off * sum(w[oc]) + sum(w[oc] * patch)
 * where the first two terms are one constant per channel, summed in prepare. All
 * sums wrap modulo 2^32, which is the reference's int32 result. Four output
 * channels share each pass over the patch (labrt_opt_dot4). Windows that lie
 * inside the image and are contiguous in memory (1x1 filters, rows of full
 * width) are used in place, without a copy. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_conv_2d;

enum { OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_ACTIVATION, OPT_DILATION_W, OPT_DILATION_H };

typedef struct {
    int32_t H, W, C, KH, KW, KC, OH, OW, OC, groups, per_group;
    labrt_conv_params conv;
    labrt_opt_output out;
    uint32_t pad4;             /* the input zero point in all four bytes of a word */
    uint32_t patch_len;        /* KH * KW * KC */
    int rows;                  /* gather whole rows of taps (no groups, no dilation in x) */
    int in_place;              /* windows inside the image are contiguous in the input */
    uint32_t *bias_sums;       /* bias + in_off * sum(w), one per output channel */
    int8_t *patch;             /* patch_len bytes */
} conv_opt;

static int fast_path(const labrt_tensor *input, const labrt_tensor *filter,
                     const labrt_tensor *bias)
{
    return labrt_opt_constant_int8(input, filter, bias);
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    /* The reference prepare checks everything (same models accepted, same
     * messages); its op data serves the reference eval used for float. */
    labrt_status status = labrt_kernel_conv_2d.prepare(ctx);
    const labrt_tensor *input, *filter, *bias, *output;
    int32_t *multipliers, *shifts;
    conv_opt *d;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    bias = labrt_in(ctx, 2);
    output = labrt_out(ctx, 0);
    if (!fast_path(input, filter, bias))
        return status;
    d = labrt_alloc_op_data(ctx, sizeof *d + 3 * (uint64_t)output->dims[3] * sizeof(int32_t) +
                                     (uint64_t)filter->dims[1] * filter->dims[2] * filter->dims[3]);
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    d->H = input->dims[1];
    d->W = input->dims[2];
    d->C = input->dims[3];
    d->KH = filter->dims[1];
    d->KW = filter->dims[2];
    d->KC = filter->dims[3];
    d->OH = output->dims[1];
    d->OW = output->dims[2];
    d->OC = output->dims[3];
    d->groups = d->C / d->KC;
    d->per_group = d->OC / d->groups;
    /* checked by the reference prepare */
    (void)labrt_prepare_conv_params(ctx, OPT_DILATION_W, OPT_DILATION_H, &d->conv);
    d->pad4 = (uint32_t)(uint8_t)input->zero_point * 0x01010101u;
    d->patch_len = (uint32_t)d->KH * (uint32_t)d->KW * (uint32_t)d->KC;
    d->rows = d->groups == 1 && (d->KW == 1 || d->conv.dilation_w == 1);
    /* In place: one pixel (1x1 filters, any groups), one row of taps, or whole
     * rows of the image stacked. */
    d->in_place = (d->KH == 1 && d->KW == 1) ||
                  (d->rows && (d->KH == 1 || (d->KW == d->W && d->conv.dilation_h == 1)));
    d->bias_sums = (uint32_t *)(d + 1);
    multipliers = (int32_t *)(d->bias_sums + d->OC);
    shifts = multipliers + d->OC;
    d->patch = (int8_t *)(shifts + d->OC);
    labrt_opt_output_init(ctx, &d->out, OPT_ACTIVATION, multipliers, shifts, 1);
    labrt_opt_bias_sums(d->bias_sums, input, filter, bias, (uint32_t)d->OC, d->patch_len);
    return labrt_channel_multipliers(ctx, input, filter, output, (uint32_t)d->OC, multipliers,
                                     shifts);
}

/* The window at (iy0, ix0), input channels [c0, c0 + KC), taps [ky_lo, ky_hi) x
 * [kx_lo, kx_hi) inside the image: a pointer into the input when it is
 * contiguous there, else gathered into d->patch with the zero point around it. */
static const int8_t *window(const conv_opt *d, const int8_t *x, int32_t iy0, int32_t ix0,
                            int32_t c0, int32_t ky_lo, int32_t ky_hi, int32_t kx_lo,
                            int32_t kx_hi)
{
    const uint32_t row_len = (uint32_t)(d->KW * d->KC);
    const int32_t x_step = d->conv.dilation_h * d->W * d->C;
    int8_t *p = d->patch;
    const int8_t *src;
    int32_t ky, kx;
    if (kx_lo == kx_hi || ky_lo == ky_hi) { /* no tap inside the image */
        labrt_opt_fill(p, d->pad4, d->patch_len);
        return d->patch;
    }
    src = x + ((int64_t)(iy0 + ky_lo * d->conv.dilation_h) * d->W + ix0 +
               kx_lo * d->conv.dilation_w) * d->C + c0;
    if (d->in_place && ky_lo == 0 && ky_hi == d->KH && kx_lo == 0 && kx_hi == d->KW)
        return src;
    labrt_opt_fill(p, d->pad4, (uint32_t)ky_lo * row_len);
    p += (uint32_t)ky_lo * row_len;
    if (d->rows && kx_lo == 0 && kx_hi == d->KW) {
        /* Whole rows inside the image: copies only. */
        if ((row_len & 3u) == 0) {
            for (ky = ky_lo; ky < ky_hi; ky++, src += x_step) {
                const int8_t *from = src, *const end = src + row_len;
                do {
                    labrt_opt_write32(p, labrt_opt_read32(from));
                    p += 4;
                    from += 4;
                } while (from != end);
            }
        } else {
            for (ky = ky_lo; ky < ky_hi; ky++, p += row_len, src += x_step)
                labrt_opt_copy(p, src, row_len);
        }
    } else if (d->rows) {
        /* Each row: zero points, (kx_hi - kx_lo) * C input bytes, zero points. */
        const uint32_t left = (uint32_t)(kx_lo * d->C), mid = (uint32_t)((kx_hi - kx_lo) * d->C);
        const uint32_t right = row_len - left - mid;
        for (ky = ky_lo; ky < ky_hi; ky++, p += row_len, src += x_step) {
            labrt_opt_fill(p, d->pad4, left);
            labrt_opt_copy(p + left, src, mid);
            labrt_opt_fill(p + left + mid, d->pad4, right);
        }
    } else {
        /* Tap by tap (groups, dilation in x). */
        const int32_t tap_step = d->conv.dilation_w * d->C;
        const uint32_t KC = (uint32_t)d->KC;
        for (ky = ky_lo; ky < ky_hi; ky++, p += row_len, src += x_step) {
            const int8_t *tap = src;
            labrt_opt_fill(p, d->pad4, (uint32_t)kx_lo * KC);
            for (kx = kx_lo; kx < kx_hi; kx++, tap += tap_step)
                labrt_opt_copy(p + (uint32_t)kx * KC, tap, KC);
            labrt_opt_fill(p + (uint32_t)kx_hi * KC, d->pad4, (uint32_t)(d->KW - kx_hi) * KC);
        }
    }
    labrt_opt_fill(p, d->pad4, (uint32_t)(d->KH - ky_hi) * row_len);
    return d->patch;
}

static void eval_int8(const conv_opt *d, const int8_t *input, const int8_t *w, int8_t *y,
                      int32_t batches)
{
    const uint32_t len = d->patch_len;
    int32_t n, oy, ox, g, oc, ky_lo, ky_hi, kx_lo, kx_hi;
    for (n = 0; n < batches; n++) {
        const int8_t *x = input + (int64_t)n * d->H * d->W * d->C;
        for (oy = 0; oy < d->OH; oy++) {
            const int32_t iy0 = oy * d->conv.stride_h - d->conv.pad_h;
            labrt_opt_tap_range(iy0, d->H, d->KH, d->conv.dilation_h, &ky_lo, &ky_hi);
            for (ox = 0; ox < d->OW; ox++) {
                const int32_t ix0 = ox * d->conv.stride_w - d->conv.pad_w;
                if (ix0 >= 0 && ix0 + (d->KW - 1) * d->conv.dilation_w < d->W) {
                    kx_lo = 0;
                    kx_hi = d->KW;
                } else {
                    labrt_opt_tap_range(ix0, d->W, d->KW, d->conv.dilation_w, &kx_lo, &kx_hi);
                }
                for (g = 0; g < d->groups; g++) {
                    const int8_t *patch =
                        window(d, x, iy0, ix0, g * d->KC, ky_lo, ky_hi, kx_lo, kx_hi);
                    const int32_t end = (g + 1) * d->per_group;
                    for (oc = g * d->per_group; oc + 4 <= end; oc += 4, y += 4) {
                        uint32_t s[4];
                        memcpy(s, d->bias_sums + oc, sizeof s);
                        labrt_opt_dot4(w + (int64_t)oc * len, len, patch, len, s);
                        labrt_opt_requantize(&d->out, s, (uint32_t)oc, 4, y);
                    }
                    for (; oc < end; oc++, y++) {
                        uint32_t s = labrt_opt_dot1(w + (int64_t)oc * len, patch, len,
                                                    d->bias_sums[oc]);
                        labrt_opt_requantize(&d->out, &s, (uint32_t)oc, 1, y);
                    }
                }
            }
        }
    }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    const labrt_tensor *filter = labrt_op_input(rt, node, 1);
    const labrt_tensor *output = labrt_op_output(rt, node, 0);
    if (fast_path(input, filter, labrt_op_input(rt, node, 2)))
        eval_int8(node->data, input->data, filter->data, output->data, input->dims[0]);
    else
        labrt_kernel_conv_2d.eval(rt, node);
}

const labrt_kernel labrt_kernel_conv_2d_optimized = {3, 1, prepare, eval};

#else
typedef int labrt_optimized_conv_2d_unused; /* LABRT_OPTIMIZED off: nothing to compile */
#endif
