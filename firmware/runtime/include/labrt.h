/* labrt: a TFLite-Micro-compatible inference runtime.
 *
 * C99, no heap, no libc beyond <string.h>, <stdint.h> and <math.h>. It reads a
 * .tflite flatbuffer in place (from flash), plans every activation tensor into
 * one caller-provided arena with TFLite Micro's greedy planner, and runs
 * reference kernels whose int8 results equal TFLite Micro's byte for byte.
 *
 *     static labrt_runtime rt;
 *     static uint8_t arena[16 * 1024] __attribute__((aligned(16)));
 *     labrt_status s = labrt_init(&rt, model, model_len, arena, sizeof arena);
 *     if (s != LABRT_OK) print(labrt_error(&rt));   // says what and, for a small
 *                                                    // arena, how many bytes
 *     labrt_tensor_info in;  labrt_input(&rt, 0, &in);   // fill in.data
 *     labrt_invoke(&rt);
 *     labrt_tensor_info out; labrt_output(&rt, 0, &out);
 *
 * The model must stay readable and unchanged while the runtime is used, and must
 * start at a 4-byte aligned address (16 recommended, as for TFLite Micro).
 */
#ifndef LABRT_H
#define LABRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LABRT_OK = 0,
    LABRT_ERR_ARGUMENT,        /* NULL pointer, bad index, misaligned model */
    LABRT_ERR_MALFORMED,       /* not a valid .tflite flatbuffer */
    LABRT_ERR_UNSUPPORTED_OP,  /* an operator this runtime does not implement */
    LABRT_ERR_UNSUPPORTED,     /* a type, option or feature not implemented */
    LABRT_ERR_INVALID_MODEL,   /* well-formed, but an op's tensors or options disagree */
    LABRT_ERR_ARENA_TOO_SMALL, /* labrt_arena_needed() tells how much is needed */
    LABRT_ERR_NOT_READY        /* invoke or tensor access before a successful init */
} labrt_status;

/* Tensor element types: the values of TFLite's TensorType enum. */
enum {
    LABRT_FLOAT32 = 0,
    LABRT_INT32 = 2,
    LABRT_UINT8 = 3,
    LABRT_INT64 = 4,
    LABRT_BOOL = 6,
    LABRT_INT16 = 7,
    LABRT_INT8 = 9
};

typedef struct {
    uint32_t index;          /* position in the model's tensor list */
    int32_t type;            /* LABRT_INT8, LABRT_FLOAT32, ... */
    int32_t rank;
    const int32_t *dims;     /* rank entries */
    float scale;             /* 0 when not quantized; first channel if per-channel */
    int32_t zero_point;
    uint32_t scale_count;    /* > 1 for per-channel quantization */
    void *data;              /* NULL for tensors that hold no data */
    size_t bytes;
    int is_constant;         /* data lives in the model */
    const char *name;        /* from the model, "" if absent */
} labrt_tensor_info;

typedef struct {
    int32_t builtin;         /* TFLite BuiltinOperator value */
    const char *name;        /* "CONV_2D", or the custom op's name */
    int supported;
    uint32_t input_count, output_count;
    const int32_t *inputs;   /* tensor indices, -1 = omitted optional input */
    const int32_t *outputs;
} labrt_op_info;

typedef enum { LABRT_HOOK_BEFORE = 0, LABRT_HOOK_AFTER = 1 } labrt_hook_phase;

/* Called before and after each op, e.g. to read DWT CYCCNT. */
typedef void (*labrt_op_hook)(void *user, uint32_t op_index, const char *op_name,
                              labrt_hook_phase phase);

struct labrt_tensor;
struct labrt_node;
struct labrt_scratch;

/* The runtime's state. Allocate it statically; its fields are private. */
typedef struct labrt_runtime {
    const uint8_t *model;
    uint32_t model_size;
    uint8_t *arena;           /* 16-aligned start inside the caller's arena */
    size_t arena_size;        /* usable bytes from `arena` */
    size_t arena_padding;     /* bytes skipped to align the caller's arena */
    size_t tail_used;         /* persistent bytes taken from the arena's end */
    struct labrt_tensor *tensors;
    uint32_t tensor_count;
    struct labrt_node *nodes;
    uint32_t node_count;
    const int32_t *inputs, *outputs; /* graph inputs/outputs, in the model */
    uint32_t input_count, output_count;
    size_t planned_bytes;     /* activations (TFLite Micro's "head") */
    size_t plan_scratch_bytes; /* the planner's scratch, in the activation area */
    size_t persistent_bytes;  /* tables and per-op data (the "tail") */
    size_t persistent_peak;   /* the tail's largest size during init (per-op data that
                                 an optimized kernel took over from a reference one) */
    struct labrt_scratch *scratch_first, *scratch_last; /* ops' scratch requests, in order */
    uint32_t scratch_count;
    size_t largest_scratch;   /* arena bytes of the largest scratch buffer requested */
    size_t activation_bytes;  /* the head the activations alone would take */
    size_t target_persistent_bytes, target_persistent_peak; /* the tail on a 32-bit target */
    size_t target_tables_bytes; /* of which the tensor and op records */
    size_t arena_needed;
    int arena_needed_exact;   /* 0: arena_needed is only a lower bound */
    int tables_ready;         /* tensors and ops can be inspected */
    int ready;                /* init succeeded */
    labrt_op_hook hook;
    void *hook_user;
    char error[160];
} labrt_runtime;

