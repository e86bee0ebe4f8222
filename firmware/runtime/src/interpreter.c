/* labrt_init / labrt_invoke and the public API (labrt.h).
 *
 * Arena layout, as in TFLite Micro: activations planned from the 16-aligned
 * start ("head"), persistent tables and per-op data from the end ("tail"). */
#include <string.h>

#include "labrt_kernel.h"
#include "message.h"
#include "model.h"
#include "planner.h"
#include "resolver.h"

#define TAIL_ALIGNMENT 8u
#define BUILTIN_CUSTOM 32
#define MAX_ACTIVATION_BYTES 0x7FFFFFFFu

static size_t round_up(size_t n, size_t alignment)
{
    return (n + alignment - 1) / alignment * alignment;
}

static labrt_msg error_message(labrt_runtime *rt)
{
    return labrt_msg_start(rt->error, sizeof rt->error);
}

static labrt_status fail(labrt_runtime *rt, labrt_status status, const char *text)
{
    labrt_msg m = error_message(rt);
    labrt_msg_text(&m, text);
    return status;
}

static uint64_t tail_rounded(uint64_t bytes)
{
    return (bytes + TAIL_ALIGNMENT - 1) / TAIL_ALIGNMENT * TAIL_ALIGNMENT;
}

/* The 32-bit target's tail grows by `target_bytes` where this one grows by `bytes`
 * (equal on a 32-bit target), saturating like the tail itself. */
static void count_target_tail(labrt_runtime *rt, uint64_t target_bytes)
{
    const uint64_t total = rt->target_persistent_bytes + tail_rounded(target_bytes);
    rt->target_persistent_bytes = total > MAX_ACTIVATION_BYTES ? MAX_ACTIVATION_BYTES
                                                               : (size_t)total;
    if (rt->target_persistent_bytes > rt->target_persistent_peak)
        rt->target_persistent_peak = rt->target_persistent_bytes;
}

/* Persistent memory from the arena's end. A request that does not fit returns
 * NULL but is still counted, so init can report the size needed; the count
 * saturates at 2 GB, so it never wraps even with a 32-bit size_t. */
static void *alloc_tail(labrt_runtime *rt, uint64_t bytes, uint64_t target_bytes)
{
    const uint64_t total = rt->persistent_bytes + tail_rounded(bytes);
    count_target_tail(rt, target_bytes);
    if (total > MAX_ACTIVATION_BYTES) {
        rt->persistent_bytes = MAX_ACTIVATION_BYTES;
        return NULL;
    }
    rt->persistent_bytes = (size_t)total;
    if (rt->persistent_bytes > rt->persistent_peak)
        rt->persistent_peak = rt->persistent_bytes;
    if (rt->persistent_bytes > rt->arena_size)
        return NULL;
    return rt->arena + rt->arena_size - rt->persistent_bytes;
}

/* Records the bytes needed (exact, or a lower bound when the arena could not
 * even hold what is needed to work it out) and says so. */
static labrt_status arena_too_small(labrt_runtime *rt, size_t needed, int exact)
{
    labrt_msg m = error_message(rt);
    rt->arena_needed = needed;
    rt->arena_needed_exact = exact;
    labrt_msg_text(&m, exact ? "arena too small: needs " : "arena too small: needs at least ");
    labrt_msg_int(&m, (int64_t)needed);
    labrt_msg_text(&m, " bytes, has ");
    labrt_msg_int(&m, (int64_t)(rt->arena_size + rt->arena_padding));
    return LABRT_ERR_ARENA_TOO_SMALL;
}

static size_t persistent_rounded(const labrt_runtime *rt)
{
    return round_up(rt->persistent_bytes, LABRT_ARENA_ALIGNMENT);
}

/* padding + head + tail (or the tail at its peak during init, if larger), saturated
 * rather than wrapped on 32-bit targets. */
static size_t arena_total(const labrt_runtime *rt, size_t head)
{
    const uint64_t used = (uint64_t)head + persistent_rounded(rt);
    const uint64_t peak = round_up(rt->persistent_peak, LABRT_ARENA_ALIGNMENT);
    const uint64_t total = (uint64_t)rt->arena_padding + (used > peak ? used : peak);
    return total > (size_t)-1 ? (size_t)-1 : (size_t)total;
}

