/* The .tflite schema (tflite.md sec. 2) read in place: model, subgraph 0,
 * tensors with their buffers and quantization, operators with their codes. */
#ifndef LABRT_MODEL_H
#define LABRT_MODEL_H

#include "flatbuffer.h"
#include "labrt_kernel.h"
#include "message.h"

#define LABRT_MAX_TENSORS 65000u  /* planner links are 16-bit */
#define LABRT_MAX_OPS 32000u      /* lifetimes are 16-bit op scopes */

typedef struct {
    fb_reader r;
    fb_table subgraph;
    fb_vector tensors, operators, buffers, opcodes, inputs, outputs;
} labrt_model;

typedef struct {
    int32_t builtin;
    const char *custom_name;   /* CUSTOM ops */
    fb_vector inputs, outputs;
    uint8_t options_type;
    uint32_t options;          /* table position, 0 = absent */
} labrt_model_op;

labrt_status labrt_model_open(labrt_model *m, const uint8_t *data, uint32_t size, labrt_msg *err);

/* Fills t (data = NULL for non-constant tensors) from tensor `index`. Returns
 * LABRT_ERR_UNSUPPORTED for features this runtime lacks, after filling t. */
labrt_status labrt_model_read_tensor(labrt_model *m, uint32_t index, labrt_tensor *t, labrt_msg *err);
labrt_status labrt_model_read_op(labrt_model *m, uint32_t index, labrt_model_op *op, labrt_msg *err);

/* The tensor's quantization scales in the model (NULL, 0 if none). */
const float *labrt_model_tensor_scales(labrt_model *m, uint32_t index, uint32_t *count);
/* Inspection only: the tensor's name, "" if absent. */
const char *labrt_model_tensor_name(labrt_model *m, uint32_t index);
/* Inspection only: whether the tensor is marked is_variable. */
int labrt_model_tensor_is_variable(labrt_model *m, uint32_t index);

#endif
