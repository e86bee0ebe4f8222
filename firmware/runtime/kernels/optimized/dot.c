/* int8 dot products for the optimized kernels (see optimized.h).
 *
 * DSP path, four bytes at a time: SXTB16 splits a word of four int8 values
 * into two words of two int16 halves, {v0, v2} and (rotated by 8) {v1, v3};
 * splitting weights and inputs the same way pairs them up, and one SMLAD adds
 * two products to the accumulator. int8 x int8 products fit 16 bits x 16 bits
 * exactly and SMLAD's sum wraps modulo 2^32 (it only sets the Q flag), the same
 * value as the reference kernels' int32 sums. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

#if LABRT_OPT_DSP
static inline uint32_t even16(uint32_t v) /* {v0, v2} as int16 halves */
{
    return (uint32_t)__builtin_arm_sxtb16((int32_t)v);
}

static inline uint32_t odd16(uint32_t v) /* {v1, v3} */
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

static inline uint32_t smlad(uint32_t a, uint32_t b, uint32_t acc)
{
    return (uint32_t)__builtin_arm_smlad((int32_t)a, (int32_t)b, (int32_t)acc);
}

/* acc + w . x over one word (four int8 pairs), with x already split. */
static inline uint32_t mac4(uint32_t acc, const int8_t *w, uint32_t x_even, uint32_t x_odd)
{
    const uint32_t wv = labrt_opt_read32(w);
    return smlad(odd16(wv), x_odd, smlad(even16(wv), x_even, acc));
}
#else
static inline uint32_t mac4(uint32_t acc, const int8_t *w, const int8_t *x)
{
    return acc + (uint32_t)(w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3]);
}
#endif

#if LABRT_OPT_ASM
/* One step of labrt_opt_dot4: four input bytes against four bytes of each of the
 * four rows, 23 instructions for 16 multiply-accumulates. The loop is assembly
 * because GCC spills its 13 live values to the stack. */
#define LABRT_OPT_DOT4_STEP                                                                 \
    "ldr    %[v], [%[x]], #4\n\t"                                                          \
    "sxtb16 %[xe], %[v]\n\t"                                                               \
    "sxtb16 %[xo], %[v], ror #8\n\t"                                                       \
    "ldr    %[v], [%[wa], %[st]]\n\t" /* row 1 */                                          \
    "sxtb16 %[t], %[v]\n\t"                                                                \
    "smlad  %[a1], %[t], %[xe], %[a1]\n\t"                                                 \
    "sxtb16 %[v], %[v], ror #8\n\t"                                                        \
    "smlad  %[a1], %[v], %[xo], %[a1]\n\t"                                                 \
    "ldr    %[v], [%[wa]], #4\n\t" /* row 0 */                                             \
    "sxtb16 %[t], %[v]\n\t"                                                                \
    "smlad  %[a0], %[t], %[xe], %[a0]\n\t"                                                 \
    "sxtb16 %[v], %[v], ror #8\n\t"                                                        \
    "smlad  %[a0], %[v], %[xo], %[a0]\n\t"                                                 \
    "ldr    %[v], [%[wb], %[st]]\n\t" /* row 3 */                                          \
    "sxtb16 %[t], %[v]\n\t"                                                                \
    "smlad  %[a3], %[t], %[xe], %[a3]\n\t"                                                 \
    "sxtb16 %[v], %[v], ror #8\n\t"                                                        \
    "smlad  %[a3], %[v], %[xo], %[a3]\n\t"                                                 \
    "ldr    %[v], [%[wb]], #4\n\t" /* row 2 */                                             \
    "sxtb16 %[t], %[v]\n\t"                                                                \
    "smlad  %[a2], %[t], %[xe], %[a2]\n\t"                                                 \
    "sxtb16 %[v], %[v], ror #8\n\t"                                                        \
    "smlad  %[a2], %[v], %[xo], %[a2]\n\t"
#endif

void labrt_opt_dot4(const int8_t *w, uint32_t stride, const int8_t *x, uint32_t len,
                    uint32_t s[4])
{
    /* Rows 1 and 3 are read at a register offset (stride) from rows 0 and 2. */
    const int8_t *wa = w, *wb = w + 2 * stride;
    uint32_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3];
    uint32_t n = len >> 2;
