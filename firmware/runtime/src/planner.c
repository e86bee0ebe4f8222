/* TFLite Micro's greedy memory planner (tflite.md sec. 5).
 *
 * Same rules, so the same layout and head size: sizes rounded up to 16 bytes;
 * lifetimes in op scopes (graph inputs at scope 0, op i at scope i + 1, graph
 * outputs until the last scope), inclusive, so an op's inputs and outputs never
 * share memory; buffers placed largest first, equal sizes highest tensor index
 * first; each at the lowest offset where it fits between the placed buffers
 * whose lifetimes overlap its own. Ops' scratch buffers join the plan as TFLM's
 * do: numbered after the tensors, alive in their op's scope only. */
#include "planner.h"

#define NONE 0xFFFFu
#define UNPLACED 0xFFFFFFFFu

/* Flags every tensor that some op or graph port uses. */
static void mark_used(labrt_runtime *rt)
{
    uint32_t i, k;
    for (i = 0; i < rt->input_count; i++)
        rt->tensors[rt->inputs[i]].flags |= LABRT_TENSOR_PLANNED;
    for (i = 0; i < rt->output_count; i++)
        rt->tensors[rt->outputs[i]].flags |= LABRT_TENSOR_PLANNED;
    for (i = 0; i < rt->node_count; i++) {
        const labrt_node *node = &rt->nodes[i];
        for (k = 0; k < node->input_count; k++)
            if (node->inputs[k] >= 0)
                rt->tensors[node->inputs[k]].flags |= LABRT_TENSOR_PLANNED;
        for (k = 0; k < node->output_count; k++)
            rt->tensors[node->outputs[k]].flags |= LABRT_TENSOR_PLANNED;
    }
}

uint32_t labrt_count_planned(labrt_runtime *rt)
{
    uint32_t i, count = 0;
    mark_used(rt);
    /* Tensors no op or graph port touches need no memory; leaving them out
     * cannot move any other buffer (their lifetime overlaps nothing else). */
    for (i = 0; i < rt->tensor_count; i++) {
        labrt_tensor *t = &rt->tensors[i];
        if ((t->flags & LABRT_TENSOR_CONSTANT) || t->bytes == 0)
            t->flags &= (uint8_t)~LABRT_TENSOR_PLANNED;
        if (t->flags & LABRT_TENSOR_PLANNED)
            count++;
    }
    return count;
}

/* The scratch entry of a tensor, found by binary search (entries are in tensor order). */
static labrt_plan_buffer *entry_of(labrt_plan_buffer *buffers, uint32_t count, int32_t tensor)
{
    uint32_t low = 0, high = count;
    while (low < high) {
        uint32_t mid = (low + high) / 2;
        if (buffers[mid].tensor < tensor)
            low = mid + 1;
        else
            high = mid;
    }
    return (low < count && buffers[low].tensor == tensor) ? &buffers[low] : 0;
}

static void use(labrt_plan_buffer *b, int16_t scope, int creates)
{
    if (!b)
        return; /* constant or empty: not planned */
    if (creates && b->first_use < 0)
        b->first_use = scope;
    b->last_use = scope;
}

void labrt_plan_lifetimes(const labrt_runtime *rt, labrt_plan_buffer *buffers, uint32_t count)
{
    const int16_t last_scope = (int16_t)rt->node_count;
    uint32_t i, k, n = 0;

    for (i = 0; i < rt->tensor_count; i++) {
        if (!(rt->tensors[i].flags & LABRT_TENSOR_PLANNED))
            continue;
        buffers[n].size = (rt->tensors[i].bytes + LABRT_ARENA_ALIGNMENT - 1) &
                          ~(LABRT_ARENA_ALIGNMENT - 1);
        buffers[n].offset = UNPLACED;
        buffers[n].first_use = buffers[n].last_use = -1;
        buffers[n].tensor = (uint16_t)i;
        buffers[n].next = NONE;
        n++;
    }
    for (i = 0; i < rt->input_count; i++)
        use(entry_of(buffers, count, rt->inputs[i]), 0, 1);
    for (i = 0; i < rt->node_count; i++) {
        const labrt_node *node = &rt->nodes[i];
        for (k = 0; k < node->input_count; k++)
            if (node->inputs[k] >= 0)
                use(entry_of(buffers, count, node->inputs[k]), (int16_t)(i + 1), 0);
        for (k = 0; k < node->output_count; k++)
            use(entry_of(buffers, count, node->outputs[k]), (int16_t)(i + 1), 1);
    }
    for (i = 0; i < rt->output_count; i++)
        use(entry_of(buffers, count, rt->outputs[i]), last_scope, 1);
}

