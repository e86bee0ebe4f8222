/* RELU as a standalone op, int8 (requantizing, tflite.md 3.17) and float32. */
#include "labrt_kernel.h"

typedef struct {
    int32_t multiplier, shift, act_min; /* int8 */
} relu_data;

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    relu_data *d;
    labrt_status status = labrt_expect_unary(ctx);
    if (status == LABRT_OK)
        status = labrt_expect_quantized_io(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    if (input->type == LABRT_FLOAT32)
        return LABRT_OK;
    d->act_min = output->zero_point > -128 ? output->zero_point : -128;
    /* The scale ratio is divided in float, then widened (CalculateReluOpData). */
    return labrt_prepare_multiplier(ctx, (double)(input->scale / output->scale), &d->multiplier,
                                    &d->shift);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const relu_data *d = node->data;
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const uint32_t n = labrt_elements(in);
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (in->type == LABRT_INT8) {
            int32_t x = ((const int8_t *)in->data)[i] - in->zero_point;
            int32_t y = labrt_wrap_add(out->zero_point, labrt_mbqm(x, d->multiplier, d->shift));
            ((int8_t *)out->data)[i] = (int8_t)labrt_clamp(y, d->act_min, 127);
        } else {
            float x = ((const float *)in->data)[i];
            ((float *)out->data)[i] = x < 0.0f ? 0.0f : x;
        }
    }
}

const labrt_kernel labrt_kernel_relu = {19, 0, prepare, eval};
