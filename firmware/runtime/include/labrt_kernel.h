/* What a kernel sees: tensors, nodes, and the helpers shared by the reference
 * kernels (kernels/reference/<op>.c, one op per file).
 *
 * A kernel has two functions. prepare() runs once in labrt_init(): it checks
 * every type, shape and option the op depends on and precomputes its
 * parameters into per-op data taken from the arena. eval() runs on each
 * invoke and cannot fail: everything it relies on was checked in prepare(),
 * so it never reads or writes outside its tensors. */
#ifndef LABRT_KERNEL_H
#define LABRT_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "labrt.h"
#include "labrt_quant.h"

#define LABRT_MAX_RANK 8

enum { LABRT_TENSOR_CONSTANT = 1, LABRT_TENSOR_PLANNED = 2 };
enum { LABRT_QUANT_NONE = 0, LABRT_QUANT_PER_TENSOR = 1, LABRT_QUANT_PER_CHANNEL = 2 };

/* Kept small (32 bytes on a 64-bit host, 24 on Cortex-M): one per tensor of the
 * model lives in the arena. Per-channel scales stay in the model
 * (labrt_channel_scales). */
typedef struct labrt_tensor {
    void *data;             /* arena, model (constant), or NULL (empty/unused) */
    const int32_t *dims;    /* in the model; NULL for scalars */
    uint32_t bytes;
    int32_t zero_point;     /* zero_point[0] */
    float scale;            /* scale[0]; 0 when not quantized */
    uint8_t type, rank;
    uint8_t quantization;   /* LABRT_QUANT_* */
    uint8_t flags;          /* LABRT_TENSOR_* */
} labrt_tensor;

typedef struct labrt_prepare_ctx labrt_prepare_ctx;
typedef struct labrt_node labrt_node;

typedef struct labrt_kernel {
    int32_t builtin;
    uint8_t options_type;   /* BuiltinOptions union id read by prepare, 0 = none */
    labrt_status (*prepare)(labrt_prepare_ctx *ctx);
    void (*eval)(const labrt_runtime *rt, const labrt_node *node);
} labrt_kernel;

struct labrt_node {
    const labrt_kernel *kernel;   /* NULL: unsupported op */
    const int32_t *inputs;        /* in the model; -1 = omitted optional input */
    const int32_t *outputs;
    void *data;                   /* per-op data from prepare */
    int32_t builtin;
    uint16_t input_count, output_count;
};

struct labrt_prepare_ctx {
    labrt_runtime *rt;
    labrt_node *node;
    uint32_t op_index;
    uint32_t options;             /* options table position, 0 = none */
};

/* Tensors of a node; NULL for an omitted optional input or a missing index. */
static inline const labrt_tensor *labrt_op_input(const labrt_runtime *rt, const labrt_node *node,
                                                 uint32_t i)
{
    return (i < node->input_count && node->inputs[i] >= 0) ? &rt->tensors[node->inputs[i]] : 0;
}

static inline const labrt_tensor *labrt_op_output(const labrt_runtime *rt, const labrt_node *node,
                                                  uint32_t i)
{
    return i < node->output_count ? &rt->tensors[node->outputs[i]] : 0;
}

static inline const labrt_tensor *labrt_in(const labrt_prepare_ctx *ctx, uint32_t i)
{
    return labrt_op_input(ctx->rt, ctx->node, i);
}

static inline const labrt_tensor *labrt_out(const labrt_prepare_ctx *ctx, uint32_t i)
{
    return labrt_op_output(ctx->rt, ctx->node, i);
}

/* Builtin options: a field absent from a present table reads as the schema
 * default; when the whole table is absent every field reads as 0, as in
 * TFLite Micro's parsers (tflite.md sec. 2, end). */
int32_t labrt_option_i8(const labrt_prepare_ctx *ctx, unsigned field, int32_t schema_default);
int32_t labrt_option_i32(const labrt_prepare_ctx *ctx, unsigned field, int32_t schema_default);
float labrt_option_f32(const labrt_prepare_ctx *ctx, unsigned field, float schema_default);

/* The scales of a quantized tensor, in the model; *count > 1 for per-channel. */
const float *labrt_channel_scales(const labrt_prepare_ctx *ctx, const labrt_tensor *t,
                                  uint32_t *count);

/* Per-op data from the arena's persistent part, 8-byte aligned. Call at most
 * once per prepare; NULL means the arena is too small (return
 * LABRT_ERR_ARENA_TOO_SMALL; init still learns the size needed). 64-bit size so
 * that no computation of it can wrap on a 32-bit target. For data whose structure
 * holds no pointer (the same size on every target). */
void *labrt_alloc_op_data(labrt_prepare_ctx *ctx, uint64_t bytes);

/* The arena figures the runtime reports (labrt_arena_target) are the 32-bit
 * target's, also when it runs on a 64-bit host, where a structure holding pointers
 * is larger. So per-op data whose structure holds pointers states its size on the
 * target too: LABRT_TARGET_SIZEOF(type, bytes) is sizeof(type) on a 32-bit build,
 * where the compiler checks that it equals `bytes`, and `bytes` on other hosts. */
