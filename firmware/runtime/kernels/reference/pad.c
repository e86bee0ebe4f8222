/* PAD and PADV2 (tflite.md 3.18): constant int32 paddings [rank, 2], rank <= 5.
 * The pad value is 0 (float), the output zero point (int8 PAD), or the
 * constant_values input (PADV2). No requantization. */
#include <string.h>

#include "labrt_kernel.h"

#define PAD_MAX_RANK 5

typedef struct {
    int rank;
    int32_t before[PAD_MAX_RANK];
    uint32_t element_size;
} pad_data;

static labrt_status check_paddings(labrt_prepare_ctx *ctx, pad_data *d)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *paddings = labrt_in(ctx, 1);
    const labrt_tensor *output = labrt_out(ctx, 0);
    const int32_t *p = (const int32_t *)paddings->data;
    int axis;
    if (paddings->type != LABRT_INT32 || !(paddings->flags & LABRT_TENSOR_CONSTANT))
        return labrt_unsupported(ctx, "paddings must be a constant int32 tensor");
    if (input->rank > PAD_MAX_RANK || input->rank != output->rank || paddings->rank != 2 ||
        paddings->dims[0] != input->rank || paddings->dims[1] != 2)
        return labrt_invalid(ctx, "paddings must be [rank, 2] with rank <= 5");
    d->rank = input->rank;
    for (axis = 0; axis < input->rank; axis++) {
        int32_t before = p[2 * axis], after = p[2 * axis + 1];
        if (before < 0 || after < 0 ||
            (int64_t)input->dims[axis] + before + after != output->dims[axis])
            return labrt_invalid(ctx, "output shape must be input + paddings");
        d->before[axis] = before;
    }
    return LABRT_OK;
}

static labrt_status prepare_common(labrt_prepare_ctx *ctx, uint32_t inputs)
{
    const labrt_tensor *input, *output, *value;
    pad_data *d;
    labrt_status status = labrt_expect_io(ctx, inputs, inputs, 1);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    value = inputs > 2 ? labrt_in(ctx, 2) : NULL;
    if ((status = labrt_expect_int8_or_float(ctx, input, output, value)) != LABRT_OK)
        return status;
    if (value && labrt_elements(value) < 1)
        return labrt_invalid(ctx, "constant_values must hold a value");
    if (input->type == LABRT_INT8 && (status = labrt_expect_quantized(ctx, output)) != LABRT_OK)
        return status;
    if (value && input->type == LABRT_INT8 &&
        (value->quantization == LABRT_QUANT_NONE || value->scale != output->scale ||
         value->zero_point != output->zero_point))
        return labrt_invalid(ctx, "constant_values must share the output's scale and zero point");
    d = labrt_alloc_op_data(ctx, sizeof *d);
    if (!d)
        return LABRT_ERR_ARENA_TOO_SMALL;
    d->element_size = labrt_type_size(input->type);
    return check_paddings(ctx, d);
}

static labrt_status prepare_pad(labrt_prepare_ctx *ctx) { return prepare_common(ctx, 2); }
static labrt_status prepare_padv2(labrt_prepare_ctx *ctx) { return prepare_common(ctx, 3); }

/* Flat input index of output element `o`, or -1 if it lies in the padding. */
static int64_t source_index(const pad_data *d, const labrt_tensor *in, const labrt_tensor *out,
                            uint32_t o)
{
    int64_t index = 0, stride = 1;
    int axis;
    for (axis = d->rank - 1; axis >= 0; axis--) {
        int32_t i = (int32_t)(o % (uint32_t)out->dims[axis]) - d->before[axis];
        o /= (uint32_t)out->dims[axis];
        if (i < 0 || i >= in->dims[axis])
            return -1;
        index += i * stride;
        stride *= in->dims[axis];
    }
    return index;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const pad_data *d = node->data;
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const labrt_tensor *value = labrt_op_input(rt, node, 2);
    const uint32_t n = labrt_elements(out), size = d->element_size;
    uint8_t pad_value[4] = {0, 0, 0, 0};
    uint32_t o;
    if (value)
        memcpy(pad_value, value->data, size);
    else if (in->type == LABRT_INT8)
        pad_value[0] = (uint8_t)(int8_t)out->zero_point;
    for (o = 0; o < n; o++) {
        int64_t i = source_index(d, in, out, o);
        memcpy((uint8_t *)out->data + (size_t)o * size,
               i < 0 ? pad_value : (const uint8_t *)in->data + (size_t)i * size, size);
    }
}

const labrt_kernel labrt_kernel_pad = {34, 0, prepare_pad, eval};
const labrt_kernel labrt_kernel_padv2 = {60, 0, prepare_padv2, eval};
