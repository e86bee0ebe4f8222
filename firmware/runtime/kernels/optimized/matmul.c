/* Expanded inputs and the matrix kernels of the optimized CONV_2D and FULLY_CONNECTED
 * (see optimized.h).
 *
 * Products: an expanded group holds {x0, x2} and {x1, x3} (+ offset) as int16 pairs,
 * and SXTB16 splits a word of four int8 weights into {w0, w2} and (rotated by 8)
 * {w1, w3}; one SMLAD then adds two products. int8 x int16 products fit, and SMLAD's
 * sum wraps modulo 2^32 (it only sets the Q flag), so every sum equals the reference
 * kernels' int32 result. The input's offset is part of x, so the bias is the model's
 * own: acc = bias + sum(w * (x + offset)), the reference's sum term by term.
 *
 * mm_1x4 (one output channel, four positions of a panel) is the convolutions' kernel:
 * one weight word, split once, feeds eight SMLADs, and LDM fetches two positions'
 * inputs at a time, 13 instructions per 16 multiply-accumulates. mm_4x1 (four rows,
 * one vector) is FULLY_CONNECTED's, where each weight is used once; with few rows the
 * input is not worth expanding, and mm_4x1_raw splits it on the way (SXTAB16 adds the
 * offset for free). */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

void labrt_opt_expand(uint32_t *dst, uint32_t step, const int8_t *src, uint32_t len,
                      uint32_t offset2)
{
    uint32_t n = len >> 2, v;
    for (; n > 0; n--, src += 4, dst += step) {
        v = labrt_opt_read32(src);
        dst[0] = labrt_sxtab16(offset2, v);
        dst[1] = labrt_sxtab16_ror8(offset2, v);
    }
    if (len & 3u) {
        v = labrt_opt_read_tail(src, len & 3u);  /* padding: its weights are 0 */
        dst[0] = labrt_sxtab16(offset2, v);
        dst[1] = labrt_sxtab16_ror8(offset2, v);
    }
}

/* The last, partial group of len (1..3 weights, read bytewise: the weights after them
 * may be the end of the tensor): its weight word split into even and odd halves. */
static inline void tail_weights(const int8_t *w, uint32_t len, uint32_t *even, uint32_t *odd)
{
    const uint32_t v = labrt_opt_read_tail(w, len & 3u);
    *even = labrt_sxtb16(v);
    *odd = labrt_sxtb16_ror8(v);
}

/* acc + four int8 weights (one word) times the inputs expanded to even/odd halves. */
static inline uint32_t mac_word(uint32_t weights, uint32_t xe, uint32_t xo, uint32_t acc)
{
    acc = labrt_smlad(labrt_sxtb16(weights), xe, acc);
    return labrt_smlad(labrt_sxtb16_ror8(weights), xo, acc);
}

/* acc + the partial last group of weights (see tail_weights) times expanded inputs. */
static inline uint32_t mac_tail(const int8_t *w, uint32_t len, uint32_t xe, uint32_t xo,
                                uint32_t acc)
{
    uint32_t even, odd;
    tail_weights(w, len, &even, &odd);
    return labrt_smlad(odd, xo, labrt_smlad(even, xe, acc));
}

#if LABRT_OPT_ASM
/* One group of mm_1x4: the four positions' inputs come in two LDMs, whose register
 * lists must be ascending, so x0..x3 live in fixed registers r8..r11. */
#define MM_1X4_STEP                                                                        \
    "ldr    %[wv], [%[w]], #4\n\t"                                                        \
    "ldmia  %[x]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"                                      \
    "sxtb16 %[t], %[wv]\n\t"                                                              \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                                                     \
    "smlad  %[a0], %[t], %[x0], %[a0]\n\t"                                                \
    "smlad  %[a0], %[wv], %[x1], %[a0]\n\t"                                               \
    "smlad  %[a1], %[t], %[x2], %[a1]\n\t"                                                \
    "smlad  %[a1], %[wv], %[x3], %[a1]\n\t"                                               \
    "ldmia  %[x]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"                                      \
    "smlad  %[a2], %[t], %[x0], %[a2]\n\t"                                                \
    "smlad  %[a2], %[wv], %[x1], %[a2]\n\t"                                               \
    "smlad  %[a3], %[t], %[x2], %[a3]\n\t"                                                \
    "smlad  %[a3], %[wv], %[x3], %[a3]\n\t"
#endif