#if UINTPTR_MAX == 0xFFFFFFFFu
#define LABRT_TARGET_SIZEOF(type, bytes) \
    (sizeof(char[sizeof(type) == (bytes) ? 1 : -1]) * 0u + sizeof(type))
#else
#define LABRT_TARGET_SIZEOF(type, bytes) ((size_t)(bytes))
#endif

/* labrt_alloc_op_data of `bytes` here and `target_bytes` on the 32-bit target. */
void *labrt_alloc_op_data_sized(labrt_prepare_ctx *ctx, uint64_t bytes, uint64_t target_bytes);

/* Per-op data given back: everything allocated since `mark` (a value of
 * labrt_persistent_mark taken earlier in the same prepare). An optimized prepare runs
 * the reference prepare for its checks, then drops the reference's per-op data when
 * it has its own. */
typedef struct {
    size_t bytes, target_bytes;  /* the tail's size here and on the 32-bit target */
} labrt_tail_mark;
labrt_tail_mark labrt_persistent_mark(const labrt_prepare_ctx *ctx);
void labrt_persistent_release(labrt_prepare_ctx *ctx, labrt_tail_mark mark);

/* Scratch memory for an op's eval, as TFLite Micro's RequestScratchBufferInArena:
 * planned with the activations, alive only while the op runs, so ops share the
 * space. The request lives in the op's per-op data; once init has planned the arena,
 * request->data points at `bytes` bytes (16-byte aligned). Fails only when a model
 * has more tensors and scratch buffers than the planner can number. */
typedef struct labrt_scratch {
    void *data;
    uint32_t bytes;
    uint32_t op;                 /* index of the op whose eval uses it */
    struct labrt_scratch *next;
} labrt_scratch;

labrt_status labrt_request_scratch(labrt_prepare_ctx *ctx, labrt_scratch *request,
                                   uint32_t bytes);

/* Failure helpers: record "op <i> <NAME>: <message>" and return the status. */
labrt_status labrt_invalid(labrt_prepare_ctx *ctx, const char *message);
labrt_status labrt_unsupported(labrt_prepare_ctx *ctx, const char *message);
labrt_status labrt_unsupported_type(labrt_prepare_ctx *ctx, const labrt_tensor *t);

/* Shape helpers. */
int32_t labrt_dim(const labrt_tensor *t, int i);     /* negative i counts from the end */
uint32_t labrt_elements(const labrt_tensor *t);
int labrt_same_shape(const labrt_tensor *a, const labrt_tensor *b);
uint32_t labrt_type_size(int32_t type);              /* 0 for unsupported types */

/* Checks shared by many kernels; each returns LABRT_OK or a recorded failure. */
labrt_status labrt_expect_io(labrt_prepare_ctx *ctx, uint32_t min_inputs, uint32_t max_inputs,
                             uint32_t outputs);
labrt_status labrt_expect_quantized(labrt_prepare_ctx *ctx, const labrt_tensor *t);
/* input is int8 or float32, and a and b (b may be NULL) have its type; else
 * the first of them that does not is reported. */
labrt_status labrt_expect_int8_or_float(labrt_prepare_ctx *ctx, const labrt_tensor *input,
                                        const labrt_tensor *a, const labrt_tensor *b);
/* If input 0 is int8: input 0 and output 0 are both per-tensor quantized. */
labrt_status labrt_expect_quantized_io(labrt_prepare_ctx *ctx);
/* One input and one output, int8 or float32, of the same type and shape. */
labrt_status labrt_expect_unary(labrt_prepare_ctx *ctx);

/* labrt_expect_unary, then per-op data of `bytes`; NULL, and *status the
 * failure, when either fails. */
void *labrt_prepare_unary(labrt_prepare_ctx *ctx, uint64_t bytes, labrt_status *status);

/* Elementwise ops: y = int8_fn(node data, input zero point, x) or float_fn(x),
 * by the input's type, for every element in order. */
typedef int8_t labrt_int8_fn(const void *data, int32_t zero_point, int8_t x);
typedef float labrt_float_fn(float x);
void labrt_eval_unary(const labrt_runtime *rt, const labrt_node *node, labrt_int8_fn *int8_fn,
                      labrt_float_fn *float_fn);

/* LOGISTIC and TANH int8: the input rescaled to Q4.27 (multiplier, shift) and
 * the input radius beyond which the output saturates (tflite.md 3.12). */
typedef struct {
    int32_t multiplier, shift, radius;
} labrt_q4_input;

/* The labrt_q4_input of input 0's scale. */
labrt_status labrt_prepare_q4_input(labrt_prepare_ctx *ctx, labrt_q4_input *q);

/* labrt_quantize_multiplier(real), or the failure "requantization multiplier out
 * of range". */
labrt_status labrt_prepare_multiplier(labrt_prepare_ctx *ctx, double real, int32_t *multiplier,
                                      int32_t *shift);

/* Fused activations (ActivationFunctionType values). */
enum { LABRT_ACT_NONE = 0, LABRT_ACT_RELU = 1, LABRT_ACT_RELU_N1_TO_1 = 2, LABRT_ACT_RELU6 = 3 };