static labrt_status check_arguments(labrt_runtime *rt, const void *model, size_t model_size,
                                    const void *arena, size_t arena_size)
{
    if (model == NULL || (arena == NULL && arena_size > 0))
        return fail(rt, LABRT_ERR_ARGUMENT, "model or arena is NULL");
    if (((uintptr_t)model & 3u) != 0)
        return fail(rt, LABRT_ERR_ARGUMENT, "the model must start at a 4-byte aligned address");
    if (model_size >= 0x7FFFFFFFu)
        return fail(rt, LABRT_ERR_MALFORMED, "malformed model: larger than 2 GB");
    return LABRT_OK;
}

static void setup_arena(labrt_runtime *rt, void *arena, size_t arena_size)
{
    size_t padding = (size_t)(-(uintptr_t)arena) & (LABRT_ARENA_ALIGNMENT - 1);
    if (arena_size <= padding) {
        padding = arena_size;
        arena_size = 0;
    } else {
        arena_size = (arena_size - padding) & ~(size_t)(LABRT_ARENA_ALIGNMENT - 1);
    }
    rt->arena = (uint8_t *)arena + padding;
    rt->arena_padding = padding;
    rt->arena_size = arena_size;
}

static labrt_status copy_message(labrt_runtime *rt, labrt_status status, const char *text)
{
    if (status != LABRT_OK)
        fail(rt, status, text);
    return status;
}

static void init_node(labrt_model *m, const labrt_model_op *op, labrt_node *node)
{
    node->kernel = labrt_find_kernel(op->builtin);
    node->inputs = (const int32_t *)(const void *)(m->r.base + op->inputs.pos);
    node->outputs = (const int32_t *)(const void *)(m->r.base + op->outputs.pos);
    node->input_count = (uint16_t)op->inputs.count;
    node->output_count = (uint16_t)op->outputs.count;
    node->builtin = op->builtin;
    node->data = NULL;
    if (op->builtin == BUILTIN_CUSTOM) /* only builtin ops have kernels */
        node->kernel = NULL;
}

/* Reads tensors and ops into tables at the arena's end. Features that make the
 * model unrunnable (but readable) are reported after the op check, so an
 * unsupported op is always named first; *deferred holds that first problem. */
static labrt_status read_tables(labrt_runtime *rt, labrt_model *m, labrt_status *deferred,
                                char *deferred_text, size_t deferred_cap)
{
    char text[sizeof rt->error];
    uint32_t i;

    rt->tensor_count = m->tensors.count;
    rt->node_count = m->operators.count;
    rt->inputs = (const int32_t *)(const void *)(m->r.base + m->inputs.pos);
    rt->outputs = (const int32_t *)(const void *)(m->r.base + m->outputs.pos);
    rt->input_count = m->inputs.count;
    rt->output_count = m->outputs.count;
    rt->tensors = alloc_tail(rt, (uint64_t)rt->tensor_count * sizeof(labrt_tensor),
                             (uint64_t)rt->tensor_count * LABRT_TARGET_SIZEOF(labrt_tensor, 24));
    rt->nodes = alloc_tail(rt, (uint64_t)rt->node_count * sizeof(labrt_node),
                           (uint64_t)rt->node_count * LABRT_TARGET_SIZEOF(labrt_node, 24));
    rt->target_tables_bytes = rt->target_persistent_bytes;
    if ((rt->tensor_count && !rt->tensors) || (rt->node_count && !rt->nodes))
        return arena_too_small(rt, arena_total(rt, 0), 0);

    for (i = 0; i < rt->tensor_count; i++) {
        labrt_msg err = labrt_msg_start(text, sizeof text);
        labrt_status status = labrt_model_read_tensor(m, i, &rt->tensors[i], &err);
        if (status == LABRT_OK && labrt_model_tensor_is_variable(m, i)) {
            labrt_msg_text(&err, "tensor ");
            labrt_msg_int(&err, i);
            labrt_msg_text(&err, ": variable tensors are not supported");
            status = LABRT_ERR_UNSUPPORTED;
        }
        if (status == LABRT_ERR_MALFORMED)
            return copy_message(rt, status, text);
        if (status != LABRT_OK && *deferred == LABRT_OK) {
            *deferred = status;
            memcpy(deferred_text, text, deferred_cap < sizeof text ? deferred_cap : sizeof text);
        }
    }
    for (i = 0; i < rt->node_count; i++) {
        labrt_msg err = labrt_msg_start(text, sizeof text);
        labrt_model_op op;
        labrt_status status = labrt_model_read_op(m, i, &op, &err);
        if (status == LABRT_ERR_MALFORMED)
            return copy_message(rt, status, text);
        init_node(m, &op, &rt->nodes[i]);
        if (status != LABRT_OK && *deferred == LABRT_OK) {
            *deferred = status;
            memcpy(deferred_text, text, deferred_cap < sizeof text ? deferred_cap : sizeof text);
        }
    }
    rt->tables_ready = 1;
    return LABRT_OK;
}

