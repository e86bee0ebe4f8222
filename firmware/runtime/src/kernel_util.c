/* Helpers shared by the reference kernels; see labrt_kernel.h. */
#include "labrt_kernel.h"

#include <float.h>

int32_t labrt_dim(const labrt_tensor *t, int i)
{
    if (i < 0)
        i += t->rank;
    return (i >= 0 && i < t->rank) ? t->dims[i] : 1;
}

uint32_t labrt_elements(const labrt_tensor *t)
{
    uint32_t n = 1;
    int i;
    for (i = 0; i < t->rank; i++)
        n *= (uint32_t)t->dims[i];  /* < 2^31: checked when the model was read */
    return n;
}

int labrt_same_shape(const labrt_tensor *a, const labrt_tensor *b)
{
    int i;
    if (a->rank != b->rank)
        return 0;
    for (i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

uint32_t labrt_type_size(int32_t type)
{
    /* Indexed by TensorType; 0 = no fixed-size representation here. */
    static const uint8_t sizes[] = {4, 2, 4, 1, 8, 0, 1, 2, 8, 1, 8, 16, 8, 0, 0, 4, 2, 0, 2};
    return (type >= 0 && type < (int32_t)sizeof sizes) ? sizes[type] : 0;
}

const char *labrt_type_name(int32_t type)
{
    static const char *const names[] = {
        "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16",
        "COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT",
        "UINT32", "UINT16", "INT4", "BFLOAT16", "INT2", "UINT4", "FLOAT8_E4M3FN", "FLOAT8_E5M2"};
    return (type >= 0 && type < (int32_t)(sizeof names / sizeof names[0])) ? names[type]
                                                                          : "UNKNOWN";
}

labrt_status labrt_expect_io(labrt_prepare_ctx *ctx, uint32_t min_inputs, uint32_t max_inputs,
                             uint32_t outputs)
{
    const labrt_node *node = ctx->node;
    uint32_t i;
    if (node->input_count < min_inputs || node->input_count > max_inputs)
        return labrt_invalid(ctx, "wrong number of inputs");
    if (node->output_count != outputs)
        return labrt_invalid(ctx, "wrong number of outputs");
    for (i = 0; i < min_inputs; i++)
        if (node->inputs[i] < 0)
            return labrt_invalid(ctx, "a required input is missing");
    for (i = 0; i < outputs; i++)
        if (labrt_out(ctx, i)->bytes == 0)
            return labrt_unsupported(ctx, "empty output tensors are not supported");
    return LABRT_OK;
}

labrt_status labrt_expect_quantized(labrt_prepare_ctx *ctx, const labrt_tensor *t)
{
    if (t->quantization != LABRT_QUANT_PER_TENSOR)
        return labrt_invalid(ctx, "int8 tensors need per-tensor scale and zero point");
    return LABRT_OK;
}

labrt_status labrt_prepare_multiplier(labrt_prepare_ctx *ctx, double real, int32_t *multiplier,
                                      int32_t *shift)
{
    int s;
    if (!labrt_quantize_multiplier(real, multiplier, &s))
        return labrt_unsupported(ctx, "requantization multiplier out of range");
    *shift = s;
    return LABRT_OK;
}

labrt_status labrt_expect_int8_or_float(labrt_prepare_ctx *ctx, const labrt_tensor *input,
                                        const labrt_tensor *a, const labrt_tensor *b)
{
    if (input->type != LABRT_INT8 && input->type != LABRT_FLOAT32)
        return labrt_unsupported_type(ctx, input);
    if (a->type != input->type)
        return labrt_unsupported_type(ctx, a);
    if (b && b->type != input->type)
        return labrt_unsupported_type(ctx, b);
    return LABRT_OK;
}

labrt_status labrt_expect_quantized_io(labrt_prepare_ctx *ctx)
{
    labrt_status status = LABRT_OK;
    if (labrt_in(ctx, 0)->type == LABRT_INT8 &&
        (status = labrt_expect_quantized(ctx, labrt_in(ctx, 0))) == LABRT_OK)
        status = labrt_expect_quantized(ctx, labrt_out(ctx, 0));
    return status;
}

labrt_status labrt_expect_unary(labrt_prepare_ctx *ctx)
{
    labrt_status status = labrt_expect_io(ctx, 1, 1, 1);
    if (status == LABRT_OK)
        status = labrt_expect_int8_or_float(ctx, labrt_in(ctx, 0), labrt_out(ctx, 0), NULL);
    if (status == LABRT_OK && !labrt_same_shape(labrt_in(ctx, 0), labrt_out(ctx, 0)))
        status = labrt_invalid(ctx, "input and output shapes must be equal");
    return status;
}

void *labrt_prepare_unary(labrt_prepare_ctx *ctx, uint64_t bytes, labrt_status *status)
{
    void *data;
    *status = labrt_expect_unary(ctx);
    if (*status != LABRT_OK)
        return NULL;
    data = labrt_alloc_op_data(ctx, bytes);
    if (!data)
        *status = LABRT_ERR_ARENA_TOO_SMALL;
    return data;
}

void labrt_eval_unary(const labrt_runtime *rt, const labrt_node *node, labrt_int8_fn *int8_fn,
                      labrt_float_fn *float_fn)
{
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const uint32_t n = labrt_elements(in);
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (in->type == LABRT_INT8)
            ((int8_t *)out->data)[i] =
                int8_fn(node->data, in->zero_point, ((const int8_t *)in->data)[i]);
        else
            ((float *)out->data)[i] = float_fn(((const float *)in->data)[i]);
    }
}

labrt_status labrt_prepare_q4_input(labrt_prepare_ctx *ctx, labrt_q4_input *q)
{
    int shift;
    if (!labrt_q4_input_parameters(labrt_in(ctx, 0)->scale, &q->multiplier, &shift, &q->radius))
        return labrt_unsupported(ctx, "input scale out of range");
    q->shift = shift;
    return LABRT_OK;
}

/* zero_point + round(f / scale), as kernel_util.cc Quantize (float arithmetic). */
static int32_t quantize_bound(float f, const labrt_tensor *output)
{
    int64_t q = (int64_t)output->zero_point + labrt_round_to_int32(f / output->scale);
    return (int32_t)(q < INT32_MIN ? INT32_MIN : (q > INT32_MAX ? INT32_MAX : q));
}

static int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

labrt_activation labrt_activation_range(int32_t activation, const labrt_tensor *output)
{
    labrt_activation act;
    int quantized = output->type == LABRT_INT8 && output->quantization != LABRT_QUANT_NONE;
    act.min = -128;
    act.max = 127;
    act.fmin = -FLT_MAX;
    act.fmax = FLT_MAX;
    if (activation == LABRT_ACT_RELU) {
        act.fmin = 0.0f;
    } else if (activation == LABRT_ACT_RELU6) {
        act.fmin = 0.0f;
        act.fmax = 6.0f;
    } else if (activation == LABRT_ACT_RELU_N1_TO_1) {
        act.fmin = -1.0f;
        act.fmax = 1.0f;
    } else {
        return act;  /* NONE; TANH and SIGN_BIT are not applied by TFLM either */
    }
    if (quantized) {
        act.min = max_i32(-128, quantize_bound(act.fmin, output));
        if (act.fmax != FLT_MAX)
            act.max = min_i32(127, quantize_bound(act.fmax, output));
    }
    return act;
}

float labrt_activate(float value, const labrt_activation *act)
{
    /* std::min(std::max(x, lo), hi): NaN passes through, as in TFLM */
    float low_clamped = value < act->fmin ? act->fmin : value;
    return act->fmax < low_clamped ? act->fmax : low_clamped;
}

int labrt_conv_axis(int32_t padding, int32_t in, int32_t filter, int32_t stride,
                    int32_t dilation, int32_t *out, int32_t *pad)
{
    int64_t effective, size, total;
    if (stride < 1 || dilation < 1 || filter < 1 || in < 1)
        return 0;
    effective = (int64_t)(filter - 1) * dilation + 1;
    if (effective > (1 << 30))
        return 0;  /* keeps every index computation inside int32 */
    if (padding == LABRT_PADDING_SAME)
        size = ((int64_t)in + stride - 1) / stride;
    else if (padding == LABRT_PADDING_VALID)
        size = ((int64_t)in + stride - effective) / stride;
    else
        return 0;
    if (size < 1)
        return 0;
    total = (size - 1) * stride + effective - in;
    *out = (int32_t)size;
    *pad = total > 0 ? (int32_t)(total / 2) : 0;
    return 1;
}

/* Conv2DOptions and DepthwiseConv2DOptions both start with these. */
enum { CONV_OPT_PADDING, CONV_OPT_STRIDE_W, CONV_OPT_STRIDE_H };

/* Offsets between filter taps (a row of taps times the image's row) fit in int32. */
static int labrt_tap_steps_fit(const labrt_tensor *input, const labrt_conv_params *p)
{
    const int64_t channels = input->dims[3];
    const int64_t row = (int64_t)p->dilation_h * input->dims[2] * channels;
    const int64_t column = (int64_t)p->dilation_w * channels;
    return row <= INT32_MAX && column <= INT32_MAX;
}

labrt_status labrt_prepare_conv_params(labrt_prepare_ctx *ctx, unsigned dilation_w_field,
                                       unsigned dilation_h_field, labrt_conv_params *p)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *output = labrt_out(ctx, 0);
    int32_t padding = labrt_option_i8(ctx, CONV_OPT_PADDING, LABRT_PADDING_SAME);
    int32_t out_h, out_w;
    p->stride_h = labrt_option_i32(ctx, CONV_OPT_STRIDE_H, 0);
    p->stride_w = labrt_option_i32(ctx, CONV_OPT_STRIDE_W, 0);
    p->dilation_h = labrt_option_i32(ctx, dilation_h_field, 1);
    p->dilation_w = labrt_option_i32(ctx, dilation_w_field, 1);
    if (!labrt_conv_axis(padding, input->dims[1], filter->dims[1], p->stride_h, p->dilation_h,
                         &out_h, &p->pad_h) ||
        !labrt_conv_axis(padding, input->dims[2], filter->dims[2], p->stride_w, p->dilation_w,
                         &out_w, &p->pad_w))
        return labrt_invalid(ctx, "bad padding, stride, dilation or filter size");
    if (out_h != output->dims[1] || out_w != output->dims[2] || input->dims[0] != output->dims[0])
        return labrt_invalid(ctx, "output shape does not match input, filter and strides");
    /* A one-tap axis never steps between taps: its dilation changes nothing (the effective
     * size is 1 either way), and 1 keeps every tap step small. */
    if (filter->dims[1] == 1)
        p->dilation_h = 1;
    if (filter->dims[2] == 1)
        p->dilation_w = 1;
    if (!labrt_tap_steps_fit(input, p))
        return labrt_unsupported(ctx, "dilation so large that tap offsets exceed 32 bits");
    return LABRT_OK;
}

