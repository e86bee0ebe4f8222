/* CONV_2D, optimized int8 path (float and non-constant weights: the reference kernel).
 *
 * Bit-exact with kernels/reference/conv_2d.c. A convolution is a matrix product:
 * each output position's window (KH x KW x Cin/groups values, in the filter's order:
 * im2col) times each output channel's weights. Four positions at a time, their
 * windows are expanded (+ the input offset, as int16 pairs) into a panel in the
 * arena's scratch space; then every output channel of the group runs over the panel
 * (labrt_opt_panel_channels: each weight word feeds eight SMLADs) and is requantized
 * for the four positions. A window that lies inside the input and is contiguous there (1x1
 * filters, rows of full width) is expanded in place; any other is first gathered into
 * a patch, the taps outside the input filled with the input zero point, which the
 * offset turns into 0: w * (zp + offset) = 0, exactly the reference's skipped taps.
 * The last positions (fewer than four) take one vector each and four channels at a
 * time (labrt_opt_mm_4x1). Any channel count works: the kernels end on a partial group
 * of weights read bytewise, with the expanded inputs zero-padded. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

extern const labrt_kernel labrt_kernel_conv_2d;

enum { OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_ACTIVATION, OPT_DILATION_W, OPT_DILATION_H };

enum { IN_PLACE = 1, ROWS = 2, DIRECT = 4 };

/* Kept per op (the geometry is read from the tensors at each evaluation). */
typedef struct {
    labrt_conv_params conv;
    labrt_opt_output out;
    labrt_scratch scratch;     /* panel (4 expanded windows), then the patch */
} conv_opt;

/* One evaluation's geometry. */
typedef struct {
    const conv_opt *d;
    int32_t H, W, C, KH, KW, KC, OH, OW, OC, groups, per_group;
    uint32_t len;              /* KH * KW * KC: values per window */
    uint32_t flags;            /* IN_PLACE: windows inside the image are contiguous in the
                                  input; ROWS: gather whole rows of taps (no groups, no
                                  dilation in x); DIRECT: expand those rows straight from
                                  the input (their length is a multiple of 4) */
    uint32_t pad4;             /* the input zero point in all four bytes of a word */
    uint32_t offset2;          /* minus the input zero point, in both int16 halves */
} conv_shape;

#define MAX_WINDOW (1u << 24)   /* values per window: the panel stays far below 4 GB */

static int fast_path(const labrt_tensor *input, const labrt_tensor *filter,
                     const labrt_tensor *bias)
{
    return labrt_opt_constant_int8(input, filter, bias) && input->zero_point >= -128 &&
           input->zero_point <= 127 &&
           (uint64_t)filter->dims[1] * (uint64_t)filter->dims[2] * (uint64_t)filter->dims[3] <=
               MAX_WINDOW;
}

static uint32_t panel_bytes(uint32_t len)
{
    return 4u * labrt_opt_expanded_bytes(len);
}

static uint32_t window_flags(const conv_shape *s)
{
    const labrt_conv_params *p = &s->d->conv;
    const int rows = s->groups == 1 && (s->KW == 1 || p->dilation_w == 1);
    /* In place: one pixel (1x1 filters, any groups), one row of taps, or whole rows of
     * the image stacked. */
    const int in_place = (s->KH == 1 && s->KW == 1) ||
                         (rows && (s->KH == 1 || (s->KW == s->W && p->dilation_h == 1)));
    return (in_place ? IN_PLACE : 0u) | (rows ? ROWS : 0u) |
           (rows && (s->KW * s->KC) % 4 == 0 ? DIRECT : 0u);
}