typedef struct {
    int32_t min, max;   /* int8 outputs */
    float fmin, fmax;   /* float outputs */
} labrt_activation;

/* Activation range for the output tensor (int8: tflite.md 3.5, float: sec. 4). */
labrt_activation labrt_activation_range(int32_t activation, const labrt_tensor *output);
float labrt_activate(float value, const labrt_activation *act);

/* Padding and output size per spatial axis (tflite.md 3.8). */
enum { LABRT_PADDING_SAME = 0, LABRT_PADDING_VALID = 1 };

/* Computes the output size and leading padding for one axis; returns 0 if the
 * parameters are invalid (stride/dilation < 1, empty output). */
int labrt_conv_axis(int32_t padding, int32_t in, int32_t filter, int32_t stride,
                    int32_t dilation, int32_t *out, int32_t *pad);

/* CONV_2D and DEPTHWISE_CONV_2D: strides, dilations and leading padding. */
typedef struct {
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
} labrt_conv_params;

/* Reads padding and strides (fields 0 to 2 of both ops' options) and the
 * dilations (the op's fields dilation_w_field, dilation_h_field), and checks
 * that they take the 4-D input 0 [N,H,W,.] through filter input 1 [.,KH,KW,.]
 * to output 0 [N,OH,OW,.]. */
labrt_status labrt_prepare_conv_params(labrt_prepare_ctx *ctx, unsigned dilation_w_field,
                                       unsigned dilation_h_field, labrt_conv_params *p);

/* CONV_2D and DEPTHWISE_CONV_2D types: input, filter and output int8 or float32,
 * the optional bias int32 (int8) or float32 with one value per output channel,
 * int8 input and output per-tensor quantized. */
labrt_status labrt_expect_conv_types(labrt_prepare_ctx *ctx);

/* Per-channel (or broadcast per-tensor) multipliers of conv-like ops:
 * (double)s_in * s_filter[c] / s_out (tflite.md 3.6). */
labrt_status labrt_channel_multipliers(labrt_prepare_ctx *ctx, const labrt_tensor *input,
                                       const labrt_tensor *filter, const labrt_tensor *output,
                                       uint32_t channels, int32_t *multipliers, int32_t *shifts);

/* CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: an evaluation for one type
 * from the per-op data, input, filter, bias (NULL when omitted) and output. */
typedef void labrt_weights_eval(const void *data, const labrt_tensor *input,
                                const labrt_tensor *filter, const labrt_tensor *bias,
                                const labrt_tensor *output);

/* Runs int8_eval or float_eval, by the input's type. */
void labrt_eval_weights_op(const labrt_runtime *rt, const labrt_node *node,
                           labrt_weights_eval *int8_eval, labrt_weights_eval *float_eval);

/* Their int8 output (tflite.md 3.6): the int32 sum scaled by the channel's
 * multiplier and shift, plus the output zero point (wrapping like int32),
 * clamped to the activation range. */
static inline int8_t labrt_requantize(int32_t acc, int32_t multiplier, int32_t shift,
                                      int32_t zero_point, const labrt_activation *act)
{
    const int32_t result = labrt_wrap_add(labrt_mbqm(acc, multiplier, shift), zero_point);
    return (int8_t)labrt_clamp(result, act->min, act->max);
}

/* Numpy-style broadcasting of two inputs to an output of rank <= 6: element
 * strides of each input aligned to the output's dims (0 along broadcast axes). */
#define LABRT_BROADCAST_RANK 6
typedef struct {
    int rank;
    int32_t dims[LABRT_BROADCAST_RANK];
    uint32_t stride1[LABRT_BROADCAST_RANK];
    uint32_t stride2[LABRT_BROADCAST_RANK];
} labrt_broadcast;

labrt_status labrt_prepare_broadcast(labrt_prepare_ctx *ctx, const labrt_tensor *in1,
                                     const labrt_tensor *in2, const labrt_tensor *out,
                                     labrt_broadcast *b);

/* ADD and MUL: two int8 (per-tensor quantized) or float32 inputs and an output
 * of their type, the inputs broadcast to the output's shape, a fused activation
 * (options field 0). Their per-op data starts with a labrt_binary. */
typedef struct {
    labrt_broadcast shape;
    labrt_activation act;
} labrt_binary;

/* The checks of both ops, then per-op data of `bytes` with its labrt_binary
 * filled in; NULL, and *status the failure, when anything fails. */
void *labrt_prepare_binary(labrt_prepare_ctx *ctx, uint64_t bytes, labrt_status *status);

/* What a binary op's element function sees: its per-op data and tensors. */
typedef struct {
    const void *data;
    const labrt_tensor *in1, *in2, *out;
} labrt_binary_args;

/* Computes output element o from elements i1 of in1 and i2 of in2. */
typedef void labrt_binary_fn(const labrt_binary_args *a, uint32_t o, uint32_t i1, uint32_t i2);

/* Calls int8_fn or float_fn (by the inputs' type) for every output element in order. */
void labrt_eval_binary(const labrt_runtime *rt, const labrt_node *node, labrt_binary_fn *int8_fn,
                       labrt_binary_fn *float_fn);

#endif
