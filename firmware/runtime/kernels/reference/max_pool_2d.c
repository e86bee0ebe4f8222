/* MAX_POOL_2D, int8 and float32 (tflite.md 3.10 and sec. 4): the largest tap
 * inside the input, then the activation clamp. */
#include "pool_common.h"

#include <float.h>

static int8_t max_int8(const pool_data *d, const labrt_tensor *in, int32_t n, int32_t oy,
                       int32_t ox, int32_t c)
{
    const int8_t *x = (const int8_t *)in->data;
    const pool_window w = labrt_pool_window(d, in, oy, ox);
    int32_t best = -128, fy, fx;
    for (fy = w.y0; fy < w.y1; fy++)
        for (fx = w.x0; fx < w.x1; fx++) {
            int32_t v = x[labrt_pool_index(in, &w, n, fy, fx, c)];
            if (v > best)
                best = v;
        }
    return (int8_t)labrt_clamp(best, d->act.min, d->act.max);
}

static float max_float(const pool_data *d, const labrt_tensor *in, int32_t n, int32_t oy,
                       int32_t ox, int32_t c)
{
    const float *x = (const float *)in->data;
    const pool_window w = labrt_pool_window(d, in, oy, ox);
    float best = -FLT_MAX;
    int32_t fy, fx;
    for (fy = w.y0; fy < w.y1; fy++)
        for (fx = w.x0; fx < w.x1; fx++) {
            float v = x[labrt_pool_index(in, &w, n, fy, fx, c)];
            if (best < v) /* std::max: a NaN tap is skipped */
                best = v;
        }
    return labrt_activate(best, &d->act);
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    uint32_t o = 0;
    int32_t n, oy, ox, c;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (c = 0; c < out->dims[3]; c++, o++) {
                    if (in->type == LABRT_INT8)
                        ((int8_t *)out->data)[o] = max_int8(node->data, in, n, oy, ox, c);
                    else
                        ((float *)out->data)[o] = max_float(node->data, in, n, oy, ox, c);
                }
}

const labrt_kernel labrt_kernel_max_pool_2d = {17, 5, labrt_pool_prepare, eval};