#if LABRT_OPT_ASM
    if (n > 0) { /* one step if n is odd, then two per loop */
        uint32_t xe, xo, v, t;
        __asm__("tst    %[n], #1\n\t"
                "beq    2f\n\t"
                LABRT_OPT_DOT4_STEP
                "2:\n\t"
                "lsrs   %[n], %[n], #1\n\t"
                "beq    3f\n"
                "1:\n\t"
                LABRT_OPT_DOT4_STEP
                LABRT_OPT_DOT4_STEP
                "subs   %[n], %[n], #1\n\t"
                "bne    1b\n"
                "3:"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x),
                  [wa] "+r"(wa), [wb] "+r"(wb), [n] "+r"(n), [xe] "=&r"(xe), [xo] "=&r"(xo),
                  [v] "=&r"(v), [t] "=&r"(t)
                : [st] "r"(stride)
                : "cc", "memory");
    }
#else
    for (; n > 0; n--) {
#if LABRT_OPT_DSP
        const uint32_t xv = labrt_opt_read32(x);
        const uint32_t xe = even16(xv), xo = odd16(xv);
        a0 = mac4(a0, wa, xe, xo);
        a1 = mac4(a1, wa + stride, xe, xo);
        a2 = mac4(a2, wb, xe, xo);
        a3 = mac4(a3, wb + stride, xe, xo);
#else
        a0 = mac4(a0, wa, x);
        a1 = mac4(a1, wa + stride, x);
        a2 = mac4(a2, wb, x);
        a3 = mac4(a3, wb + stride, x);
#endif
        x += 4;
        wa += 4;
        wb += 4;
    }
#endif
    for (len &= 3u; len > 0; len--, x++, wa++, wb++) {
        const int32_t xv = *x;
        a0 += (uint32_t)(wa[0] * xv);
        a1 += (uint32_t)(wa[stride] * xv);
        a2 += (uint32_t)(wb[0] * xv);
        a3 += (uint32_t)(wb[stride] * xv);
    }
    s[0] = a0;
    s[1] = a1;
    s[2] = a2;
    s[3] = a3;
}

uint32_t labrt_opt_dot1(const int8_t *w, const int8_t *x, uint32_t len, uint32_t acc)
{
    const int8_t *const end = x + (len & ~3u);
    while (x != end) {
#if LABRT_OPT_DSP
        const uint32_t xv = labrt_opt_read32(x);
        acc = mac4(acc, w, even16(xv), odd16(xv));
#else
        acc = mac4(acc, w, x);
#endif
        x += 4;
        w += 4;
    }
    for (len &= 3u; len > 0; len--)
        acc += (uint32_t)(*w++ * *x++);
    return acc;
}

uint32_t labrt_opt_sum(const int8_t *w, uint32_t len)
{
    uint32_t sum = 0;
    while (len--)
        sum += (uint32_t)(int32_t)*w++;
    return sum;
}

void labrt_opt_bias_sums(uint32_t *sums, const labrt_tensor *input, const labrt_tensor *filter,
                         const labrt_tensor *bias, uint32_t channels, uint32_t len)
{
    uint32_t c;
    for (c = 0; c < channels; c++) {
        const int8_t *w = (const int8_t *)filter->data + (uint64_t)c * len;
        uint32_t b = bias ? (uint32_t)((const int32_t *)bias->data)[c] : 0;
        sums[c] = b + (uint32_t)(-input->zero_point) * labrt_opt_sum(w, len);
    }
}

void labrt_opt_output_init(labrt_prepare_ctx *ctx, labrt_opt_output *out,
                           unsigned activation_field, int32_t *multipliers, int32_t *shifts,
                           uint32_t step)
{
    const labrt_tensor *output = labrt_out(ctx, 0);
    const labrt_activation act =
        labrt_activation_range(labrt_option_i8(ctx, activation_field, 0), output);
    out->min = act.min;
    out->max = act.max;
    out->zero_point = output->zero_point;
    out->step = step;
    out->multipliers = multipliers;
    out->shifts = shifts;
}

void labrt_opt_requantize(const labrt_opt_output *out, const uint32_t *acc, uint32_t c,
                          uint32_t n, int8_t *y)
{
    const uint32_t step = out->step;
    const int32_t *m = out->multipliers + c * step, *shift = out->shifts + c * step;
    const int32_t zero_point = out->zero_point, lo = out->min, hi = out->max;
    for (; n > 0; n--, m += step, shift += step) {
        const int32_t r =
            (int32_t)((uint32_t)labrt_mbqm((int32_t)*acc++, *m, *shift) + (uint32_t)zero_point);
        *y++ = (int8_t)(r < lo ? lo : r > hi ? hi : r);
    }
}

#else
typedef int labrt_optimized_dot_unused; /* LABRT_OPTIMIZED off: nothing to compile */
#endif
