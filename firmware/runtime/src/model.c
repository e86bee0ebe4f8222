/* Reading the .tflite schema in place; field ids from tflite.md sec. 2. */
#include "model.h"

#include <math.h>
#include <string.h>

enum { MODEL_VERSION = 0, MODEL_OPERATOR_CODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3 };
enum {
    TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3,
    TENSOR_QUANTIZATION = 4, TENSOR_IS_VARIABLE = 5, TENSOR_SPARSITY = 6
};
enum { BUFFER_DATA = 0, BUFFER_OFFSET = 1 };
enum { QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DIMENSION = 6 };
enum {
    OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3,
    OP_OPTIONS = 4, OP_CUSTOM_OPTIONS = 5
};
enum { CODE_DEPRECATED_BUILTIN = 0, CODE_CUSTOM = 1, CODE_BUILTIN = 3 };

#define BUILTIN_CUSTOM 32

static labrt_status malformed(labrt_msg *err, const char *what, int64_t index, const char *detail)
{
    labrt_msg_text(err, "malformed model: ");
    labrt_msg_text(err, what);
    if (index >= 0) {
        labrt_msg_text(err, " ");
        labrt_msg_int(err, index);
    }
    labrt_msg_text(err, detail);
    return LABRT_ERR_MALFORMED;
}

static labrt_status check_indices(labrt_model *m, fb_vector v, int allow_omitted, labrt_msg *err,
                                  const char *what, int64_t index)
{
    uint32_t i;
    for (i = 0; i < v.count; i++) {
        int32_t tensor = labrt_fb_vector_i32(&m->r, v, i);
        if (tensor >= (int32_t)m->tensors.count || tensor < (allow_omitted ? -1 : 0))
            return malformed(err, what, index, ": tensor index out of range");
    }
    return LABRT_OK;
}

labrt_status labrt_model_open(labrt_model *m, const uint8_t *data, uint32_t size, labrt_msg *err)
{
    fb_table root;
    fb_vector subgraphs;
    uint32_t version;

    memset(m, 0, sizeof *m);
    if (!labrt_fb_open(&m->r, data, size))
        return malformed(err, "file too small or too large", -1, "");
    if (memcmp(data + 4, "TFL3", 4) != 0) {
        labrt_msg_text(err, "not a .tflite model: no \"TFL3\" identifier at byte 4");
        return LABRT_ERR_MALFORMED;
    }
    root = labrt_fb_root(&m->r);
    version = labrt_fb_u32(&m->r, root, MODEL_VERSION, 0);
    if (m->r.failed || root.pos == 0)
        return malformed(err, "bad root table", -1, "");
    if (version != 3) {
        labrt_msg_text(err, "unsupported schema version ");
        labrt_msg_int(err, version);
        labrt_msg_text(err, " (expected 3)");
        return LABRT_ERR_UNSUPPORTED;
    }
    subgraphs = labrt_fb_vector_field(&m->r, root, MODEL_SUBGRAPHS, 4);
    m->opcodes = labrt_fb_vector_field(&m->r, root, MODEL_OPERATOR_CODES, 4);
    m->buffers = labrt_fb_vector_field(&m->r, root, MODEL_BUFFERS, 4);
    if (m->r.failed)
        return malformed(err, "subgraphs, operator codes or buffers out of range", -1, "");
    if (subgraphs.count == 0)
        return malformed(err, "no subgraph", -1, "");
    m->subgraph = labrt_fb_vector_table(&m->r, subgraphs, 0);
    m->tensors = labrt_fb_vector_field(&m->r, m->subgraph, SUBGRAPH_TENSORS, 4);
    m->inputs = labrt_fb_vector_field(&m->r, m->subgraph, SUBGRAPH_INPUTS, 4);
    m->outputs = labrt_fb_vector_field(&m->r, m->subgraph, SUBGRAPH_OUTPUTS, 4);
    m->operators = labrt_fb_vector_field(&m->r, m->subgraph, SUBGRAPH_OPERATORS, 4);
    if (m->r.failed)
        return malformed(err, "subgraph 0 or a top-level vector out of range", -1, "");
    if (m->tensors.count > LABRT_MAX_TENSORS || m->operators.count > LABRT_MAX_OPS) {
        labrt_msg_text(err, "model too large: more than 65000 tensors or 32000 ops");
        return LABRT_ERR_UNSUPPORTED;
    }
    if (check_indices(m, m->inputs, 0, err, "graph inputs", -1) != LABRT_OK ||
        check_indices(m, m->outputs, 0, err, "graph outputs", -1) != LABRT_OK)
        return LABRT_ERR_MALFORMED;
    return LABRT_OK;
}

