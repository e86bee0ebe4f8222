/* CONV_2D, int8 per-channel and float32 (tflite.md 3.8 and sec. 4).
 * Input [N,H,W,Cin], filter [Cout,KH,KW,Cin/groups], output [N,OH,OW,Cout]. */
#include "labrt_kernel.h"

enum { OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_ACTIVATION, OPT_DILATION_W, OPT_DILATION_H };

typedef struct {
    labrt_conv_params conv;
    labrt_activation act;
    int32_t *multipliers, *shifts; /* int8: one per output channel */
} conv_data;

static labrt_status check_shapes(labrt_prepare_ctx *ctx, conv_data *g)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *output = labrt_out(ctx, 0);
    int32_t groups;
    if (input->rank != 4 || filter->rank != 4 || output->rank != 4)
        return labrt_invalid(ctx, "input, filter and output must be 4-D");
    if (filter->dims[3] < 1 || input->dims[3] % filter->dims[3] != 0)
        return labrt_invalid(ctx, "input channels must be a multiple of the filter's");
    groups = input->dims[3] / filter->dims[3];
    if (groups < 1 || filter->dims[0] % groups != 0 || filter->dims[0] != output->dims[3])
        return labrt_invalid(ctx, "output channels do not match the filter");
    return labrt_prepare_conv_params(ctx, OPT_DILATION_W, OPT_DILATION_H, &g->conv);
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *filter, *output;
    conv_data geometry, *d;
    uint32_t channels;
    labrt_status status = labrt_expect_io(ctx, 2, 3, 1);
    if (status == LABRT_OK)
        status = check_shapes(ctx, &geometry);
    if (status == LABRT_OK)
        status = labrt_expect_conv_types(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    filter = labrt_in(ctx, 1);
    output = labrt_out(ctx, 0);
    channels = input->type == LABRT_INT8 ? (uint32_t)output->dims[3] : 0;
    d = labrt_alloc_op_data_sized(ctx, sizeof *d + 2 * (uint64_t)channels * sizeof(int32_t),
                                   LABRT_TARGET_SIZEOF(conv_data, 48) +
                                       2 * (uint64_t)channels * sizeof(int32_t));
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    *d = geometry;
    d->act = labrt_activation_range(labrt_option_i8(ctx, OPT_ACTIVATION, 0), output);
    d->multipliers = (int32_t *)(d + 1);
    d->shifts = d->multipliers + channels;
    if (channels == 0)
        return LABRT_OK;
    return labrt_channel_multipliers(ctx, input, filter, output, channels, d->multipliers,
                                     d->shifts);
}

/* Output geometry shared by both types: where output (n, oy, ox) reads from. */
typedef struct {
    const labrt_conv_params *p;
    int32_t H, W, C, KH, KW, KC, per_group;
} conv_shape;

static conv_shape shape_of(const conv_data *d, const labrt_tensor *in, const labrt_tensor *filter,
                           const labrt_tensor *out)
{
    conv_shape s;
    s.p = &d->conv;
    s.H = in->dims[1];
    s.W = in->dims[2];
    s.C = in->dims[3];
    s.KH = filter->dims[1];
    s.KW = filter->dims[2];
    s.KC = filter->dims[3];
    s.per_group = out->dims[3] / (s.C / s.KC);
    return s;
}

/* Sum over ky, kx (taps outside the image skipped) and the group's channels. */
static int64_t accumulate_int8(const conv_shape *s, const int8_t *x, const int8_t *w,
                               int32_t n, int32_t oy, int32_t ox, int32_t oc, int32_t input_offset)
{
    const int32_t channel_base = (oc / s->per_group) * s->KC;
    int64_t acc = 0; /* 64-bit: TFLM's int32 sum without overflow UB */
    int32_t ky, kx, ic;
    for (ky = 0; ky < s->KH; ky++) {
        const int32_t iy = oy * s->p->stride_h - s->p->pad_h + ky * s->p->dilation_h;
        if (iy < 0 || iy >= s->H)
            continue;
        for (kx = 0; kx < s->KW; kx++) {
            const int32_t ix = ox * s->p->stride_w - s->p->pad_w + kx * s->p->dilation_w;
            const int8_t *xp, *wp;
            if (ix < 0 || ix >= s->W)
                continue;
            xp = x + (((int64_t)n * s->H + iy) * s->W + ix) * s->C + channel_base;
            wp = w + (((int64_t)oc * s->KH + ky) * s->KW + kx) * s->KC;
            for (ic = 0; ic < s->KC; ic++)
                acc += wp[ic] * (xp[ic] + input_offset);
        }
    }
    return acc;
}

static float accumulate_float(const conv_shape *s, const float *x, const float *w, int32_t n,
                              int32_t oy, int32_t ox, int32_t oc)
{
    const int32_t channel_base = (oc / s->per_group) * s->KC;
    float total = 0.0f;
    int32_t ky, kx, ic;
    for (ky = 0; ky < s->KH; ky++) {
        const int32_t iy = oy * s->p->stride_h - s->p->pad_h + ky * s->p->dilation_h;
        if (iy < 0 || iy >= s->H)
            continue;
        for (kx = 0; kx < s->KW; kx++) {
            const int32_t ix = ox * s->p->stride_w - s->p->pad_w + kx * s->p->dilation_w;
            const float *xp, *wp;
            if (ix < 0 || ix >= s->W)
                continue;
            xp = x + (((int64_t)n * s->H + iy) * s->W + ix) * s->C + channel_base;
            wp = w + (((int64_t)oc * s->KH + ky) * s->KW + kx) * s->KC;
            for (ic = 0; ic < s->KC; ic++)
                total += xp[ic] * wp[ic];
        }
    }
    return total;
}

static void eval_int8(const void *data, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *bias, const labrt_tensor *out)
{
    const conv_data *d = data;
    const conv_shape s = shape_of(d, in, filter, out);
    const int32_t *b = bias ? (const int32_t *)bias->data : 0;
    int8_t *y = (int8_t *)out->data;
    int32_t n, oy, ox, oc;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (oc = 0; oc < out->dims[3]; oc++) {
                    int64_t acc = accumulate_int8(&s, in->data, filter->data, n, oy, ox, oc,
                                                  -in->zero_point);
                    if (b)
                        acc += b[oc];
                    *y++ = labrt_requantize((int32_t)acc, d->multipliers[oc], d->shifts[oc],
                                            out->zero_point, &d->act);
                }
}

static void eval_float(const void *data, const labrt_tensor *in, const labrt_tensor *filter,
                       const labrt_tensor *bias, const labrt_tensor *out)
{
    const conv_data *d = data;
    const conv_shape s = shape_of(d, in, filter, out);
    const float *b = bias ? (const float *)bias->data : 0;
    float *y = (float *)out->data;
    int32_t n, oy, ox, oc;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (oc = 0; oc < out->dims[3]; oc++) {
                    float total = accumulate_float(&s, in->data, filter->data, n, oy, ox, oc);
                    *y++ = labrt_activate(total + (b ? b[oc] : 0.0f), &d->act);
                }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_weights_op(rt, node, eval_int8, eval_float);
}

const labrt_kernel labrt_kernel_conv_2d = {3, 1, prepare, eval};
