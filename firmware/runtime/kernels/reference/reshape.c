/* RESHAPE (tflite.md 3.18): the output shape is the output tensor's shape in
 * the model; the data is copied unchanged. */
#include <string.h>

#include "labrt_kernel.h"

static labrt_status prepare(labrt_prepare_ctx *ctx)
{
    const labrt_tensor *input, *output;
    labrt_status status = labrt_expect_io(ctx, 1, 2, 1);
    if (status != LABRT_OK)
        return status;
    input = labrt_in(ctx, 0);
    output = labrt_out(ctx, 0);
    if (input->type != output->type)
        return labrt_unsupported_type(ctx, output);
    if (input->bytes != output->bytes)
        return labrt_invalid(ctx, "input and output must have the same number of elements");
    return LABRT_OK;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    if (in->data != out->data)
        memmove(out->data, in->data, out->bytes);
}

const labrt_kernel labrt_kernel_reshape = {22, 0, prepare, eval};