/* Reads the model, prepares every op and plans the arena. On failure
 * labrt_error() says why; after LABRT_ERR_ARENA_TOO_SMALL labrt_arena_needed()
 * gives the size to use. */
labrt_status labrt_init(labrt_runtime *rt, const void *model, size_t model_size,
                        void *arena, size_t arena_size);

labrt_status labrt_invoke(labrt_runtime *rt);

uint32_t labrt_input_count(const labrt_runtime *rt);
uint32_t labrt_output_count(const labrt_runtime *rt);
labrt_status labrt_input(const labrt_runtime *rt, uint32_t index, labrt_tensor_info *info);
labrt_status labrt_output(const labrt_runtime *rt, uint32_t index, labrt_tensor_info *info);

void labrt_set_op_hook(labrt_runtime *rt, labrt_op_hook hook, void *user);

/* Bytes the arena must have for this model (after init, successful or not),
 * counted from the caller's arena pointer; 0 if unknown. When the arena could
 * not even hold the tensor tables it is a lower bound (the message says so). */
size_t labrt_arena_needed(const labrt_runtime *rt);
/* The parts: activations (as TFLite Micro's planner lays them out), persistent
 * tables, and the planner's scratch, which uses the activations' space during
 * init. needed = alignment padding + max(planned, scratch) + persistent. */
size_t labrt_arena_planned(const labrt_runtime *rt);
size_t labrt_arena_persistent(const labrt_runtime *rt);
size_t labrt_arena_plan_scratch(const labrt_runtime *rt);
/* The largest scratch buffer an op's eval uses (optimized kernels: patches, expanded
 * inputs), in arena bytes (rounded up to 16). Scratch buffers are planned with the
 * activations and shared between ops, so `planned` includes them; 0 when no op asks
 * for one. */
size_t labrt_arena_largest_op_scratch(const labrt_runtime *rt);

/* The arena on the 32-bit target (Cortex-M), computed the same way on a 64-bit host,
 * where records holding pointers are larger: there `needed` is what the firmware's
 * labrt_arena_needed() gives, and on the target the two are equal. All zero unless
 * init succeeded. needed = head + tables + op_data + init_peak, where the head is
 * the larger of activations + kernel_scratch and plan_scratch (alignment padding of
 * the caller's arena included in needed). */
typedef struct {
    size_t needed;
    size_t activations;       /* activations as TFLite Micro's planner lays them out */
    size_t kernel_scratch;    /* what the kernels' scratch buffers, planned with the
                                 activations and shared between ops, add to the head */
    size_t largest_kernel_scratch; /* the largest of those buffers */
    size_t plan_scratch;      /* the planner's own scratch, in the head during init */
    size_t tables;            /* tensor and op records */
    size_t op_data;           /* per-op data (multipliers, shifts, geometry) */
    size_t init_peak;         /* extra bytes init needs for a moment (an optimized
                                 prepare holding the reference's per-op data too) */
} labrt_arena_usage;
void labrt_arena_target(const labrt_runtime *rt, labrt_arena_usage *usage);

/* Inspection: available whenever the model could be read, even if init then
 * failed on an unsupported op or a small arena. */
uint32_t labrt_tensor_count(const labrt_runtime *rt);
labrt_status labrt_get_tensor(const labrt_runtime *rt, uint32_t index, labrt_tensor_info *info);
uint32_t labrt_op_count(const labrt_runtime *rt);
labrt_status labrt_get_op(const labrt_runtime *rt, uint32_t index, labrt_op_info *info);

/* sizeof(labrt_runtime), for language bindings that allocate it themselves. */
size_t labrt_runtime_size(void);

const char *labrt_status_message(labrt_status status);
/* The last failure of init/invoke in words, e.g. "unsupported op LSTM (builtin 16)". */
const char *labrt_error(const labrt_runtime *rt);
const char *labrt_builtin_name(int32_t builtin);
const char *labrt_type_name(int32_t type);

#ifdef __cplusplus
}
#endif

#endif /* LABRT_H */