/* The op's name: the builtin's, or the custom op's own from the model. */
static const char *op_name(const labrt_runtime *rt, uint32_t index)
{
    char ignored[8];
    labrt_msg err = labrt_msg_start(ignored, sizeof ignored);
    labrt_model m;
    labrt_model_op op;
    if (rt->nodes[index].builtin != BUILTIN_CUSTOM)
        return labrt_builtin_name(rt->nodes[index].builtin);
    if (labrt_model_open(&m, rt->model, rt->model_size, &err) != LABRT_OK ||
        labrt_model_read_op(&m, index, &op, &err) != LABRT_OK || op.custom_name == NULL ||
        op.custom_name[0] == '\0')
        return "(unnamed custom op)";
    return op.custom_name;
}

static labrt_status check_ops_supported(labrt_runtime *rt)
{
    uint32_t i;
    for (i = 0; i < rt->node_count; i++) {
        const labrt_node *node = &rt->nodes[i];
        labrt_msg m;
        if (node->kernel)
            continue;
        m = error_message(rt);
        if (node->builtin == 32) {
            labrt_msg_text(&m, "unsupported custom op ");
            labrt_msg_text(&m, op_name(rt, i));
        } else {
            labrt_msg_text(&m, "unsupported op ");
            labrt_msg_text(&m, labrt_builtin_name(node->builtin));
            labrt_msg_text(&m, " (builtin ");
            labrt_msg_int(&m, node->builtin);
            labrt_msg_text(&m, ")");
        }
        return LABRT_ERR_UNSUPPORTED_OP;
    }
    return LABRT_OK;
}

static labrt_status tensor_problem(labrt_runtime *rt, const char *what, uint32_t index,
                                   const char *problem)
{
    labrt_msg m = error_message(rt);
    labrt_msg_text(&m, what);
    labrt_msg_int(&m, index);
    labrt_msg_text(&m, problem);
    return LABRT_ERR_INVALID_MODEL;
}

/* Graph inputs and op outputs are written at run time: never into the model. */
static labrt_status check_writable(labrt_runtime *rt)
{
    uint32_t i, k;
    for (i = 0; i < rt->input_count; i++)
        if (rt->tensors[rt->inputs[i]].flags & LABRT_TENSOR_CONSTANT)
            return tensor_problem(rt, "graph input ", i, " is a constant tensor");
    for (i = 0; i < rt->node_count; i++)
        for (k = 0; k < rt->nodes[i].output_count; k++)
            if (rt->tensors[rt->nodes[i].outputs[k]].flags & LABRT_TENSOR_CONSTANT)
                return tensor_problem(rt, "op ", i, " writes to a constant tensor");
    return LABRT_OK;
}

static labrt_status prepare_ops(labrt_runtime *rt, labrt_model *m, int *out_of_arena)
{
    uint32_t i;
    for (i = 0; i < rt->node_count; i++) {
        labrt_prepare_ctx ctx;
        labrt_model_op op;
        labrt_msg ignored = labrt_msg_start(rt->error, sizeof rt->error);
        labrt_status status = labrt_model_read_op(m, i, &op, &ignored);
        if (status != LABRT_OK)
            return status;  /* read fine before: cannot happen */
        ctx.rt = rt;
        ctx.node = &rt->nodes[i];
        ctx.op_index = i;
        ctx.options = op.options_type == ctx.node->kernel->options_type ? op.options : 0;
        status = ctx.node->kernel->prepare(&ctx);
        if (status == LABRT_ERR_ARENA_TOO_SMALL)
            *out_of_arena = 1;  /* keep going: the other ops' needs count too */
        else if (status != LABRT_OK)
            return status;
    }
    return LABRT_OK;
}