labrt_status labrt_expect_conv_types(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *bias = labrt_in(ctx, 2), *output = labrt_out(ctx, 0);
    int32_t bias_type = input->type == LABRT_INT8 ? LABRT_INT32 : LABRT_FLOAT32;
    labrt_status status = labrt_expect_int8_or_float(ctx, input, filter, output);
    if (status != LABRT_OK)
        return status;
    if (bias && (bias->type != bias_type || labrt_elements(bias) != (uint32_t)output->dims[3]))
        return labrt_invalid(ctx, "bias must hold one int32 (int8) or float per output channel");
    return labrt_expect_quantized_io(ctx);
}

labrt_status labrt_channel_multipliers(labrt_prepare_ctx *ctx, const labrt_tensor *input,
                                       const labrt_tensor *filter, const labrt_tensor *output,
                                       uint32_t channels, int32_t *multipliers, int32_t *shifts)
{
    uint32_t c, count = 0;
    const float *scales = labrt_channel_scales(ctx, filter, &count);
    if (scales == NULL || (count != 1 && count != channels))
        return labrt_invalid(ctx, "filter scales must be per-tensor or one per output channel");
    for (c = 0; c < channels; c++) {
        float filter_scale = scales[count == 1 ? 0 : c];
        double effective = (double)input->scale * (double)filter_scale /
                           (double)output->scale;
        labrt_status status = labrt_prepare_multiplier(ctx, effective, &multipliers[c], &shifts[c]);
        if (status != LABRT_OK)
            return status;
    }
    return LABRT_OK;
}

