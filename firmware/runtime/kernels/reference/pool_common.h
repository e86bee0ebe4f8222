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

#endif