static labrt_status check_activation_total(labrt_runtime *rt)
{
    uint64_t total = 0;
    const labrt_scratch *request;
    uint32_t i;
    for (i = 0; i < rt->tensor_count; i++)
        if (rt->tensors[i].flags & LABRT_TENSOR_PLANNED)
            total += round_up(rt->tensors[i].bytes, LABRT_ARENA_ALIGNMENT);
    for (request = rt->scratch_first; request; request = request->next)
        total += round_up(request->bytes, LABRT_ARENA_ALIGNMENT);
    if (total > MAX_ACTIVATION_BYTES)
        return fail(rt, LABRT_ERR_UNSUPPORTED, "activations larger than 2 GB");
    return LABRT_OK;
}

/* Plans the activations and the ops' scratch buffers with a scratch array at the
 * start of the (still unused) activation area, then points every planned tensor and
 * scratch request at its place. The arena must hold the tail plus the larger of plan
 * and scratch array. */
static labrt_status plan_arena(labrt_runtime *rt, int out_of_arena)
{
    const uint32_t count = labrt_count_planned(rt);
    const uint32_t total = count + rt->scratch_count;
    const size_t scratch = total * sizeof(labrt_plan_buffer);
    const size_t tail = persistent_rounded(rt);
    labrt_plan_buffer *buffers = (labrt_plan_buffer *)(void *)rt->arena;
    labrt_status status = check_activation_total(rt);
    labrt_scratch *request;
    size_t head;
    uint32_t i;

    if (status != LABRT_OK)
        return status;
    rt->plan_scratch_bytes = scratch;
    if (out_of_arena || tail + scratch > rt->arena_size)
        return arena_too_small(rt, arena_total(rt, scratch), 0);
    labrt_plan_lifetimes(rt, buffers, count);
    rt->activation_bytes = labrt_plan_greedy(buffers, count);  /* without kernel scratch */
    labrt_plan_unplace(buffers, count);
    labrt_plan_scratch_lifetimes(rt, buffers + count);
    rt->planned_bytes = labrt_plan_greedy(buffers, total);
    head = rt->planned_bytes > scratch ? rt->planned_bytes : scratch;
    rt->arena_needed = arena_total(rt, head);
    rt->arena_needed_exact = 1;
    if (head + tail > rt->arena_size)
        return arena_too_small(rt, rt->arena_needed, 1);
    for (i = 0; i < count; i++)
        rt->tensors[buffers[i].tensor].data = rt->arena + buffers[i].offset;
    for (request = rt->scratch_first; request; request = request->next, i++)
        request->data = rt->arena + buffers[i].offset;
    return LABRT_OK;
}

static labrt_status init_stages(labrt_runtime *rt)
{
    char deferred_text[sizeof rt->error];
    labrt_status deferred = LABRT_OK, status;
    labrt_model m;
    labrt_msg err = error_message(rt);
    int out_of_arena = 0;

    status = labrt_model_open(&m, rt->model, rt->model_size, &err);
    if (status == LABRT_OK)
        status = read_tables(rt, &m, &deferred, deferred_text, sizeof deferred_text);
    if (status == LABRT_OK)
        status = check_ops_supported(rt);
    if (status == LABRT_OK && deferred != LABRT_OK)
        status = copy_message(rt, deferred, deferred_text);
    if (status == LABRT_OK)
        status = check_writable(rt);
    if (status == LABRT_OK)
        status = prepare_ops(rt, &m, &out_of_arena);
    if (status == LABRT_OK)
        status = plan_arena(rt, out_of_arena);
    return status;
}