void labrt_eval_weights_op(const labrt_runtime *rt, const labrt_node *node,
                           labrt_weights_eval *int8_eval, labrt_weights_eval *float_eval)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    labrt_weights_eval *eval = input->type == LABRT_INT8 ? int8_eval : float_eval;
    eval(node->data, input, labrt_op_input(rt, node, 1), labrt_op_input(rt, node, 2),
         labrt_op_output(rt, node, 0));
}

labrt_status labrt_prepare_broadcast(labrt_prepare_ctx *ctx, const labrt_tensor *in1,
                                     const labrt_tensor *in2, const labrt_tensor *out,
                                     labrt_broadcast *b)
{
    uint32_t stride1 = 1, stride2 = 1;
    int axis;
    if (out->rank > LABRT_BROADCAST_RANK || in1->rank > out->rank || in2->rank > out->rank)
        return labrt_unsupported(ctx, "broadcasting supports ranks up to 6");
    b->rank = out->rank;
    for (axis = out->rank - 1; axis >= 0; axis--) {
        int from_end = axis - out->rank;
        int32_t d1 = from_end < -in1->rank ? 1 : labrt_dim(in1, from_end);
        int32_t d2 = from_end < -in2->rank ? 1 : labrt_dim(in2, from_end);
        int32_t d = out->dims[axis];
        if ((d1 != d && d1 != 1) || (d2 != d && d2 != 1) || (d1 != d && d2 != d))
            return labrt_invalid(ctx, "input shapes do not broadcast to the output shape");
        b->dims[axis] = d;
        b->stride1[axis] = d1 == 1 ? 0 : stride1;
        b->stride2[axis] = d2 == 1 ? 0 : stride2;
        stride1 *= (uint32_t)d1;
        stride2 *= (uint32_t)d2;
    }
    return LABRT_OK;
}

