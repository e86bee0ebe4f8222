/* Shared by AVERAGE_POOL_2D and MAX_POOL_2D: options, window geometry and
 * the int8 rule that input and output share scale and zero point. */
#ifndef LABRT_POOL_COMMON_H
#define LABRT_POOL_COMMON_H

#include "labrt_kernel.h"

typedef struct {
    int32_t stride_h, stride_w, filter_h, filter_w, pad_h, pad_w;
    labrt_activation act;
} pool_data;

/* The valid window of output (oy, ox): filter taps [y0, y1) x [x0, x1) that
 * fall inside the input, and the input position of tap (0, 0). */
typedef struct {
    int32_t in_y, in_x;
    int32_t y0, y1, x0, x1;
} pool_window;

labrt_status labrt_pool_prepare(labrt_prepare_ctx *ctx);
pool_window labrt_pool_window(const pool_data *d, const labrt_tensor *in, int32_t oy, int32_t ox);

/* Input index of tap (fy, fx) of window w, in batch n and channel c. */
static inline int64_t labrt_pool_index(const labrt_tensor *in, const pool_window *w, int32_t n,
                                       int32_t fy, int32_t fx, int32_t c)
{
    return (((int64_t)n * in->dims[1] + w->in_y + fy) * in->dims[2] + w->in_x + fx) *
               in->dims[3] + c;
}

#endif