static conv_shape shape_of(const conv_opt *d, const labrt_tensor *input,
                           const labrt_tensor *filter, const labrt_tensor *output)
{
    conv_shape s;
    s.d = d;
    s.H = input->dims[1];
    s.W = input->dims[2];
    s.C = input->dims[3];
    s.KH = filter->dims[1];
    s.KW = filter->dims[2];
    s.KC = filter->dims[3];
    s.OH = output->dims[1];
    s.OW = output->dims[2];
    s.OC = output->dims[3];
    s.groups = s.C / s.KC;
    s.per_group = s.OC / s.groups;
    s.len = (uint32_t)s.KH * (uint32_t)s.KW * (uint32_t)s.KC;
    s.pad4 = (uint32_t)(uint8_t)input->zero_point * 0x01010101u;
    s.offset2 = labrt_opt_offset2(-input->zero_point);
    s.flags = window_flags(&s);
    return s;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    /* The reference prepare checks everything (same models accepted, same messages);
     * float and the other hand-overs keep its per-op data, the fast path drops it. */
    const labrt_tail_mark mark = labrt_persistent_mark(ctx);
    labrt_status status = labrt_kernel_conv_2d.prepare(ctx);
    const labrt_tensor *input, *filter, *bias, *output;
    conv_shape s;
    conv_opt *d;
    uint32_t channels;
    if (status != LABRT_OK && status != LABRT_ERR_ARENA_TOO_SMALL)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    bias = labrt_in(ctx, 2);
    output = labrt_out(ctx, 0);
    if (!fast_path(input, filter, bias))
        return status;
    labrt_persistent_release(ctx, mark);
    channels = (uint32_t)output->dims[3];
    d = labrt_alloc_op_data_sized(ctx, sizeof *d + labrt_opt_channel_bytes(channels),
                                   LABRT_TARGET_SIZEOF(conv_opt, 56) +
                                       labrt_opt_channel_bytes(channels));
    if (!d || status != LABRT_OK)
        return LABRT_ERR_ARENA_TOO_SMALL;
    /* checked by the reference prepare */
    (void)labrt_prepare_conv_params(ctx, OPT_DILATION_W, OPT_DILATION_H, &d->conv);
    s = shape_of(d, input, filter, output);
    status = labrt_opt_output_init(ctx, &d->out, OPT_ACTIVATION, d + 1, channels, 1, 0.0);
    if (status != LABRT_OK)
        return status;
    labrt_opt_check_fast(&d->out, input->zero_point, filter, bias, channels, s.len, 1, s.len);
    /* 1x1 windows always lie inside the input: expanded in place, no patch */
    return labrt_request_scratch(ctx, &d->scratch,
                                 panel_bytes(s.len) + (s.KH * s.KW == 1 ? 0 : (s.len + 3u) & ~3u));
}

/* An output position and the taps of its window that lie inside the input. */
typedef struct {
    int32_t n, oy, ox;
    int32_t iy0, ix0, ky_lo, ky_hi, kx_lo, kx_hi;
} position;

static void locate_x(const conv_shape *s, position *p)
{
    p->ix0 = p->ox * s->d->conv.stride_w - s->d->conv.pad_w;
    if (p->ix0 >= 0 && p->ix0 + (s->KW - 1) * s->d->conv.dilation_w < s->W) {
        p->kx_lo = 0;
        p->kx_hi = s->KW;
    } else {
        labrt_opt_tap_range(p->ix0, s->W, s->KW, s->d->conv.dilation_w, &p->kx_lo, &p->kx_hi);
    }
}

static void locate(const conv_shape *s, position *p)
{
    p->iy0 = p->oy * s->d->conv.stride_h - s->d->conv.pad_h;
    labrt_opt_tap_range(p->iy0, s->H, s->KH, s->d->conv.dilation_h, &p->ky_lo, &p->ky_hi);
    locate_x(s, p);
}

static void advance(const conv_shape *s, position *p)
{
    if (++p->ox < s->OW) {
        locate_x(s, p);
        return;
    }
    p->ox = 0;
    if (++p->oy == s->OH) {
        p->oy = 0;
        p->n++;
    }
    locate(s, p);
}

/* The window of position p, input channels [c0, c0 + KC): a pointer into the input
 * when it is contiguous there, else gathered into patch with the zero point around it. */
