/* AVERAGE_POOL_2D, optimized int8 path (float: the reference kernel).
 *
 * Bit-exact with kernels/reference/average_pool_2d.c, whose prepare and per-op data it
 * uses: for each output position the window's taps inside the input are found once
 * (a rectangle), and four channels are summed at a time from one word per tap, SXTAB16
 * adding bytes 0 and 2, then (rotated by 8) 1 and 3, to int16 halves: exact while a
 * window has at most 256 taps (|sum| <= 256 * 128). Larger windows sum each channel in
 * 64 bits. The mean is the reference's: rounded half away from zero, clamped to the
 * activation range. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"
#include "../reference/pool_common.h"

extern const labrt_kernel labrt_kernel_average_pool_2d;

#define HALF_SUM_TAPS 256

/* sum / count rounded half away from zero, clamped: 32-bit division (SDIV) while the
 * sum fits, as it does for every window of at most 2^23 taps. */
static int8_t mean(int64_t sum, int32_t count, const labrt_activation *act)
{
    int64_t rounded;
    if (sum >= -(1 << 30) && sum <= (1 << 30)) {
        const int32_t s = (int32_t)sum;
        rounded = s > 0 ? (s + count / 2) / count : (s - count / 2) / count;
    } else {
        rounded = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    }
    return (int8_t)(rounded < act->min ? act->min : rounded > act->max ? act->max : rounded);
}

/* Channels c .. c+3 of a window (rows x cols taps from x, steps row and C). */
static void sum4(const int8_t *x, int32_t rows, int32_t cols, int32_t row, int32_t C,
                 int64_t sums[4])
{
    int32_t fy, fx;
    if (rows * cols <= HALF_SUM_TAPS) {
        uint32_t even = 0, odd = 0;
        for (fy = 0; fy < rows; fy++, x += row) {
            const int8_t *p = x;
            for (fx = 0; fx < cols; fx++, p += C) {
                const uint32_t v = labrt_opt_read32(p);
                even = labrt_sxtab16(even, v);
                odd = labrt_sxtab16_ror8(odd, v);
            }
        }
        sums[0] = (int16_t)(even & 0xFFFFu);
        sums[1] = (int16_t)(odd & 0xFFFFu);
        sums[2] = (int16_t)(even >> 16);
        sums[3] = (int16_t)(odd >> 16);
        return;
    }
    sums[0] = sums[1] = sums[2] = sums[3] = 0;
    for (fy = 0; fy < rows; fy++, x += row) {
        const int8_t *p = x;
        for (fx = 0; fx < cols; fx++, p += C) {
            sums[0] += p[0];
            sums[1] += p[1];
            sums[2] += p[2];
            sums[3] += p[3];
        }
    }
}

static int64_t sum1(const int8_t *x, int32_t rows, int32_t cols, int32_t row, int32_t C)
{
    int64_t sum = 0;
    int32_t fy, fx;
    for (fy = 0; fy < rows; fy++, x += row)
        for (fx = 0; fx < cols; fx++)
            sum += x[fx * C];
    return sum;
}

static void eval_int8(const pool_data *d, const labrt_tensor *in, const labrt_tensor *out)
{
    const int32_t H = in->dims[1], W = in->dims[2], C = in->dims[3];
    const int8_t *x = (const int8_t *)in->data;
    int8_t *y = (int8_t *)out->data;
    int64_t sums[4];
    int32_t n, oy, ox, c;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++, y += C) {
                const pool_window w = labrt_pool_window(d, in, oy, ox);
                const int32_t rows = w.y1 - w.y0, cols = w.x1 - w.x0;
                const int8_t *first;
                if (rows <= 0 || cols <= 0)
                    return;  /* an empty window stops the op, as the reference does */
                first = x + (((int64_t)n * H + w.in_y + w.y0) * W + w.in_x + w.x0) * C;
                for (c = 0; c + 4 <= C; c += 4) {
                    sum4(first + c, rows, cols, W * C, C, sums);
                    y[c] = mean(sums[0], rows * cols, &d->act);
                    y[c + 1] = mean(sums[1], rows * cols, &d->act);
                    y[c + 2] = mean(sums[2], rows * cols, &d->act);
                    y[c + 3] = mean(sums[3], rows * cols, &d->act);
                }
                for (; c < C; c++)
                    y[c] = mean(sum1(first + c, rows, cols, W * C, C), rows * cols, &d->act);
            }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    if (input->type == LABRT_INT8)
        eval_int8(node->data, input, labrt_op_output(rt, node, 0));
    else
        labrt_kernel_average_pool_2d.eval(rt, node);
}

const labrt_kernel labrt_kernel_average_pool_2d_optimized = {1, 5, labrt_pool_prepare, eval};

#else
typedef int labrt_optimized_average_pool_2d_unused; /* LABRT_OPTIMIZED off */
#endif