/* Shape: rank, dims >= 0, total bytes below 2 GB. */
static labrt_status read_shape(labrt_model *m, fb_table table, uint32_t index, labrt_tensor *t,
                               labrt_msg *err)
{
    fb_vector shape = labrt_fb_vector_field(&m->r, table, TENSOR_SHAPE, 4);
    uint64_t bytes = labrt_type_size(t->type);
    uint32_t i;

    if (m->r.failed)
        return malformed(err, "tensor", index, ": shape out of range");
    if (shape.count > LABRT_MAX_RANK) {
        labrt_msg_text(err, "tensor ");
        labrt_msg_int(err, index);
        labrt_msg_text(err, ": rank above 8 is not supported");
        return LABRT_ERR_UNSUPPORTED;
    }
    t->rank = (uint8_t)shape.count;
    t->dims = shape.count ? (const int32_t *)(const void *)(m->r.base + shape.pos) : NULL;
    for (i = 0; i < shape.count; i++) {
        int32_t dim = labrt_fb_vector_i32(&m->r, shape, i);
        if (dim < 0)
            return malformed(err, "tensor", index, ": negative dimension");
        bytes *= (uint32_t)dim;
        if (bytes > 0x7FFFFFFFu)
            return malformed(err, "tensor", index, ": larger than 2 GB");
    }
    t->bytes = (uint32_t)bytes;
    return LABRT_OK;
}

/* Constant data: buffers[t.buffer].data when non-empty (tflite.md sec. 2). */
static labrt_status read_buffer(labrt_model *m, fb_table table, uint32_t index, labrt_tensor *t,
                                labrt_msg *err)
{
    uint32_t buffer_index = labrt_fb_u32(&m->r, table, TENSOR_BUFFER, 0);
    uint32_t type_size = labrt_type_size(t->type);
    uint32_t align = type_size < 4 ? type_size : 4;
    fb_table buffer;
    fb_vector data;

    if (buffer_index >= m->buffers.count) {
        if (buffer_index == 0 && !m->r.failed)
            return LABRT_OK;  /* no buffers at all: every tensor is an activation */
        return malformed(err, "tensor", index, ": buffer index out of range");
    }
    buffer = labrt_fb_vector_table(&m->r, m->buffers, buffer_index);
    data = labrt_fb_vector_field(&m->r, buffer, BUFFER_DATA, 1);
    if (m->r.failed)
        return malformed(err, "tensor", index, ": its buffer is out of range");
    if (data.count == 0) {
        if (labrt_fb_u64(&m->r, buffer, BUFFER_OFFSET, 0) > 1) {
            labrt_msg_text(err, "tensor ");
            labrt_msg_int(err, index);
            labrt_msg_text(err, ": data stored outside the flatbuffer is not supported");
            return LABRT_ERR_UNSUPPORTED;
        }
        return LABRT_OK;
    }
    if (data.count != t->bytes) {
        labrt_msg_text(err, "malformed model: tensor ");
        labrt_msg_int(err, index);
        labrt_msg_text(err, ": its shape needs ");
        labrt_msg_int(err, t->bytes);
        labrt_msg_text(err, " bytes but its buffer holds ");
        labrt_msg_int(err, data.count);
        return LABRT_ERR_MALFORMED;
    }
    if (data.pos % align != 0)
        return malformed(err, "tensor", index, ": misaligned constant data");
    t->data = (void *)(uintptr_t)(m->r.base + data.pos);
    t->flags |= LABRT_TENSOR_CONSTANT;
    return LABRT_OK;
}