labrt_status labrt_init(labrt_runtime *rt, const void *model, size_t model_size, void *arena,
                        size_t arena_size)
{
    labrt_status status;
    if (rt == NULL)
        return LABRT_ERR_ARGUMENT;
    memset(rt, 0, sizeof *rt);
    status = check_arguments(rt, model, model_size, arena, arena_size);
    if (status != LABRT_OK)
        return status;
    rt->model = (const uint8_t *)model;
    rt->model_size = (uint32_t)model_size;
    setup_arena(rt, arena, arena_size);
    status = init_stages(rt);
    rt->ready = status == LABRT_OK;
    if (rt->ready)
        rt->error[0] = '\0';
    return status;
}

labrt_status labrt_invoke(labrt_runtime *rt)
{
    uint32_t i;
    if (rt == NULL || !rt->ready)
        return LABRT_ERR_NOT_READY;
    for (i = 0; i < rt->node_count; i++) {
        const labrt_node *node = &rt->nodes[i];
        const char *name = labrt_builtin_name(node->builtin);
        if (rt->hook)
            rt->hook(rt->hook_user, i, name, LABRT_HOOK_BEFORE);
        node->kernel->eval(rt, node);
        if (rt->hook)
            rt->hook(rt->hook_user, i, name, LABRT_HOOK_AFTER);
    }
    return LABRT_OK;
}

void labrt_set_op_hook(labrt_runtime *rt, labrt_op_hook hook, void *user)
{
    if (rt) {
        rt->hook = hook;
        rt->hook_user = user;
    }
}

/* ---- prepare-time services for kernels (labrt_kernel.h) ---- */

static int option_table(const labrt_prepare_ctx *ctx, fb_reader *r, fb_table *t)
{
    if (ctx->options == 0 || !labrt_fb_open(r, ctx->rt->model, ctx->rt->model_size))
        return 0;
    *t = labrt_fb_table_at(r, ctx->options);
    return t->pos != 0;
}

int32_t labrt_option_i8(const labrt_prepare_ctx *ctx, unsigned field, int32_t schema_default)
{
    fb_reader r;
    fb_table t;
    if (!option_table(ctx, &r, &t))
        return 0;
    return (int8_t)labrt_fb_u8(&r, t, field, (uint8_t)schema_default);
}

int32_t labrt_option_i32(const labrt_prepare_ctx *ctx, unsigned field, int32_t schema_default)
{
    fb_reader r;
    fb_table t;
    if (!option_table(ctx, &r, &t))
        return 0;
    return labrt_fb_i32(&r, t, field, schema_default);
}

float labrt_option_f32(const labrt_prepare_ctx *ctx, unsigned field, float schema_default)
{
    fb_reader r;
    fb_table t;
    if (!option_table(ctx, &r, &t))
        return 0.0f;
    return labrt_fb_f32(&r, t, field, schema_default);
}

void *labrt_alloc_op_data_sized(labrt_prepare_ctx *ctx, uint64_t bytes, uint64_t target_bytes)
{
    ctx->node->data = alloc_tail(ctx->rt, bytes, target_bytes);
    return ctx->node->data;
}

void *labrt_alloc_op_data(labrt_prepare_ctx *ctx, uint64_t bytes)
{
    return labrt_alloc_op_data_sized(ctx, bytes, bytes);
}

labrt_tail_mark labrt_persistent_mark(const labrt_prepare_ctx *ctx)
{
    labrt_tail_mark mark;
    mark.bytes = ctx->rt->persistent_bytes;
    mark.target_bytes = ctx->rt->target_persistent_bytes;
    return mark;
}

void labrt_persistent_release(labrt_prepare_ctx *ctx, labrt_tail_mark mark)
{
    if (mark.bytes < ctx->rt->persistent_bytes)
        ctx->rt->persistent_bytes = mark.bytes;
    if (mark.target_bytes < ctx->rt->target_persistent_bytes)
        ctx->rt->target_persistent_bytes = mark.target_bytes;
    ctx->node->data = NULL;
}

labrt_status labrt_request_scratch(labrt_prepare_ctx *ctx, labrt_scratch *request,
                                   uint32_t bytes)
{
    labrt_runtime *rt = ctx->rt;
    if (rt->tensor_count + rt->scratch_count + 1u >= 0xFFFFu)
        return labrt_unsupported(ctx, "too many tensors and scratch buffers to plan");
    request->data = NULL;
    request->bytes = bytes;
    request->op = ctx->op_index;
    request->next = NULL;
    if (rt->scratch_last)
        rt->scratch_last->next = request;
    else
        rt->scratch_first = request;
    rt->scratch_last = request;
    rt->scratch_count++;
    if (round_up(bytes, LABRT_ARENA_ALIGNMENT) > rt->largest_scratch)
        rt->largest_scratch = round_up(bytes, LABRT_ARENA_ALIGNMENT);
    return LABRT_OK;
}