void labrt_plan_scratch_lifetimes(const labrt_runtime *rt, labrt_plan_buffer *buffers)
{
    const labrt_scratch *request;
    uint32_t n = 0;
    for (request = rt->scratch_first; request; request = request->next, n++) {
        labrt_plan_buffer *b = &buffers[n];
        b->size = (request->bytes + LABRT_ARENA_ALIGNMENT - 1) & ~(LABRT_ARENA_ALIGNMENT - 1);
        b->offset = UNPLACED;
        b->first_use = b->last_use = (int16_t)(request->op + 1);  /* the op's scope only */
        b->tensor = (uint16_t)(rt->tensor_count + n);   /* numbered after the tensors */
        b->next = NONE;
    }
}

static int lifetimes_overlap(const labrt_plan_buffer *a, const labrt_plan_buffer *b)
{
    return a->first_use <= b->last_use && b->first_use <= a->last_use;
}

/* Next buffer in TFLM's order: largest first; for equal sizes the highest index. */
static uint32_t next_to_place(const labrt_plan_buffer *buffers, uint32_t count)
{
    uint32_t best = NONE, i;
    for (i = 0; i < count; i++)
        if (buffers[i].offset == UNPLACED &&
            (best == NONE || buffers[i].size >= buffers[best].size))
            best = i;
    return best;
}

/* Lowest gap between placed, time-overlapping buffers (walked by offset) that fits. */
static uint32_t first_fit(const labrt_plan_buffer *buffers, uint32_t placed_head,
                          const labrt_plan_buffer *wanted)
{
    uint32_t candidate = 0, p;
    for (p = placed_head; p != NONE; p = buffers[p].next) {
        const labrt_plan_buffer *placed = &buffers[p];
        if (!lifetimes_overlap(placed, wanted))
            continue;
        if ((int64_t)placed->offset - candidate >= (int64_t)wanted->size)
            break;
        if (placed->offset + placed->size > candidate)
            candidate = placed->offset + placed->size;
    }
    return candidate;
}

/* Inserts `index` into the offset-ordered list; returns the new list head. */
static uint32_t insert_by_offset(labrt_plan_buffer *buffers, uint32_t head, uint32_t index)
{
    uint32_t offset = buffers[index].offset, p;
    if (head == NONE || buffers[head].offset >= offset) {
        buffers[index].next = (uint16_t)head;
        return index;
    }
    for (p = head; buffers[p].next != NONE; p = buffers[p].next)
        if (buffers[buffers[p].next].offset >= offset)
            break;
    buffers[index].next = buffers[p].next;
    buffers[p].next = (uint16_t)index;
    return head;
}

void labrt_plan_unplace(labrt_plan_buffer *buffers, uint32_t count)
{
    uint32_t i;
    for (i = 0; i < count; i++) {
        buffers[i].offset = UNPLACED;
        buffers[i].next = NONE;
    }
}

uint32_t labrt_plan_greedy(labrt_plan_buffer *buffers, uint32_t count)
{
    uint32_t placed_head = NONE, used = 0, b;
    while ((b = next_to_place(buffers, count)) != NONE) {
        labrt_plan_buffer *buffer = &buffers[b];
        buffer->offset = first_fit(buffers, placed_head, buffer);
        placed_head = insert_by_offset(buffers, placed_head, b);
        if (buffer->offset + buffer->size > used)
            used = buffer->offset + buffer->size;
    }
    return used;
}