static int zero_point_fits(int32_t type, int64_t zero_point)
{
    if (type == LABRT_INT8)
        return zero_point >= -128 && zero_point <= 127;
    if (type == LABRT_UINT8)
        return zero_point >= 0 && zero_point <= 255;
    return zero_point >= INT32_MIN && zero_point <= INT32_MAX;
}

/* Used only when both scale and zero_point are non-empty, as in TFLite Micro. */
static labrt_status read_quantization(labrt_model *m, fb_table table, uint32_t index,
                                      labrt_tensor *t, labrt_msg *err)
{
    fb_table quant = labrt_fb_table_field(&m->r, table, TENSOR_QUANTIZATION);
    fb_vector scales = labrt_fb_vector_field(&m->r, quant, QUANT_SCALE, 4);
    fb_vector zero_points = labrt_fb_vector_field(&m->r, quant, QUANT_ZERO_POINT, 8);
    int32_t dimension = labrt_fb_i32(&m->r, quant, QUANT_DIMENSION, 0);
    int64_t zero_point;
    uint32_t i;

    if (m->r.failed)
        return malformed(err, "tensor", index, ": quantization out of range");
    if (scales.count == 0 || zero_points.count == 0)
        return LABRT_OK;
    for (i = 0; i < scales.count; i++) {
        float scale = labrt_fb_vector_f32(&m->r, scales, i);
        if (!(scale > 0.0f) || !isfinite(scale))
            return malformed(err, "tensor", index, ": quantization scale not positive");
    }
    zero_point = labrt_fb_vector_i64(&m->r, zero_points, 0);
    if (!zero_point_fits(t->type, zero_point))
        return malformed(err, "tensor", index, ": zero point out of range for its type");
    if (scales.count > 1 &&
        (dimension < 0 || dimension >= t->rank || t->dims[dimension] != (int32_t)scales.count))
        return malformed(err, "tensor", index, ": per-channel scales do not match its shape");
    t->scale = labrt_fb_vector_f32(&m->r, scales, 0);
    t->zero_point = (int32_t)zero_point;
    t->quantization = scales.count > 1 ? LABRT_QUANT_PER_CHANNEL : LABRT_QUANT_PER_TENSOR;
    return LABRT_OK;
}

labrt_status labrt_model_read_tensor(labrt_model *m, uint32_t index, labrt_tensor *t, labrt_msg *err)
{
    fb_table table = labrt_fb_vector_table(&m->r, m->tensors, index);
    labrt_status status;

    memset(t, 0, sizeof *t);
    t->type = labrt_fb_u8(&m->r, table, TENSOR_TYPE, 0);
    if (m->r.failed || table.pos == 0)
        return malformed(err, "tensor", index, ": table out of range");
    if (labrt_type_size(t->type) == 0) {
        labrt_msg_text(err, "tensor ");
        labrt_msg_int(err, index);
        labrt_msg_text(err, ": unsupported type ");
        labrt_msg_text(err, labrt_type_name(t->type));
        return LABRT_ERR_UNSUPPORTED;
    }
    status = read_shape(m, table, index, t, err);
    if (status == LABRT_OK)
        status = read_buffer(m, table, index, t, err);
    if (status == LABRT_OK)
        status = read_quantization(m, table, index, t, err);
    if (status == LABRT_OK && labrt_fb_has_field(&m->r, table, TENSOR_SPARSITY)) {
        labrt_msg_text(err, "tensor ");
        labrt_msg_int(err, index);
        labrt_msg_text(err, ": sparse tensors are not supported");
        status = LABRT_ERR_UNSUPPORTED;
    }
    return status;
}