static labrt_status op_failure(labrt_prepare_ctx *ctx, labrt_status status, const char *text,
                               const char *detail)
{
    labrt_msg m = error_message(ctx->rt);
    labrt_msg_text(&m, "op ");
    labrt_msg_int(&m, ctx->op_index);
    labrt_msg_text(&m, " ");
    labrt_msg_text(&m, labrt_builtin_name(ctx->node->builtin));
    labrt_msg_text(&m, ": ");
    labrt_msg_text(&m, text);
    labrt_msg_text(&m, detail);
    return status;
}

const float *labrt_channel_scales(const labrt_prepare_ctx *ctx, const labrt_tensor *t,
                                  uint32_t *count)
{
    char ignored[8];
    labrt_msg err = labrt_msg_start(ignored, sizeof ignored);
    labrt_model m;
    *count = 0;
    if (t->quantization == LABRT_QUANT_NONE ||
        labrt_model_open(&m, ctx->rt->model, ctx->rt->model_size, &err) != LABRT_OK)
        return NULL;
    return labrt_model_tensor_scales(&m, (uint32_t)(t - ctx->rt->tensors), count);
}

labrt_status labrt_invalid(labrt_prepare_ctx *ctx, const char *message)
{
    return op_failure(ctx, LABRT_ERR_INVALID_MODEL, message, "");
}

labrt_status labrt_unsupported(labrt_prepare_ctx *ctx, const char *message)
{
    return op_failure(ctx, LABRT_ERR_UNSUPPORTED, message, "");
}

labrt_status labrt_unsupported_type(labrt_prepare_ctx *ctx, const labrt_tensor *t)
{
    return op_failure(ctx, LABRT_ERR_UNSUPPORTED, "unsupported type ", labrt_type_name(t->type));
}

/* ---- inspection ---- */

size_t labrt_arena_needed(const labrt_runtime *rt) { return rt ? rt->arena_needed : 0; }
size_t labrt_arena_planned(const labrt_runtime *rt) { return rt ? rt->planned_bytes : 0; }
size_t labrt_arena_plan_scratch(const labrt_runtime *rt) { return rt ? rt->plan_scratch_bytes : 0; }
size_t labrt_arena_largest_op_scratch(const labrt_runtime *rt)
{
    return rt ? rt->largest_scratch : 0;
}
size_t labrt_arena_persistent(const labrt_runtime *rt)
{
    return rt ? round_up(rt->persistent_bytes, LABRT_ARENA_ALIGNMENT) : 0;
}

/* The same sum as arena_total, from the 32-bit target's tail. */
void labrt_arena_target(const labrt_runtime *rt, labrt_arena_usage *usage)
{
    size_t head, tail, peak;
    memset(usage, 0, sizeof *usage);
    if (rt == NULL || !rt->ready)
        return;
    head = rt->planned_bytes > rt->plan_scratch_bytes ? rt->planned_bytes : rt->plan_scratch_bytes;
    tail = round_up(rt->target_persistent_bytes, LABRT_ARENA_ALIGNMENT);
    peak = round_up(rt->target_persistent_peak, LABRT_ARENA_ALIGNMENT);
    usage->activations = rt->activation_bytes;
    usage->kernel_scratch = rt->planned_bytes - rt->activation_bytes;
    usage->largest_kernel_scratch = rt->largest_scratch;
    usage->plan_scratch = rt->plan_scratch_bytes;
    usage->tables = rt->target_tables_bytes;
    usage->op_data = tail - rt->target_tables_bytes;
    usage->init_peak = peak > head + tail ? peak - (head + tail) : 0;
    usage->needed = rt->arena_padding + head + tail + usage->init_peak;
}

uint32_t labrt_tensor_count(const labrt_runtime *rt)
{
    return (rt && rt->tables_ready) ? rt->tensor_count : 0;
}

