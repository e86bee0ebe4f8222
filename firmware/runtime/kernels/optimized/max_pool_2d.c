/* MAX_POOL_2D, optimized int8 path (float: the reference kernel).
 *
 * Bit-exact with kernels/reference/max_pool_2d.c, whose prepare and per-op data it
 * uses: for each output position the window's taps inside the input are found once
 * (a rectangle), and four channels take their maximum at a time from one word per
 * tap: SSUB8 compares the four signed bytes (setting the GE flags) and SEL keeps the
 * larger of each, two instructions for four channels. The maximum starts at -128 (an
 * empty window gives -128, as the reference's) and is clamped to the activation range
 * the same way. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"
#include "../reference/pool_common.h"

extern const labrt_kernel labrt_kernel_max_pool_2d;

/* The four signed bytes of a and b, each the larger one. */
static inline uint32_t max4(uint32_t a, uint32_t b)
{
#if LABRT_OPT_DSP
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\t"
            "sel   %0, %1, %2"
            : "=&r"(r)
            : "r"(a), "r"(b)
            : "cc");
    return r;
#else
    uint32_t r = 0, k;
    for (k = 0; k < 32; k += 8) {
        const int8_t x = (int8_t)(a >> k), y = (int8_t)(b >> k);
        r |= (uint32_t)(uint8_t)(x > y ? x : y) << k;
    }
    return r;
#endif
}

/* ... and each the smaller one (SEL with the operands swapped). */
static inline uint32_t min4(uint32_t a, uint32_t b)
{
#if LABRT_OPT_DSP
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\t"
            "sel   %0, %2, %1"
            : "=&r"(r)
            : "r"(a), "r"(b)
            : "cc");
    return r;
#else
    uint32_t r = 0, k;
    for (k = 0; k < 32; k += 8) {
        const int8_t x = (int8_t)(a >> k), y = (int8_t)(b >> k);
        r |= (uint32_t)(uint8_t)(x < y ? x : y) << k;
    }
    return r;
#endif
}

/* The maximum of `count` (1..4) channels over a window: rows x cols taps from x
 * (steps row and C), in the low bytes of a word. */
static inline uint32_t window_max(const int8_t *x, int32_t rows, int32_t cols, int32_t row,
                                  int32_t C, uint32_t count)
{
    uint32_t best = 0x80808080u;     /* -128 in every byte */
    int32_t fy, fx;
    for (fy = 0; fy < rows; fy++, x += row) {
        const int8_t *p = x;
        for (fx = 0; fx < cols; fx++, p += C)
            best = max4(count == 4 ? labrt_opt_read32(p) : labrt_opt_read_tail(p, count), best);
    }
    return best;
}

static void eval_int8(const pool_data *d, const labrt_tensor *in, const labrt_tensor *out)
{
    const int32_t H = in->dims[1], W = in->dims[2], C = in->dims[3];
    const uint32_t lo4 = (uint32_t)(uint8_t)d->act.min * 0x01010101u;
    const uint32_t hi4 = (uint32_t)(uint8_t)d->act.max * 0x01010101u;
    const int8_t *x = (const int8_t *)in->data;
    int8_t *y = (int8_t *)out->data;
    int32_t n, oy, ox, c;
    uint32_t k;
    for (n = 0; n < out->dims[0]; n++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++, y += C) {
                const pool_window w = labrt_pool_window(d, in, oy, ox);
                const int32_t rows = w.y1 - w.y0, cols = w.x1 - w.x0;
                const int8_t *first =
                    x + (((int64_t)n * H + w.in_y + w.y0) * W + w.in_x + w.x0) * C;
                uint32_t best;
                for (c = 0; c + 4 <= C; c += 4) {
                    best = window_max(first + c, rows, cols, W * C, C, 4);
                    labrt_opt_write32(y + c, min4(max4(best, lo4), hi4));
                }
                if (c == C)
                    continue;
                /* the last channels of a count that is not a multiple of 4 */
                best = window_max(first + c, rows, cols, W * C, C, (uint32_t)(C - c));
                best = min4(max4(best, lo4), hi4);
                for (k = 0; c + (int32_t)k < C; k++)
                    y[c + (int32_t)k] = (int8_t)(best >> (8 * k));
            }
}

static void eval(const labrt_runtime *rt, const labrt_node *node)
{
    const labrt_tensor *input = labrt_op_input(rt, node, 0);
    if (input->type == LABRT_INT8)
        eval_int8(node->data, input, labrt_op_output(rt, node, 0));
    else
        labrt_kernel_max_pool_2d.eval(rt, node);
}

const labrt_kernel labrt_kernel_max_pool_2d_optimized = {17, 5, labrt_pool_prepare, eval};

#else
typedef int labrt_optimized_max_pool_2d_unused; /* LABRT_OPTIMIZED off */
#endif
