/* CONCATENATION along one axis (tflite.md 3.18): a plain copy. int8 inputs
 * must share the output's scale and zero point; no fused activation. */
#include <string.h>

#include "labrt_kernel.h"

enum { OPT_AXIS, OPT_ACTIVATION };

typedef struct {
    int32_t axis;
    uint32_t outer;       /* product of the dims before the axis */
    uint32_t inner_bytes; /* bytes of one step along the axis */
} concat_data;

static labrt_status check_input(labrt_prepare_ctx *ctx, const labrt_tensor *t, int axis)
{
    const labrt_tensor *output = labrt_out(ctx, 0);
    int i;
    if (t->type != output->type)
        return labrt_unsupported_type(ctx, t);
    if (t->rank != output->rank)
        return labrt_invalid(ctx, "inputs and output must have the same rank");
    for (i = 0; i < t->rank; i++)
        if (i != axis && t->dims[i] != output->dims[i])
            return labrt_invalid(ctx, "inputs differ from the output outside the axis");
    if (t->type == LABRT_INT8 &&
        (t->quantization == LABRT_QUANT_NONE || t->scale != output->scale ||
         t->zero_point != output->zero_point))
        return labrt_invalid(ctx, "int8 inputs must share the output's scale and zero point");
    return LABRT_OK;
}

static labrt_status check_inputs(labrt_prepare_ctx *ctx, int axis)
{
    const labrt_tensor *output = labrt_out(ctx, 0);
    int64_t axis_total = 0;
    uint32_t i;
    for (i = 0; i < ctx->node->input_count; i++) {
        const labrt_tensor *t = labrt_in(ctx, i);
        labrt_status status;
        if (!t)
            return labrt_invalid(ctx, "an input is missing");
        if ((status = check_input(ctx, t, axis)) != LABRT_OK)
            return status;
        axis_total += t->dims[axis];
    }
    if (axis_total != output->dims[axis])
        return labrt_invalid(ctx, "output size along the axis is not the inputs' sum");
    return LABRT_OK;
}

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *output;
    concat_data *d;
    int32_t axis;
    int i;
    labrt_status status = labrt_expect_io(ctx, 1, 0xFFFF, 1);
    if (status != LABRT_OK)
        return status;
    output = labrt_out(ctx, 0);
    if (labrt_option_i8(ctx, OPT_ACTIVATION, 0) != LABRT_ACT_NONE)
        return labrt_unsupported(ctx, "fused activation is not supported (as in TFLM)");
    axis = labrt_option_i32(ctx, OPT_AXIS, 0);
    if (axis < 0)
        axis += output->rank;
    if (axis < 0 || axis >= output->rank)
        return labrt_invalid(ctx, "axis out of range");
    if ((status = check_inputs(ctx, axis)) != LABRT_OK)
        return status;
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    d->axis = axis;
    d->outer = 1;
    for (i = 0; i < axis; i++)
        d->outer *= (uint32_t)output->dims[i];
    d->inner_bytes = labrt_type_size(output->type);
    for (i = axis + 1; i < output->rank; i++)
        d->inner_bytes *= (uint32_t)output->dims[i];
    return LABRT_OK;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const concat_data *d = node->data;
    const labrt_tensor *out = labrt_op_output(rt, node, 0);
    uint8_t *y = (uint8_t *)out->data;
    uint32_t outer, i;
    for (outer = 0; outer < d->outer; outer++)
        for (i = 0; i < node->input_count; i++) {
            const labrt_tensor *in = labrt_op_input(rt, node, i);
            const size_t chunk = (size_t)in->dims[d->axis] * d->inner_bytes;
            if (chunk == 0)
                continue; /* an empty input has no data pointer */
            memcpy(y, (const uint8_t *)in->data + outer * chunk, chunk);
            y += chunk;
        }
}

const labrt_kernel labrt_kernel_concatenation = {2, 10, prepare, eval};
