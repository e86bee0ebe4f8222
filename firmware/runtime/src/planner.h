/* TFLite Micro's greedy memory planner (tflite.md sec. 5), in place on the
 * tensor table so that it needs no scratch memory. */
#ifndef LABRT_PLANNER_H
#define LABRT_PLANNER_H

#include "labrt_kernel.h"

#define LABRT_ARENA_ALIGNMENT 16u

/* Sets first_use/last_use of every tensor from the op order and flags the
 * tensors that need arena memory (LABRT_TENSOR_PLANNED). */
void labrt_mark_lifetimes(labrt_runtime *rt);

/* Places every planned tensor at plan_offset; returns the bytes they span. */
uint32_t labrt_plan_greedy(labrt_tensor *tensors, uint32_t count);

#endif
