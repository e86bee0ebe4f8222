/* TFLite Micro's greedy memory planner (tflite.md sec. 5). It works on a
 * scratch array that init places in the not-yet-used activation area. */
#ifndef LABRT_PLANNER_H
#define LABRT_PLANNER_H

#include "labrt_kernel.h"

#define LABRT_ARENA_ALIGNMENT 16u

/* One buffer to place: a tensor that needs arena memory. */
typedef struct {
    uint32_t size;            /* bytes, rounded up to 16 */
    uint32_t offset;          /* result */
    int16_t first_use, last_use; /* op scopes, inclusive; -1 = none */
    uint16_t tensor;          /* index in the tensor table */
    uint16_t next;            /* offset-ordered list of placed buffers */
} labrt_plan_buffer;

/* Flags the tensors that need arena memory (LABRT_TENSOR_PLANNED) and returns
 * how many there are. */
uint32_t labrt_count_planned(labrt_runtime *rt);

/* Fills one entry per planned tensor, in tensor order, with size and lifetime. */
void labrt_plan_lifetimes(const labrt_runtime *rt, labrt_plan_buffer *buffers, uint32_t count);

/* Fills one entry per scratch request (rt->scratch_count), in request order. */
void labrt_plan_scratch_lifetimes(const labrt_runtime *rt, labrt_plan_buffer *buffers);

/* Forgets the places of buffers (to plan them again, e.g. with more buffers). */
void labrt_plan_unplace(labrt_plan_buffer *buffers, uint32_t count);

/* Places every buffer at its offset; returns the bytes they span (the head). */
uint32_t labrt_plan_greedy(labrt_plan_buffer *buffers, uint32_t count);

#endif
