/* Pooling geometry and checks (tflite.md 3.10). */
#include "pool_common.h"

#include <math.h>

enum { OPT_PADDING, OPT_STRIDE_W, OPT_STRIDE_H, OPT_FILTER_W, OPT_FILTER_H, OPT_ACTIVATION };

static labrt_status check_tensors(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *output = labrt_out(ctx, 0);
    labrt_status status = labrt_expect_int8_or_float(ctx, input, output, NULL);
    if (status != LABRT_OK)
        return status;
    if (input->rank != 4 || output->rank != 4)
        return labrt_invalid(ctx, "input and output must be 4-D");
    if (input->type != LABRT_INT8)
        return LABRT_OK;
    if ((status = labrt_expect_quantized_io(ctx)) != LABRT_OK)
        return status;
    if (fabsf(input->scale - output->scale) > 1e-6f ||
        input->zero_point != output->zero_point)
        return labrt_invalid(ctx, "int8 input and output must share scale and zero point");
    return LABRT_OK;
}

labrt_status labrt_pool_prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    int32_t padding, out_h, out_w;
    pool_data g, *d;
    labrt_status status = labrt_expect_io(ctx, 1, 1, 1);
    if (status == LABRT_OK)
        status = check_tensors(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    padding = labrt_option_i8(ctx, OPT_PADDING, LABRT_PADDING_SAME);
    g.stride_h = labrt_option_i32(ctx, OPT_STRIDE_H, 0);
    g.stride_w = labrt_option_i32(ctx, OPT_STRIDE_W, 0);
    g.filter_h = labrt_option_i32(ctx, OPT_FILTER_H, 0);
    g.filter_w = labrt_option_i32(ctx, OPT_FILTER_W, 0);
    if (!labrt_conv_axis(padding, input->dims[1], g.filter_h, g.stride_h, 1, &out_h, &g.pad_h) ||
        !labrt_conv_axis(padding, input->dims[2], g.filter_w, g.stride_w, 1, &out_w, &g.pad_w))
        return labrt_invalid(ctx, "bad padding, stride or filter size");
    if (out_h != output->dims[1] || out_w != output->dims[2] ||
        input->dims[0] != output->dims[0] || input->dims[3] != output->dims[3])
        return labrt_invalid(ctx, "output shape does not match input, filter and strides");
    g.act = labrt_activation_range(labrt_option_i8(ctx, OPT_ACTIVATION, 0), output);
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    *d = g;
    return LABRT_OK;
}

static int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

pool_window labrt_pool_window(const pool_data *d, const labrt_tensor *in, int32_t oy, int32_t ox)
{
    pool_window w;
    w.in_y = oy * d->stride_h - d->pad_h;
    w.in_x = ox * d->stride_w - d->pad_w;
    w.y0 = max_i32(0, -w.in_y);
    w.y1 = min_i32(d->filter_h, in->dims[1] - w.in_y);
    w.x0 = max_i32(0, -w.in_x);
    w.x1 = min_i32(d->filter_w, in->dims[2] - w.in_x);
    return w;
}