static const int8_t *window(const conv_shape *s, const int8_t *input, const position *p,
                            int32_t c0, int8_t *patch)
{
    const uint32_t row_len = (uint32_t)(s->KW * s->KC);
    const int32_t x_step = s->d->conv.dilation_h * s->W * s->C;
    const int32_t ky_lo = p->ky_lo, ky_hi = p->ky_hi, kx_lo = p->kx_lo, kx_hi = p->kx_hi;
    int8_t *out = patch;
    const int8_t *src;
    int32_t ky, kx;
    if (kx_lo == kx_hi || ky_lo == ky_hi) { /* no tap inside the image */
        labrt_opt_fill(out, s->pad4, s->len);
        return patch;
    }
    src = input + (((int64_t)p->n * s->H + p->iy0 + ky_lo * s->d->conv.dilation_h) * s->W +
                   p->ix0 + kx_lo * s->d->conv.dilation_w) * s->C + c0;
    if ((s->flags & IN_PLACE) && ky_lo == 0 && ky_hi == s->KH && kx_lo == 0 && kx_hi == s->KW)
        return src;
    labrt_opt_fill(out, s->pad4, (uint32_t)ky_lo * row_len);
    out += (uint32_t)ky_lo * row_len;
    if ((s->flags & ROWS)) {
        /* Each row: zero points, (kx_hi - kx_lo) * C input bytes, zero points. */
        const uint32_t left = (uint32_t)(kx_lo * s->C), mid = (uint32_t)((kx_hi - kx_lo) * s->C);
        const uint32_t right = row_len - left - mid;
        for (ky = ky_lo; ky < ky_hi; ky++, out += row_len, src += x_step) {
            labrt_opt_fill(out, s->pad4, left);
            labrt_opt_copy(out + left, src, mid);
            labrt_opt_fill(out + left + mid, s->pad4, right);
        }
    } else {
        /* Tap by tap (groups, dilation in x). */
        const int32_t tap_step = s->d->conv.dilation_w * s->C;
        const uint32_t KC = (uint32_t)s->KC;
        for (ky = ky_lo; ky < ky_hi; ky++, out += row_len, src += x_step) {
            const int8_t *tap = src;
            labrt_opt_fill(out, s->pad4, (uint32_t)kx_lo * KC);
            for (kx = kx_lo; kx < kx_hi; kx++, tap += tap_step)
                labrt_opt_copy(out + (uint32_t)kx * KC, tap, KC);
            labrt_opt_fill(out + (uint32_t)kx_hi * KC, s->pad4, (uint32_t)(s->KW - kx_hi) * KC);
        }
    }
    labrt_opt_fill(out, s->pad4, (uint32_t)(s->KH - ky_hi) * row_len);
    return patch;
}

/* Expands the window of position p (input channels [c0, c0 + KC)) into dst, one
 * group every `step` words. Windows of whole tap rows whose length is a multiple of 4
 * go straight from the input row by row (rows outside the image as zeros, rows cut by
 * the border through the patch); any other window is gathered first. */
static void expand_window(const conv_shape *s, const int8_t *input, const position *p,
                          int32_t c0, int8_t *patch, uint32_t *dst, uint32_t step)
{
    const uint32_t row_len = (uint32_t)(s->KW * s->KC), row_words = row_len / 4u * step;
    const int32_t x_step = s->d->conv.dilation_h * s->W * s->C;
    int64_t row;               /* offset of the row's first tap (outside the image, maybe) */
    int32_t ky;
    if (s->KH * s->KW == 1) {  /* one pixel, always inside the image */
        labrt_opt_expand(dst, step, input + (((int64_t)p->n * s->H + p->iy0) * s->W + p->ix0) *
                                                s->C + c0, s->len, s->offset2);
        return;
    }
    if (!(s->flags & DIRECT) ||
        ((s->flags & IN_PLACE) && p->ky_lo == 0 && p->ky_hi == s->KH && p->kx_lo == 0 &&
         p->kx_hi == s->KW)) {
        labrt_opt_expand(dst, step, window(s, input, p, c0, patch), s->len, s->offset2);
        return;
    }
    row = (((int64_t)p->n * s->H + p->iy0) * s->W + p->ix0) * s->C + c0;
    for (ky = 0; ky < s->KH; ky++, row += x_step, dst += row_words) {
        if (ky < p->ky_lo || ky >= p->ky_hi || p->kx_lo == p->kx_hi) {
            uint32_t g, *out = dst;
            for (g = 0; g < row_len / 4u; g++, out += step)
                out[0] = out[1] = 0;   /* zero point + offset */
        } else if (p->kx_lo == 0 && p->kx_hi == s->KW) {
            labrt_opt_expand(dst, step, input + row, row_len, s->offset2);
        } else {
            const uint32_t left = (uint32_t)(p->kx_lo * s->C);
            const uint32_t mid = (uint32_t)((p->kx_hi - p->kx_lo) * s->C);
            labrt_opt_fill(patch, s->pad4, left);
            labrt_opt_copy(patch + left, input + row + left, mid);
            labrt_opt_fill(patch + left + mid, s->pad4, row_len - left - mid);
            labrt_opt_expand(dst, step, patch, row_len, s->offset2);
        }
    }
}