static labrt_status read_opcode(labrt_model *m, uint32_t op_index, uint32_t code_index,
                                labrt_model_op *op, labrt_msg *err)
{
    fb_table code;
    int32_t deprecated, builtin;
    if (code_index >= m->opcodes.count)
        return malformed(err, "op", op_index, ": opcode index out of range");
    code = labrt_fb_vector_table(&m->r, m->opcodes, code_index);
    deprecated = (int8_t)labrt_fb_u8(&m->r, code, CODE_DEPRECATED_BUILTIN, 0);
    builtin = labrt_fb_i32(&m->r, code, CODE_BUILTIN, 0);
    op->builtin = builtin > deprecated ? builtin : deprecated;  /* schema_utils GetBuiltinCode */
    if (op->builtin == BUILTIN_CUSTOM)
        op->custom_name = labrt_fb_string_field(&m->r, code, CODE_CUSTOM);
    if (m->r.failed || code.pos == 0)
        return malformed(err, "op", op_index, ": operator code out of range");
    return LABRT_OK;
}

labrt_status labrt_model_read_op(labrt_model *m, uint32_t index, labrt_model_op *op, labrt_msg *err)
{
    fb_table table = labrt_fb_vector_table(&m->r, m->operators, index);
    fb_table options;
    fb_vector custom_options;
    labrt_status status;

    memset(op, 0, sizeof *op);
    op->inputs = labrt_fb_vector_field(&m->r, table, OP_INPUTS, 4);
    op->outputs = labrt_fb_vector_field(&m->r, table, OP_OUTPUTS, 4);
    op->options_type = labrt_fb_u8(&m->r, table, OP_OPTIONS_TYPE, 0);
    options = labrt_fb_table_field(&m->r, table, OP_OPTIONS);
    custom_options = labrt_fb_vector_field(&m->r, table, OP_CUSTOM_OPTIONS, 1);
    if (m->r.failed || table.pos == 0)
        return malformed(err, "op", index, ": table, inputs, outputs or options out of range");
    op->options = options.pos;
    if (op->inputs.count > 0xFFFFu || op->outputs.count > 0xFFFFu)
        return malformed(err, "op", index, ": too many inputs or outputs");
    status = read_opcode(m, index, labrt_fb_u32(&m->r, table, OP_OPCODE_INDEX, 0), op, err);
    if (status != LABRT_OK)
        return status;
    if (check_indices(m, op->inputs, 1, err, "op", index) != LABRT_OK ||
        check_indices(m, op->outputs, 0, err, "op", index) != LABRT_OK)
        return LABRT_ERR_MALFORMED;
    if (op->builtin != BUILTIN_CUSTOM && custom_options.count > 0) {
        labrt_msg_text(err, "op ");
        labrt_msg_int(err, index);
        labrt_msg_text(err, ": builtin op with custom options is not supported");
        return LABRT_ERR_UNSUPPORTED;
    }
    return LABRT_OK;
}

const float *labrt_model_tensor_scales(labrt_model *m, uint32_t index, uint32_t *count)
{
    fb_table table = labrt_fb_vector_table(&m->r, m->tensors, index);
    fb_table quant = labrt_fb_table_field(&m->r, table, TENSOR_QUANTIZATION);
    fb_vector scales = labrt_fb_vector_field(&m->r, quant, QUANT_SCALE, 4);
    *count = m->r.failed ? 0 : scales.count;
    return *count ? (const float *)(const void *)(m->r.base + scales.pos) : NULL;
}

const char *labrt_model_tensor_name(labrt_model *m, uint32_t index)
{
    fb_table table = labrt_fb_vector_table(&m->r, m->tensors, index);
    const char *name = labrt_fb_string_field(&m->r, table, TENSOR_NAME);
    return name ? name : "";
}

int labrt_model_tensor_is_variable(labrt_model *m, uint32_t index)
{
    fb_table table = labrt_fb_vector_table(&m->r, m->tensors, index);
    return labrt_fb_u8(&m->r, table, TENSOR_IS_VARIABLE, 0) != 0;
}
