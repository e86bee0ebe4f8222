/* `@lab arena ...`: the tensor arena the runtime needs and its parts (labrt.h's
 * labrt_arena_usage), for apps that run a model. `lab model inspect` computes the same
 * figures on the host, and `lab build` sizes the app's arena buffer (LAB_ARENA_BYTES)
 * with them. Header-only: only apps that link the runtime include it. */
#ifndef LAB_ARENA_H
#define LAB_ARENA_H

#include "lab.h"
#include "labrt.h"

/* The arena buffer of an app that runs its built-in model: exactly what that model
 * needs, computed by `lab build`; builds without it (make by hand) get `fallback`. */
#ifdef LAB_ARENA_BYTES
#define LAB_ARENA_SIZE(fallback) (LAB_ARENA_BYTES)
#else
#define LAB_ARENA_SIZE(fallback) (fallback)
#endif

static inline void lab_arena_event(const labrt_runtime *rt, size_t reserved)
{
    labrt_arena_usage u;
    labrt_arena_target(rt, &u);
    lab_event("arena",
              "arena=%lu reserved=%lu activations=%lu kernel_scratch=%lu largest_scratch=%lu "
              "plan_scratch=%lu tables=%lu op_data=%lu init_peak=%lu",
              (unsigned long)u.needed, (unsigned long)reserved, (unsigned long)u.activations,
              (unsigned long)u.kernel_scratch, (unsigned long)u.largest_kernel_scratch,
              (unsigned long)u.plan_scratch, (unsigned long)u.tables, (unsigned long)u.op_data,
              (unsigned long)u.init_peak);
}

#endif