/* acc[p] += sum over k < len of w[k] * x_p[k] for the four vectors of a panel. */
static inline void mm_1x4(const int8_t *w, const uint32_t *panel, uint32_t len, uint32_t acc[4])
{
    const uint32_t *x = panel;
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t n = len >> 2;
#if LABRT_OPT_ASM
    if (n > 0) { /* one step if n is odd, two if n & 2, then four per loop */
        register uint32_t x0 __asm__("r8");
        register uint32_t x1 __asm__("r9");
        register uint32_t x2 __asm__("r10");
        register uint32_t x3 __asm__("r11");
        uint32_t wv, t;
        __asm__("tst    %[n], #1\n\t"
                "beq    2f\n\t"
                MM_1X4_STEP
                "2:\n\t"
                "tst    %[n], #2\n\t"
                "beq    3f\n\t"
                MM_1X4_STEP
                MM_1X4_STEP
                "3:\n\t"
                "lsrs   %[n], %[n], #2\n\t"
                "beq    4f\n"
                "1:\n\t"
                MM_1X4_STEP
                MM_1X4_STEP
                MM_1X4_STEP
                MM_1X4_STEP
                "subs   %[n], %[n], #1\n\t"
                "bne    1b\n"
                "4:"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x),
                  [w] "+r"(w), [n] "+r"(n), [wv] "=&r"(wv), [t] "=&r"(t), [x0] "=&r"(x0),
                  [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)
                :
                : "cc", "memory");
    }
#elif LABRT_OPT_DSP
    for (; n > 0; n--, w += 4, x += 8) {
        const uint32_t v = labrt_opt_read32(w);
        const uint32_t even = labrt_sxtb16(v), odd = labrt_sxtb16_ror8(v);
        a0 = labrt_smlad(odd, x[1], labrt_smlad(even, x[0], a0));
        a1 = labrt_smlad(odd, x[3], labrt_smlad(even, x[2], a1));
        a2 = labrt_smlad(odd, x[5], labrt_smlad(even, x[4], a2));
        a3 = labrt_smlad(odd, x[7], labrt_smlad(even, x[6], a3));
    }
#else
    /* No DSP: byte weights times the halves of the expanded words, one multiply each
     * (cheaper than splitting the weights as SXTB16 would). */
    for (; n > 0; n--, w += 4, x += 8) {
        const int32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
        a0 += (uint32_t)(w0 * labrt_lo16(x[0]) + w2 * labrt_hi16(x[0]) +
                         w1 * labrt_lo16(x[1]) + w3 * labrt_hi16(x[1]));
        a1 += (uint32_t)(w0 * labrt_lo16(x[2]) + w2 * labrt_hi16(x[2]) +
                         w1 * labrt_lo16(x[3]) + w3 * labrt_hi16(x[3]));
        a2 += (uint32_t)(w0 * labrt_lo16(x[4]) + w2 * labrt_hi16(x[4]) +
                         w1 * labrt_lo16(x[5]) + w3 * labrt_hi16(x[5]));
        a3 += (uint32_t)(w0 * labrt_lo16(x[6]) + w2 * labrt_hi16(x[6]) +
                         w1 * labrt_lo16(x[7]) + w3 * labrt_hi16(x[7]));
    }
