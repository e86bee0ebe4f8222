/* TFLite Micro's greedy memory planner (tflite.md sec. 5).
 *
 * Same rules, so the same layout and head size: sizes rounded up to 16 bytes;
 * lifetimes in op scopes (graph inputs at scope 0, op i at scope i + 1, graph
 * outputs until the last scope), inclusive, so an op's inputs and outputs never
 * share memory; buffers placed largest first, equal sizes highest tensor index
 * first; each at the lowest offset where it fits between the placed buffers
 * whose lifetimes overlap its own. */
#include "planner.h"

#define NONE 0xFFFFu

static void use(labrt_tensor *t, int16_t scope, int creates)
{
    if (creates && t->first_use < 0)
        t->first_use = scope;
    t->last_use = scope;
}

void labrt_mark_lifetimes(labrt_runtime *rt)
{
    const int16_t last_scope = (int16_t)rt->node_count;
    uint32_t i, k;

    for (i = 0; i < rt->tensor_count; i++)
        rt->tensors[i].first_use = rt->tensors[i].last_use = -1;
    for (i = 0; i < rt->input_count; i++)
        use(&rt->tensors[rt->inputs[i]], 0, 1);
    for (i = 0; i < rt->node_count; i++) {
        const labrt_node *node = &rt->nodes[i];
        for (k = 0; k < node->input_count; k++)
            if (node->inputs[k] >= 0)
                use(&rt->tensors[node->inputs[k]], (int16_t)(i + 1), 0);
        for (k = 0; k < node->output_count; k++)
            use(&rt->tensors[node->outputs[k]], (int16_t)(i + 1), 1);
    }
    for (i = 0; i < rt->output_count; i++)
        use(&rt->tensors[rt->outputs[i]], last_scope, 1);

    /* Tensors no op or graph port touches need no memory; leaving them out
     * cannot move any other buffer (their lifetime overlaps nothing else). */
    for (i = 0; i < rt->tensor_count; i++) {
        labrt_tensor *t = &rt->tensors[i];
        int used = t->first_use >= 0 || t->last_use >= 0;
        if (!(t->flags & LABRT_TENSOR_CONSTANT) && t->bytes > 0 && used)
            t->flags |= LABRT_TENSOR_PLANNED;
    }
}

static uint32_t aligned_size(const labrt_tensor *t)
{
    return (t->bytes + LABRT_ARENA_ALIGNMENT - 1) & ~(LABRT_ARENA_ALIGNMENT - 1);
}

static int lifetimes_overlap(const labrt_tensor *a, const labrt_tensor *b)
{
    return a->first_use <= b->last_use && b->first_use <= a->last_use;
}

/* Next buffer in TFLM's order: largest first; for equal sizes the highest index. */
static uint32_t next_to_place(const labrt_tensor *tensors, uint32_t count)
{
    uint32_t best = NONE, best_size = 0, i;
    for (i = 0; i < count; i++) {
        const labrt_tensor *t = &tensors[i];
        if ((t->flags & LABRT_TENSOR_PLANNED) && !(t->flags & LABRT_TENSOR_PLACED) &&
            (best == NONE || aligned_size(t) >= best_size)) {
            best = i;
            best_size = aligned_size(t);
        }
    }
    return best;
}

/* Lowest gap between placed, time-overlapping buffers (walked by offset) that fits. */
static uint32_t first_fit(const labrt_tensor *tensors, uint32_t placed_head, uint32_t wanted)
{
    const labrt_tensor *w = &tensors[wanted];
    uint32_t candidate = 0, p;
    for (p = placed_head; p != NONE; p = tensors[p].plan_next) {
        const labrt_tensor *placed = &tensors[p];
        uint32_t end;
        if (!lifetimes_overlap(placed, w))
            continue;
        if ((int64_t)placed->plan_offset - candidate >= (int64_t)aligned_size(w))
            break;
        end = placed->plan_offset + aligned_size(placed);
        if (end > candidate)
            candidate = end;
    }
    return candidate;
}

/* Inserts `index` into the offset-ordered list; returns the new list head. */
static uint32_t insert_by_offset(labrt_tensor *tensors, uint32_t head, uint32_t index)
{
    uint32_t offset = tensors[index].plan_offset, p;
    if (head == NONE || tensors[head].plan_offset >= offset) {
        tensors[index].plan_next = (uint16_t)head;
        return index;
    }
    for (p = head; tensors[p].plan_next != NONE; p = tensors[p].plan_next)
        if (tensors[tensors[p].plan_next].plan_offset >= offset)
            break;
    tensors[index].plan_next = tensors[p].plan_next;
    tensors[p].plan_next = (uint16_t)index;
    return head;
}

uint32_t labrt_plan_greedy(labrt_tensor *tensors, uint32_t count)
{
    uint32_t placed_head = NONE, used = 0, b;
    while ((b = next_to_place(tensors, count)) != NONE) {
        labrt_tensor *t = &tensors[b];
        t->plan_offset = first_fit(tensors, placed_head, b);
        t->flags |= LABRT_TENSOR_PLACED;
        placed_head = insert_by_offset(tensors, placed_head, b);
        if (t->plan_offset + aligned_size(t) > used)
            used = t->plan_offset + aligned_size(t);
    }
    return used;
}