uint32_t labrt_op_count(const labrt_runtime *rt)
{
    return (rt && rt->tables_ready) ? rt->node_count : 0;
}

uint32_t labrt_input_count(const labrt_runtime *rt)
{
    return (rt && rt->tables_ready) ? rt->input_count : 0;
}

uint32_t labrt_output_count(const labrt_runtime *rt)
{
    return (rt && rt->tables_ready) ? rt->output_count : 0;
}

labrt_status labrt_get_tensor(const labrt_runtime *rt, uint32_t index, labrt_tensor_info *info)
{
    const labrt_tensor *t;
    labrt_model m;
    char ignored[8];
    labrt_msg err = labrt_msg_start(ignored, sizeof ignored);
    int model_ok;
    if (rt == NULL || info == NULL || !rt->tables_ready)
        return LABRT_ERR_NOT_READY;
    if (index >= rt->tensor_count)
        return LABRT_ERR_ARGUMENT;
    t = &rt->tensors[index];
    model_ok = labrt_model_open(&m, rt->model, rt->model_size, &err) == LABRT_OK;
    memset(info, 0, sizeof *info);
    info->index = index;
    info->type = t->type;
    info->rank = t->rank;
    info->dims = t->dims;
    info->scale = t->scale;
    info->zero_point = t->zero_point;
    if (model_ok && t->quantization != LABRT_QUANT_NONE)
        labrt_model_tensor_scales(&m, index, &info->scale_count);
    info->data = t->data; /* set for constants, and for activations once planned */
    info->bytes = t->bytes;
    info->is_constant = (t->flags & LABRT_TENSOR_CONSTANT) != 0;
    info->name = model_ok ? labrt_model_tensor_name(&m, index) : "";
    return LABRT_OK;
}

labrt_status labrt_input(const labrt_runtime *rt, uint32_t index, labrt_tensor_info *info)
{
    if (rt == NULL || !rt->tables_ready)
        return LABRT_ERR_NOT_READY;
    if (index >= rt->input_count)
        return LABRT_ERR_ARGUMENT;
    return labrt_get_tensor(rt, (uint32_t)rt->inputs[index], info);
}

labrt_status labrt_output(const labrt_runtime *rt, uint32_t index, labrt_tensor_info *info)
{
    if (rt == NULL || !rt->tables_ready)
        return LABRT_ERR_NOT_READY;
    if (index >= rt->output_count)
        return LABRT_ERR_ARGUMENT;
    return labrt_get_tensor(rt, (uint32_t)rt->outputs[index], info);
}

labrt_status labrt_get_op(const labrt_runtime *rt, uint32_t index, labrt_op_info *info)
{
    const labrt_node *node;
    if (rt == NULL || info == NULL || !rt->tables_ready)
        return LABRT_ERR_NOT_READY;
    if (index >= rt->node_count)
        return LABRT_ERR_ARGUMENT;
    node = &rt->nodes[index];
    info->builtin = node->builtin;
    info->name = op_name(rt, index);
    info->supported = node->kernel != NULL;
    info->input_count = node->input_count;
    info->output_count = node->output_count;
    info->inputs = node->inputs;
    info->outputs = node->outputs;
    return LABRT_OK;
}

size_t labrt_runtime_size(void) { return sizeof(labrt_runtime); }

const char *labrt_status_message(labrt_status status)
{
    switch (status) {
    case LABRT_OK: return "ok";
    case LABRT_ERR_ARGUMENT: return "invalid argument";
    case LABRT_ERR_MALFORMED: return "malformed model";
    case LABRT_ERR_UNSUPPORTED_OP: return "unsupported op";
    case LABRT_ERR_UNSUPPORTED: return "unsupported model feature";
    case LABRT_ERR_INVALID_MODEL: return "invalid model";
    case LABRT_ERR_ARENA_TOO_SMALL: return "arena too small";
    case LABRT_ERR_NOT_READY: return "runtime not initialised";
    }
    return "unknown status";
}

const char *labrt_error(const labrt_runtime *rt)
{
    if (rt == NULL)
        return "runtime is NULL";
    return rt->error[0] ? rt->error : "no error";
}