#endif
    if (len & 3u) {
        uint32_t even, odd;
        tail_weights(w, len, &even, &odd);    /* one weight group for four positions */
        a0 = labrt_smlad(odd, x[1], labrt_smlad(even, x[0], a0));
        a1 = labrt_smlad(odd, x[3], labrt_smlad(even, x[2], a1));
        a2 = labrt_smlad(odd, x[5], labrt_smlad(even, x[4], a2));
        a3 = labrt_smlad(odd, x[7], labrt_smlad(even, x[6], a3));
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

void labrt_opt_panel_channels(const int8_t *w, const uint32_t *panel, uint32_t len,
                              uint32_t first, uint32_t end, const labrt_tensor *bias,
                              const labrt_opt_output *out, int8_t *y, uint32_t y_step)
{
    uint32_t oc, acc[4];
    for (oc = first, w += (uint64_t)first * len; oc < end; oc++, w += len) {
        acc[0] = acc[1] = acc[2] = acc[3] = labrt_opt_bias(bias, oc);
        mm_1x4(w, panel, len, acc);
        if (out->flags == LABRT_OPT_FAST) {
            const labrt_opt_channel ch = labrt_opt_channel_of(out, oc);
            y[oc] = (int8_t)labrt_opt_requantize_fast((int32_t)acc[0], &ch);
            y[y_step + oc] = (int8_t)labrt_opt_requantize_fast((int32_t)acc[1], &ch);
            y[2 * y_step + oc] = (int8_t)labrt_opt_requantize_fast((int32_t)acc[2], &ch);
            y[3 * y_step + oc] = (int8_t)labrt_opt_requantize_fast((int32_t)acc[3], &ch);
        } else {
            labrt_opt_requantize(out, acc, oc, 0, 4, y + oc, y_step);
        }
    }
}

#if LABRT_OPT_ASM
/* One group of mm_4x1: rows 1 and 3 are read at a register offset (stride) from rows
 * 0 and 2; 21 instructions for 16 multiply-accumulates. */
#define MM_4X1_ROW(acc, address)                                                           \
    "ldr    %[v], " address "\n\t"                                                        \
    "sxtb16 %[t], %[v]\n\t"                                                               \
    "smlad  " acc ", %[t], %[xe], " acc "\n\t"                                            \
    "sxtb16 %[v], %[v], ror #8\n\t"                                                       \
    "smlad  " acc ", %[v], %[xo], " acc "\n\t"
#define MM_4X1_STEP                                                                        \
    "ldrd   %[xe], %[xo], [%[x]], #8\n\t"                                                 \
    MM_4X1_ROW("%[a1]", "[%[wa], %[st]]")                                                  \
    MM_4X1_ROW("%[a0]", "[%[wa]], #4")                                                     \
    MM_4X1_ROW("%[a3]", "[%[wb], %[st]]")                                                  \
    MM_4X1_ROW("%[a2]", "[%[wb]], #4")
#endif

void labrt_opt_mm_4x1(const int8_t *w, uint32_t stride, const uint32_t *x, uint32_t len,
                      const uint32_t bias[4], uint32_t acc[4])
{
    const int8_t *wa = w, *wb = w + 2 * stride;
    uint32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
    uint32_t n = len >> 2;
#if LABRT_OPT_ASM
    if (n > 0) {
        uint32_t xe, xo, v, t;
        __asm__("tst    %[n], #1\n\t"
                "beq    2f\n\t"
                MM_4X1_STEP
                "2:\n\t"
                "lsrs   %[n], %[n], #1\n\t"
                "beq    3f\n"
                "1:\n\t"
                MM_4X1_STEP
                MM_4X1_STEP
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
    for (; n > 0; n--, wa += 4, wb += 4, x += 2) {
        const uint32_t xe = x[0], xo = x[1];
        a0 = mac_word(labrt_opt_read32(wa), xe, xo, a0);
        a1 = mac_word(labrt_opt_read32(wa + stride), xe, xo, a1);
        a2 = mac_word(labrt_opt_read32(wb), xe, xo, a2);
        a3 = mac_word(labrt_opt_read32(wb + stride), xe, xo, a3);
    }
#endif
    if (len & 3u) {
        a0 = mac_tail(wa, len, x[0], x[1], a0);
        a1 = mac_tail(wa + stride, len, x[0], x[1], a1);
        a2 = mac_tail(wb, len, x[0], x[1], a2);
        a3 = mac_tail(wb + stride, len, x[0], x[1], a3);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

#if LABRT_OPT_ASM
/* One group of mm_4x1_raw: the inputs split (+ offset) by SXTAB16 on the way. */
#define MM_4X1_RAW_STEP                                                                    \
    "ldr     %[v], [%[x]], #4\n\t"                                                          \
    "sxtab16 %[xe], %[off], %[v]\n\t"                                                      \
    "sxtab16 %[xo], %[off], %[v], ror #8\n\t"                                              \
    MM_4X1_ROW("%[a1]", "[%[wa], %[st]]")                                                  \
    MM_4X1_ROW("%[a0]", "[%[wa]], #4")                                                     \
    MM_4X1_ROW("%[a3]", "[%[wb], %[st]]")                                                  \
    MM_4X1_ROW("%[a2]", "[%[wb]], #4")
#endif

void labrt_opt_mm_4x1_raw(const int8_t *w, uint32_t stride, const int8_t *x, uint32_t len,
                          uint32_t offset2, const uint32_t bias[4], uint32_t acc[4])
{
    const int8_t *wa = w, *wb = w + 2 * stride;
    uint32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3], xe, xo, v;
    uint32_t n = len >> 2;
#if LABRT_OPT_ASM
    if (n > 0) {
        uint32_t t;
        __asm__("tst     %[n], #1\n\t"
                "beq     2f\n\t"
                MM_4X1_RAW_STEP
                "2:\n\t"
                "lsrs    %[n], %[n], #1\n\t"
                "beq     3f\n"
                "1:\n\t"
                MM_4X1_RAW_STEP
                MM_4X1_RAW_STEP
                "subs    %[n], %[n], #1\n\t"
                "bne     1b\n"
                "3:"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x),
                  [wa] "+r"(wa), [wb] "+r"(wb), [n] "+r"(n), [xe] "=&r"(xe), [xo] "=&r"(xo),
                  [v] "=&r"(v), [t] "=&r"(t)
                : [st] "r"(stride), [off] "r"(offset2)
                : "cc", "memory");
    }
#else
    for (; n > 0; n--, wa += 4, wb += 4, x += 4) {
        v = labrt_opt_read32(x);
        xe = labrt_sxtab16(offset2, v);
        xo = labrt_sxtab16_ror8(offset2, v);
        a0 = mac_word(labrt_opt_read32(wa), xe, xo, a0);
        a1 = mac_word(labrt_opt_read32(wa + stride), xe, xo, a1);
        a2 = mac_word(labrt_opt_read32(wb), xe, xo, a2);
        a3 = mac_word(labrt_opt_read32(wb + stride), xe, xo, a3);
    }
#endif
    if (len & 3u) {
        v = labrt_opt_read_tail(x, len & 3u);
        xe = labrt_sxtab16(offset2, v);
        xo = labrt_sxtab16_ror8(offset2, v);
        a0 = mac_tail(wa, len, xe, xo, a0);
        a1 = mac_tail(wa + stride, len, xe, xo, a1);
        a2 = mac_tail(wb, len, xe, xo, a2);
        a3 = mac_tail(wb + stride, len, xe, xo, a3);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

void labrt_opt_mm_2x1_raw(const int8_t *w, uint32_t stride, const int8_t *x, uint32_t len,
                          uint32_t offset2, const uint32_t bias[2], uint32_t acc[2])
{
    const int8_t *w1 = w + stride;
    uint32_t a0 = bias[0], a1 = bias[1], n = len >> 2, v, even, odd, we, wo;
    for (; n > 0; n--, w += 4, w1 += 4, x += 4) {
        v = labrt_opt_read32(x);
        even = labrt_sxtab16(offset2, v);
        odd = labrt_sxtab16_ror8(offset2, v);
        v = labrt_opt_read32(w);
        a0 = labrt_smlad(labrt_sxtb16_ror8(v), odd, labrt_smlad(labrt_sxtb16(v), even, a0));
        v = labrt_opt_read32(w1);
        a1 = labrt_smlad(labrt_sxtb16_ror8(v), odd, labrt_smlad(labrt_sxtb16(v), even, a1));
    }
    if (len & 3u) {
        v = labrt_opt_read_tail(x, len & 3u);
        even = labrt_sxtab16(offset2, v);
        odd = labrt_sxtab16_ror8(offset2, v);
        tail_weights(w, len, &we, &wo);
        a0 = labrt_smlad(wo, odd, labrt_smlad(we, even, a0));
        tail_weights(w1, len, &we, &wo);
        a1 = labrt_smlad(wo, odd, labrt_smlad(we, even, a1));
    }
    acc[0] = a0;
    acc[1] = a1;
}

uint32_t labrt_opt_mm_1x1_raw(const int8_t *w, const int8_t *x, uint32_t len, uint32_t offset2,
                              uint32_t bias)
{
    uint32_t acc = bias, n = len >> 2, v, even, odd;
    for (; n > 0; n--, w += 4, x += 4) {
        v = labrt_opt_read32(x);
        even = labrt_sxtab16(offset2, v);
        odd = labrt_sxtab16_ror8(offset2, v);
        v = labrt_opt_read32(w);
        acc = labrt_smlad(labrt_sxtb16_ror8(v), odd, labrt_smlad(labrt_sxtb16(v), even, acc));
    }
    if (len & 3u) {
        uint32_t we, wo;
        v = labrt_opt_read_tail(x, len & 3u);
        tail_weights(w, len, &we, &wo);
        acc = labrt_smlad(wo, labrt_sxtab16_ror8(offset2, v),
                          labrt_smlad(we, labrt_sxtab16(offset2, v), acc));
    }
    return acc;
}

uint32_t labrt_opt_mm_1x1(const int8_t *w, const uint32_t *x, uint32_t len, uint32_t bias)
{
    uint32_t acc = bias, n = len >> 2, even, odd;
    for (; n > 0; n--, w += 4, x += 2) {
        const uint32_t v = labrt_opt_read32(w);
        acc = labrt_smlad(labrt_sxtb16_ror8(v), x[1], labrt_smlad(labrt_sxtb16(v), x[0], acc));
    }
    if (len & 3u) {
        tail_weights(w, len, &even, &odd);
        acc = labrt_smlad(odd, x[1], labrt_smlad(even, x[0], acc));
    }
    return acc;
}

#else
typedef int labrt_optimized_matmul_unused; /* LABRT_OPTIMIZED off: nothing to compile */
#endif