/* The output channels of group g for the one position expanded at x. */
static void vector_channels(const conv_shape *s, const uint32_t *x, const int8_t *w,
                            const labrt_tensor *bias, int32_t g, int8_t *y)
{
    const uint32_t len = s->len;
    const uint32_t end = (uint32_t)((g + 1) * s->per_group);
    uint32_t oc = (uint32_t)(g * s->per_group), acc[4], b[4];
    for (; oc + 4 <= end; oc += 4) {
        b[0] = labrt_opt_bias(bias, oc);
        b[1] = labrt_opt_bias(bias, oc + 1);
        b[2] = labrt_opt_bias(bias, oc + 2);
        b[3] = labrt_opt_bias(bias, oc + 3);
        labrt_opt_mm_4x1(w + (uint64_t)oc * len, len, x, len, b, acc);
        labrt_opt_requantize(&s->d->out, acc, oc, 1, 4, y + oc, 1);
    }
    for (; oc < end; oc++) {
        acc[0] = labrt_opt_mm_1x1(w + (uint64_t)oc * len, x, len, labrt_opt_bias(bias, oc));
        labrt_opt_requantize(&s->d->out, acc, oc, 1, 1, y + oc, 1);
    }
}

static void eval_int8(const conv_shape *s, const int8_t *input, const int8_t *w,
                      const labrt_tensor *bias, int8_t *y, int32_t batches)
{
    uint32_t *const panel = s->d->scratch.data;
    int8_t *const patch = (int8_t *)s->d->scratch.data + panel_bytes(s->len);
    const uint32_t positions = (uint32_t)batches * (uint32_t)s->OH * (uint32_t)s->OW;
    const uint32_t OC = (uint32_t)s->OC;
    position p[4] = {{0, 0, 0, 0, 0, 0, 0, 0, 0}};
    uint32_t done = 0, k;
    int32_t g;
    locate(s, &p[0]);
    for (; done + 4 <= positions; done += 4, y += 4 * OC) {
        for (k = 1; k < 4; k++) {
            p[k] = p[k - 1];
            advance(s, &p[k]);
        }
        for (g = 0; g < s->groups; g++) {
            for (k = 0; k < 4; k++)
                expand_window(s, input, &p[k], g * s->KC, patch, panel + 2 * k, 8);
            labrt_opt_panel_channels(w, panel, s->len, (uint32_t)(g * s->per_group),
                                     (uint32_t)((g + 1) * s->per_group), bias, &s->d->out, y,
                                     OC);
        }
        p[0] = p[3];
        advance(s, &p[0]);
    }
    for (; done < positions; done++, y += OC) {
        for (g = 0; g < s->groups; g++) {
            expand_window(s, input, &p[0], g * s->KC, patch, panel, 2);
            vector_channels(s, panel, w, bias, g, y);
        }
        advance(s, &p[0]);
    }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    const labrt_tensor *filter = labrt_op_input(rt, node, 1);
    const labrt_tensor *bias = labrt_op_input(rt, node, 2);
    const labrt_tensor *output = labrt_op_output(rt, node, 0);
    conv_shape s;
    if (fast_path(input, filter, bias)) {
        s = shape_of(node->data, input, filter, output);
        eval_int8(&s, input->data, filter->data, bias, output->data, input->dims[0]);
    } else
        labrt_kernel_conv_2d.eval(rt, node);
}

const labrt_kernel labrt_kernel_conv_2d_optimized = {3, 1, prepare, eval};

#else
typedef int labrt_optimized_conv_2d_unused; /* LABRT_OPTIMIZED off: nothing to compile */
#endif