/* AddOptions and MulOptions: the fused activation is field 0. */
enum { BINARY_OPT_ACTIVATION };

static labrt_status check_binary_types(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *in1 = labrt_in(ctx, 0), *in2 = labrt_in(ctx, 1), *out = labrt_out(ctx, 0);
    labrt_status status = labrt_expect_int8_or_float(ctx, in1, in2, out);
    if (status == LABRT_OK && in1->type == LABRT_INT8 &&
        (status = labrt_expect_quantized(ctx, in1)) == LABRT_OK &&
        (status = labrt_expect_quantized(ctx, in2)) == LABRT_OK)
        status = labrt_expect_quantized(ctx, out);
    return status;
}

void *labrt_prepare_binary(labrt_prepare_ctx *ctx, uint64_t bytes, labrt_status *status)
{
    labrt_binary *b;
    *status = labrt_expect_io(ctx, 2, 2, 1);
    if (*status == LABRT_OK)
        *status = check_binary_types(ctx);
    if (*status != LABRT_OK)
        return NULL;
    b = labrt_alloc_op_data(ctx, bytes);
    if (!b) {
        *status = LABRT_ERR_ARENA_TOO_SMALL;
        return NULL;
    }
    *status = labrt_prepare_broadcast(ctx, labrt_in(ctx, 0), labrt_in(ctx, 1), labrt_out(ctx, 0),
                                      &b->shape);
    if (*status != LABRT_OK)
        return NULL;
    b->act = labrt_activation_range(labrt_option_i8(ctx, BINARY_OPT_ACTIVATION, 0),
                                    labrt_out(ctx, 0));
    return b;
}

void labrt_eval_binary(const labrt_runtime *rt, const labrt_node *node, labrt_binary_fn *int8_fn,
                       labrt_binary_fn *float_fn)
{
    const labrt_broadcast *b = &((const labrt_binary *)node->data)->shape;
    uint32_t index[LABRT_BROADCAST_RANK] = {0};
    uint32_t total = 1, o, i1 = 0, i2 = 0;
    labrt_binary_args a;
    labrt_binary_fn *fn;
    int axis;
    a.data = node->data;
    a.in1 = labrt_op_input(rt, node, 0);
    a.in2 = labrt_op_input(rt, node, 1);
    a.out = labrt_op_output(rt, node, 0);
    fn = a.in1->type == LABRT_INT8 ? int8_fn : float_fn;
    for (axis = 0; axis < b->rank; axis++)
        total *= (uint32_t)b->dims[axis];
    for (o = 0; o < total; o++) {
        fn(&a, o, i1, i2);
        for (axis = b->rank - 1; axis >= 0; axis--) {  /* odometer step */
            i1 += b->stride1[axis];
            i2 += b->stride2[axis];
            if (++index[axis] < (uint32_t)b->dims[axis])
                break;
            i1 -= b->stride1[axis] * (uint32_t)b->dims[axis];
            i2 -= b->stride2[axis] * (uint32_t)b->dims[axis];
            index[axis] = 0;
        }
    }
}
