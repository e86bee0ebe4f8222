/* RELU6 as a standalone op, int8 (clamp in the input's quantization,
 * tflite.md 3.17) and float32. */
#include "labrt_kernel.h"

typedef struct {
    int32_t zero, six; /* int8: 0 and 6 quantized with the input's parameters */
} relu6_data;

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input;
    relu6_data *d;
    labrt_status status = labrt_expect_unary(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    if (input->type == LABRT_INT8 && (status = labrt_expect_quantized(ctx, input)) != LABRT_OK)
        return status;
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    if (input->type == LABRT_INT8) {
        int64_t six = (int64_t)labrt_round_to_int32(6.0f / input->scale) + input->zero_point;
        d->six = six > 127 ? 127 : (int32_t)six;
        d->zero = input->zero_point;
    }
    return LABRT_OK;
}

static int8_t relu6_int8(const void *data, int32_t zero_point, int8_t x)
{
    const relu6_data *d = data;
    (void)zero_point; /* d->zero is the input zero point */
    return (int8_t)(x > d->six ? d->six : (x < d->zero ? d->zero : x));
}

static float relu6_float(float x)
{
    return x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    labrt_eval_unary(rt, node, relu6_int8, relu6_float);
}

const labrt_kernel labrt_kernel_relu6 = {21, 0, prepare, eval};
