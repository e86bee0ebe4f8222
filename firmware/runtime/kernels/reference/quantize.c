/* QUANTIZE (tflite.md 3.15): float32 -> int8/uint8 with the output's scale and
 * zero point, or int8/uint8 -> int8/uint8 requantization. */
#include "labrt_kernel.h"

typedef struct {
    int32_t multiplier, shift; /* requantization */
    int32_t out_min, out_max;
} quantize_data;

static int is_8bit(const labrt_tensor *t)
{
    return t->type == LABRT_INT8 || t->type == LABRT_UINT8;
}

static labrt_status check_tensors(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *output = labrt_out(ctx, 0);
    labrt_status status;
    if (input->type != LABRT_FLOAT32 && !is_8bit(input))
        return labrt_unsupported_type(ctx, input);
    if (!is_8bit(output))
        return labrt_unsupported_type(ctx, output);
    if (!labrt_same_shape(input, output))
        return labrt_invalid(ctx, "input and output shapes must be equal");
    if ((status = labrt_expect_quantized(ctx, output)) != LABRT_OK)
        return status;
    return is_8bit(input) ? labrt_expect_quantized(ctx, input) : LABRT_OK;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    quantize_data *d;
    labrt_status status = labrt_expect_io(ctx, 1, 1, 1);
    if (status == LABRT_OK)
        status = check_tensors(ctx);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    d->out_min = output->type == LABRT_INT8 ? -128 : 0;
    d->out_max = output->type == LABRT_INT8 ? 127 : 255;
    d->multiplier = 0;
    d->shift = 0;
    if (input->type == LABRT_FLOAT32)
        return LABRT_OK;
    return labrt_prepare_multiplier(ctx, (double)input->scale / (double)output->scale,
                                    &d->multiplier, &d->shift);
}

static int32_t load_8bit(const labrt_tensor *t, uint32_t i)
{
    return t->type == LABRT_INT8 ? ((const int8_t *)t->data)[i] : ((const uint8_t *)t->data)[i];
}

static void store_8bit(const labrt_tensor *t, uint32_t i, int32_t value)
{
    if (t->type == LABRT_INT8)
        ((int8_t *)t->data)[i] = (int8_t)value;
    else
        ((uint8_t *)t->data)[i] = (uint8_t)value;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const quantize_data *d = node->data;
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const uint32_t n = labrt_elements(out);
    uint32_t i;
    for (i = 0; i < n; i++) {
        int32_t q;
        if (in->type == LABRT_FLOAT32) /* float division, round half away from zero */
            q = labrt_round_to_int32(((const float *)in->data)[i] / out->scale);
        else
            q = labrt_mbqm(load_8bit(in, i) - in->zero_point, d->multiplier, d->shift);
        store_8bit(out, i, labrt_clamp(labrt_wrap_add(q, out->zero_point), d->out_min, d->out_max));
    }
}

const labrt_kernel labrt_kernel_quantize = {114, 0, prepare, eval};
