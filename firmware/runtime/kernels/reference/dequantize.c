/* DEQUANTIZE int8/uint8 -> float32 (tflite.md 3.15): scale * (x - zero_point)
 * computed in double, then rounded to float. */
#include "labrt_kernel.h"

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    labrt_status status = labrt_expect_io(ctx, 1, 1, 1);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    if (input->type != LABRT_INT8 && input->type != LABRT_UINT8)
        return labrt_unsupported_type(ctx, input);
    if (output->type != LABRT_FLOAT32)
        return labrt_unsupported_type(ctx, output);
    if (!labrt_same_shape(input, output))
        return labrt_invalid(ctx, "input and output shapes must be equal");
    return labrt_expect_quantized(ctx, input);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const double scale = in->scale;
    const uint32_t n = labrt_elements(out);
    float *y = (float *)out->data;
    uint32_t i;
    for (i = 0; i < n; i++) {
        int32_t x = in->type == LABRT_INT8 ? ((const int8_t *)in->data)[i]
                                           : ((const uint8_t *)in->data)[i];
        y[i] = (float)(scale * (x - in->zero_point));
    }
}

const labrt_kernel labrt_kernel_dequantize = {6, 0, prepare, eval};
