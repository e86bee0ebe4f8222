/* Shared by the optimized int8 kernels (kernels/optimized/, built with
 * LABRT_OPTIMIZED=1): int8 dot products, small copies and the requantization
 * step. Sums wrap modulo 2^32 exactly as the reference kernels' int32 results
 * do, so every kernel built on them gives the reference's bytes.
 *
 * On a core with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33 with
 * DSP) the dot products use SXTB16 and SMLAD (two multiply-accumulates per
 * instruction); elsewhere (the host, Cortex-M0/M3) plain C. */
#ifndef LABRT_OPTIMIZED_H
#define LABRT_OPTIMIZED_H

#include <stdint.h>
#include <string.h>

#include "labrt_kernel.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define LABRT_OPT_DSP 1
#else
#define LABRT_OPT_DSP 0
#endif
/* The innermost loops in assembly: needs all 13 free registers, which an
 * unoptimized build (frame pointer kept) does not have. */
#if LABRT_OPT_DSP && defined(__OPTIMIZE__) && defined(__thumb2__)
#define LABRT_OPT_ASM 1
#else
#define LABRT_OPT_ASM 0
#endif

/* s[r] += sum over k < len of w[r * stride + k] * x[k], for the rows r = 0..3
 * (four output channels sharing one input vector). */
void labrt_opt_dot4(const int8_t *w, uint32_t stride, const int8_t *x, uint32_t len,
                    uint32_t s[4]);
/* acc + sum over k < len of w[k] * x[k]. */
uint32_t labrt_opt_dot1(const int8_t *w, const int8_t *x, uint32_t len, uint32_t acc);
/* sum over k < len of w[k] (filter sums, in prepare). */
uint32_t labrt_opt_sum(const int8_t *w, uint32_t len);
/* Prepare: sums[c] = bias[c] + in_off * sum(w[c]) for the `channels` rows of
 * `len` weights of the filter (in_off: minus the input zero point; bias may be
 * NULL), the constant part of each output's sum. */
void labrt_opt_bias_sums(uint32_t *sums, const labrt_tensor *input, const labrt_tensor *filter,
                         const labrt_tensor *bias, uint32_t channels, uint32_t len);

/* Unaligned 32-bit load and store: one LDR/STR on Cortex-M3/M4/M7 and the host. */
static inline uint32_t labrt_opt_read32(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void labrt_opt_write32(int8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* Short copies and fills, inline (the C library's are byte loops in newlib-nano). */
static inline void labrt_opt_copy(int8_t *dst, const int8_t *src, uint32_t len)
{
    for (; len >= 4; len -= 4, dst += 4, src += 4)
        labrt_opt_write32(dst, labrt_opt_read32(src));
    switch (len) {
    case 3: dst[2] = src[2]; /* fall through */
    case 2: dst[1] = src[1]; /* fall through */
    case 1: dst[0] = src[0]; /* fall through */
    default: break;
    }
}

/* value4: the fill byte in all four bytes of a word. */
static inline void labrt_opt_fill(int8_t *dst, uint32_t value4, uint32_t len)
{
    for (; len >= 4; len -= 4, dst += 4)
        labrt_opt_write32(dst, value4);
    switch (len) {
    case 3: dst[2] = (int8_t)value4; /* fall through */
    case 2: dst[1] = (int8_t)value4; /* fall through */
    case 1: dst[0] = (int8_t)value4; /* fall through */
    default: break;
    }
}

/* Where int8 outputs go: the reference kernels' last step, MBQM with the
 * channel's multiplier and shift, plus the output zero point (int32
 * wrap-around, as labrt_wrap_add), clamped to the activation range. */
typedef struct {
    const int32_t *multipliers, *shifts;
    uint32_t step;             /* 1: one multiplier per channel, 0: one for all */
    int32_t zero_point, min, max;
} labrt_opt_output;

/* Prepare: out for output 0, with the activation of options field
 * activation_field, and the multipliers and shifts (the caller computes them)
 * with their step. */
void labrt_opt_output_init(labrt_prepare_ctx *ctx, labrt_opt_output *out,
                           unsigned activation_field, int32_t *multipliers, int32_t *shifts,
                           uint32_t step);

/* y[i] from acc[i] for channels c .. c+n-1. */
void labrt_opt_requantize(const labrt_opt_output *out, const uint32_t *acc, uint32_t c,
                          uint32_t n, int8_t *y);

/* Taps k in [*lo, *hi) of a filter of K taps put start + k * dilation inside [0, size). */
static inline void labrt_opt_tap_range(int32_t start, int32_t size, int32_t K, int32_t dilation,
                                       int32_t *lo, int32_t *hi)
{
    int32_t l = start >= 0 ? 0 : (dilation - 1 - start) / dilation;
    int32_t h = size - start <= 0 ? 0 : (size - start + dilation - 1) / dilation;
    if (h > K)
        h = K;
    *lo = l < h ? l : h;
    *hi = h;
}

/* Whether a kernel can take its fast path: int8 activations with constant
 * weights and bias (whose sums prepare precomputes). Anything else (float, or
 * weights computed at run time) runs the reference kernel. */
static inline int labrt_opt_constant_int8(const labrt_tensor *input, const labrt_tensor *filter,
                                          const labrt_tensor *bias)
{
    return input->type == LABRT_INT8 && (filter->flags & LABRT_TENSOR_CONSTANT) &&
           filter->data != 0 && (!bias || (bias->flags & LABRT_TENSOR_CONSTANT));
}

#endif
