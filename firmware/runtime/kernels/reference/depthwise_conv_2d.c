/* DEPTHWISE_CONV_2D, int8 per-channel and float32 (tflite.md 3.9 and sec. 4).
 * Input [N,H,W,Cin], filter [1,KH,KW,Cin*M], output [N,OH,OW,Cin*M];
 * output channel oc = ic * M + m reads input channel ic. */
#include "labrt_kernel.h"

enum {
    OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_DEPTH_MULTIPLIER, OPT_ACTIVATION,
    OPT_DILATION_W, OPT_DILATION_H
};

typedef struct {
    labrt_conv_params conv;
    int32_t multiplier;
    labrt_activation act;
    int32_t *multipliers, *shifts; /* int8: one per output channel */
} depthwise_data;

static labrt_status check_shapes(labrt_prepare_ctx *ctx, depthwise_data *g)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *output = labrt_out(ctx, 0);
    if (input->rank != 4 || filter->rank != 4 || output->rank != 4 || filter->dims[0] != 1)
        return labrt_invalid(ctx, "input, filter and output must be 4-D, filter [1,KH,KW,C]");
    g->multiplier = labrt_option_i32(ctx, OPT_DEPTH_MULTIPLIER, 0);
    if (g->multiplier < 1 || (int64_t)input->dims[3] * g->multiplier != output->dims[3] ||
        filter->dims[3] != output->dims[3])
        return labrt_invalid(ctx, "output channels must be input channels x depth multiplier");
    return labrt_prepare_conv_params(ctx, OPT_DILATION_W, OPT_DILATION_H, &g->conv);
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *output;
    depthwise_data geometry, *d;
    uint32_t channels;
    labrt_status status = labrt_expect_io(ctx, 2, 3, 1);
    if (status == LABRT_OK)
        status = check_shapes(ctx, &geometry);
    if (status == LABRT_OK)
        status = labrt_expect_conv_types(ctx);
    if (status != LABRT_OK)
        return status;
    output = labrt_out(ctx, 0);
    channels = labrt_in(ctx, 0)->type == LABRT_INT8 ? (uint32_t)output->dims[3] : 0;
    d = labrt_alloc_op_data_sized(ctx, sizeof *d + 2 * (uint64_t)channels * sizeof(int32_t),
                                   LABRT_TARGET_SIZEOF(depthwise_data, 52) +
                                       2 * (uint64_t)channels * sizeof(int32_t));
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    *d = geometry;
    d->act = labrt_activation_range(labrt_option_i8(ctx, OPT_ACTIVATION, 0), output);
    d->multipliers = (int32_t *)(d + 1);
    d->shifts = d->multipliers + channels;
    if (channels == 0)
        return LABRT_OK;
    return labrt_channel_multipliers(ctx, labrt_in(ctx, 0), labrt_in(ctx, 1), output, channels,
                                     d->multipliers, d->shifts);
}

/* One output value: the sum over the taps inside the image, in ky, kx order. */
typedef struct {
    const labrt_conv_params *p;
    int32_t H, W, C, KH, KW, OC;
} depthwise_shape;

static depthwise_shape shape_of(const depthwise_data *d, const labrt_tensor *in,
                                const labrt_tensor *filter)
{
    depthwise_shape s;
    s.p = &d->conv;
    s.H = in->dims[1];
    s.W = in->dims[2];
    s.C = in->dims[3];
    s.KH = filter->dims[1];
    s.KW = filter->dims[2];
    s.OC = filter->dims[3];
    return s;
}

/* Flat input index of tap (ky, kx) for output (n, oy, ox) and input channel
 * ic, or -1 if the tap falls outside the image. */
static int64_t tap(const depthwise_shape *s, int32_t n, int32_t oy, int32_t ox, int32_t ky,
                   int32_t kx, int32_t ic)
{
    const int32_t iy = oy * s->p->stride_h - s->p->pad_h + ky * s->p->dilation_h;
    const int32_t ix = ox * s->p->stride_w - s->p->pad_w + kx * s->p->dilation_w;
    if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W)
        return -1;
    return (((int64_t)n * s->H + iy) * s->W + ix) * s->C + ic;
}

static void eval_int8(const void *data, const labrt_tensor *in, const labrt_tensor *filter,
                      const labrt_tensor *bias, const labrt_tensor *out)
{
    const depthwise_data *d = data;
    const depthwise_shape s = shape_of(d, in, filter);
    const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
    const int32_t *b = bias ? (const int32_t *)bias->data : 0;
    int8_t *y = (int8_t *)out->data;
    int32_t n, oy, ox, oc, ky, kx;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (oc = 0; oc < s.OC; oc++) {
                    int64_t acc = 0; /* 64-bit: TFLM's int32 sum without overflow UB */
                    for (ky = 0; ky < s.KH; ky++)
                        for (kx = 0; kx < s.KW; kx++) {
                            int64_t i = tap(&s, n, oy, ox, ky, kx, oc / d->multiplier);
                            if (i >= 0)
                                acc += w[(ky * s.KW + kx) * s.OC + oc] * (x[i] - in->zero_point);
                        }
                    if (b)
                        acc += b[oc];
                    *y++ = labrt_requantize((int32_t)acc, d->multipliers[oc], d->shifts[oc],
                                            out->zero_point, &d->act);
                }
}

static void eval_float(const void *data, const labrt_tensor *in,
                       const labrt_tensor *filter, const labrt_tensor *bias,
                       const labrt_tensor *out)
{
    const depthwise_data *d = data;
    const depthwise_shape s = shape_of(d, in, filter);
    const float *x = (const float *)in->data, *w = (const float *)filter->data;
    const float *b = bias ? (const float *)bias->data : 0;
    float *y = (float *)out->data;
    int32_t n, oy, ox, oc, ky, kx;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (oc = 0; oc < s.OC; oc++) {
                    float total = 0.0f;
                    for (ky = 0; ky < s.KH; ky++)
                        for (kx = 0; kx < s.KW; kx++) {
                            int64_t i = tap(&s, n, oy, ox, ky, kx, oc / d->multiplier);
                            if (i >= 0)
                                total += x[i] * w[(ky * s.KW + kx) * s.OC + oc];
                        }
                    *y++ = labrt_activate(total + (b ? b[oc] : 0.0f), &d->act);
                }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_weights_op(rt, node, eval_int8, eval_float);
}

const labrt_kernel labrt_kernel_depthwise_conv_2d = {4, 2, prepare, eval};
