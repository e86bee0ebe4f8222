/* AVERAGE_POOL_2D, int8 and float32 (tflite.md 3.10 and sec. 4): the mean of
 * the taps inside the input; padding is not counted. */
#include "pool_common.h"

/* Channel c of output (n, oy, ox); returns 0 when the window is empty. */
static int average_int8(const pool_data *d, const labrt_tensor *in, int32_t n, int32_t oy,
                        int32_t ox, int32_t c, int8_t *out)
{
    const int8_t *x = (const int8_t *)in->data;
    const pool_window w = labrt_pool_window(d, in, oy, ox);
    int64_t acc = 0; /* 64-bit: TFLM's int32 sum without overflow UB */
    int32_t count = 0, fy, fx;
    for (fy = w.y0; fy < w.y1; fy++)
        for (fx = w.x0; fx < w.x1; fx++) {
            acc += x[labrt_pool_index(in, &w, n, fy, fx, c)];
            count++;
        }
    if (count == 0)
        return 0;
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count; /* round half away */
    *out = (int8_t)labrt_clamp((int32_t)acc, d->act.min, d->act.max);
    return 1;
}

static int average_float(const pool_data *d, const labrt_tensor *in, int32_t n, int32_t oy,
                         int32_t ox, int32_t c, float *out)
{
    const float *x = (const float *)in->data;
    const pool_window w = labrt_pool_window(d, in, oy, ox);
    float total = 0.0f, count = 0.0f;
    int32_t fy, fx;
    for (fy = w.y0; fy < w.y1; fy++)
        for (fx = w.x0; fx < w.x1; fx++) {
            total += x[labrt_pool_index(in, &w, n, fy, fx, c)];
            count += 1.0f;
        }
    if (count == 0.0f)
        return 0;
    *out = labrt_activate(total / count, &d->act);
    return 1;
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *in = labrt_op_input(rt, node, 0), *out = labrt_op_output(rt, node, 0);
    const int is_int8 = in->type == LABRT_INT8;
    uint32_t o = 0;
    int32_t n, oy, ox, c;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (c = 0; c < out->dims[3]; c++, o++) {
                    /* An empty window stops the op, as TFLM's reference does. */
                    int ok = is_int8
                                 ? average_int8(node->data, in, n, oy, ox, c, (int8_t *)out->data + o)
                                 : average_float(node->data, in, n, oy, ox, c, (float *)out->data + o);
                    if (!ok)
                        return;
                }
}

const labrt_kernel labrt_kernel_average_pool_2d = {1, 5, labrt_pool_prepare, eval};
