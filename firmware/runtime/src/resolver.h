#ifndef LABRT_RESOLVER_H
#define LABRT_RESOLVER_H

#include "labrt_kernel.h"

/* The kernel for a builtin op, NULL if this runtime does not implement it. */
const labrt_kernel *labrt_find_kernel(int32_t builtin);

#endif
