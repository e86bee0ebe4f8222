/* Shared by the optimized int8 kernels (kernels/optimized/, built with
 * LABRT_OPTIMIZED=1): DSP primitives, the requantization step, input expansion and
 * the matrix kernels. Sums wrap modulo 2^32 exactly as the reference kernels' int32
 * results do, so every kernel built on them gives the reference's bytes.
 *
 * On a core with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33 with DSP)
 * the primitives are single instructions (SXTB16, SXTAB16, SMLAD, SMLABB, SMMLAR);
 * elsewhere (the host, ARMv6-M Cortex-M0/M0+, Cortex-M3) they are C with the same
 * results, so the host tests check the same algorithm the firmware runs. */
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

/* ---- DSP primitives: a word as two int16 halves (lo, hi) ---- */

#if LABRT_OPT_DSP
/* {sext(byte0), sext(byte2)} */
static inline uint32_t labrt_sxtb16(uint32_t v)
{
    return (uint32_t)__builtin_arm_sxtb16((int32_t)v);
}

/* {sext(byte1), sext(byte3)} */
static inline uint32_t labrt_sxtb16_ror8(uint32_t v)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* {a.lo + sext(byte0), a.hi + sext(byte2)}, each half modulo 2^16 */
static inline uint32_t labrt_sxtab16(uint32_t a, uint32_t v)
{
    return (uint32_t)__builtin_arm_sxtab16((int32_t)a, (int32_t)v);
}

static inline uint32_t labrt_sxtab16_ror8(uint32_t a, uint32_t v)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
    return r;
}

/* acc + a.lo * b.lo + a.hi * b.hi, modulo 2^32 (SMLAD only sets the Q flag) */
static inline uint32_t labrt_smlad(uint32_t a, uint32_t b, uint32_t acc)
{
    return (uint32_t)__builtin_arm_smlad((int32_t)a, (int32_t)b, (int32_t)acc);
}

/* acc + a.lo * b.lo, and acc + a.hi * b.hi */
static inline uint32_t labrt_smlabb(uint32_t a, uint32_t b, uint32_t acc)
{
    return (uint32_t)__builtin_arm_smlabb((int32_t)a, (int32_t)b, (int32_t)acc);
}

static inline uint32_t labrt_smlatt(uint32_t a, uint32_t b, uint32_t acc)
{
    return (uint32_t)__builtin_arm_smlatt((int32_t)a, (int32_t)b, (int32_t)acc);
}

/* acc + (a * b + 2^31) / 2^32 rounded down: the high word of a rounded 64-bit product */
static inline int32_t labrt_smmlar(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
#else
static inline uint32_t labrt_halves(int32_t lo, int32_t hi)
{
    return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
}

static inline int32_t labrt_lo16(uint32_t v) { return (int16_t)(v & 0xFFFFu); }
static inline int32_t labrt_hi16(uint32_t v) { return (int16_t)(v >> 16); }

static inline uint32_t labrt_sxtb16(uint32_t v)
{
    return labrt_halves((int8_t)(v & 0xFFu), (int8_t)((v >> 16) & 0xFFu));
}

static inline uint32_t labrt_sxtb16_ror8(uint32_t v)
{
    return labrt_sxtb16(v >> 8);
}

static inline uint32_t labrt_sxtab16(uint32_t a, uint32_t v)
{
    const uint32_t x = labrt_sxtb16(v);
    return labrt_halves(labrt_lo16(a) + labrt_lo16(x), labrt_hi16(a) + labrt_hi16(x));
}

static inline uint32_t labrt_sxtab16_ror8(uint32_t a, uint32_t v)
{
    return labrt_sxtab16(a, v >> 8);
}

static inline uint32_t labrt_smlad(uint32_t a, uint32_t b, uint32_t acc)
{
    return acc + (uint32_t)(labrt_lo16(a) * labrt_lo16(b)) +
           (uint32_t)(labrt_hi16(a) * labrt_hi16(b));
}

static inline uint32_t labrt_smlabb(uint32_t a, uint32_t b, uint32_t acc)
{
    return acc + (uint32_t)(labrt_lo16(a) * labrt_lo16(b));
}

static inline uint32_t labrt_smlatt(uint32_t a, uint32_t b, uint32_t acc)
{
    return acc + (uint32_t)(labrt_hi16(a) * labrt_hi16(b));
}

static inline int32_t labrt_smmlar(int32_t a, int32_t b, int32_t acc)
{
    const int64_t product = (int64_t)a * b + ((int64_t)1 << 31);
    return (int32_t)((uint32_t)acc + (uint32_t)(int32_t)(product >> 32));
}
#endif

/* x clamped to [-128, 127] (SSAT where the core has it). */
static inline int32_t labrt_sat8(int32_t x)
{
#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
    return __builtin_arm_ssat(x, 8);
#else
    return x < -128 ? -128 : x > 127 ? 127 : x;
#endif
}

/* ---- memory ---- */

/* Unaligned 32-bit load and store: one LDR/STR on Cortex-M3/M4/M7 and the host
 * (byte accesses on ARMv6-M, which has no unaligned access). */
#if defined(__ARM_ARCH_6M__)
/* gcc turns a 4-byte memcpy into a call to memcpy here: assemble the bytes instead. */
static inline uint32_t labrt_opt_read32(const int8_t *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline void labrt_opt_write32(int8_t *p, uint32_t v)
{
    p[0] = (int8_t)v;
    p[1] = (int8_t)(v >> 8);
    p[2] = (int8_t)(v >> 16);
    p[3] = (int8_t)(v >> 24);
}
#else
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
#endif

/* The first n < 4 bytes at p in a word, the rest zero (reads no byte past p + n). */
static inline uint32_t labrt_opt_read_tail(const int8_t *p, uint32_t n)
{
    uint32_t v = 0;
    switch (n) {
    case 3: v |= (uint32_t)(uint8_t)p[2] << 16; /* fall through */
    case 2: v |= (uint32_t)(uint8_t)p[1] << 8;  /* fall through */
    case 1: v |= (uint32_t)(uint8_t)p[0];       /* fall through */
    default: break;
    }
    return v;
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

/* ---- requantization ---- */

/* Where int8 outputs go: the reference kernels' last step, MBQM with the channel's
 * multiplier and shift, plus the output zero point (int32 wrap-around, as
 * labrt_wrap_add), clamped to the activation range. The multipliers (int32) and
 * shifts (int8) live in the op's data: 5 bytes a channel, where the reference
 * kernels keep 8. */
enum { LABRT_OPT_FAST = 1, LABRT_OPT_NARROW = 2 };

typedef struct {
    const int32_t *multipliers;
    const int8_t *shifts;
    int32_t zero_point;
    int8_t min, max;
    uint8_t step;              /* 1: one multiplier per channel, 0: one for all */
    uint8_t flags;             /* FAST: labrt_opt_requantize_fast gives MBQM's result;
                                  NARROW: the activation range is narrower than int8 */
} labrt_opt_output;

/* Bytes of per-op data for the multipliers and shifts of `count` channels. */
static inline uint64_t labrt_opt_channel_bytes(uint32_t count)
{
    return (uint64_t)count * 4u + (((uint64_t)count + 3u) & ~(uint64_t)3u);
}

/* Prepare: out for output 0, with the activation of options field activation_field,
 * its multipliers and shifts for `count` channels in `storage`
 * (labrt_opt_channel_bytes) with their step, computed as the reference kernels do:
 * (double)s_in * s_filter[c] / s_out per channel (step 1), or the given `real` for
 * all (step 0). FAST is off until labrt_opt_check_fast. */
labrt_status labrt_opt_output_init(labrt_prepare_ctx *ctx, labrt_opt_output *out,
                                   unsigned activation_field, void *storage, uint32_t count,
                                   uint32_t step, double real);

/* Prepare: sets FAST when every channel's shift is in [-21, -1], the zero points are
 * int8 values, and every sum of the op stays below 2^30 in magnitude:
 * |bias[c]| + 255 * sum(|w|) < 2^30 for each of the `channels` channels, whose `len`
 * weights are filter[c * c_step + t * t_step] (|x - zero point| <= 255). */
void labrt_opt_check_fast(labrt_opt_output *out, int32_t input_zero_point,
                          const labrt_tensor *filter, const labrt_tensor *bias,
                          uint32_t channels, uint32_t c_step, uint32_t t_step, uint32_t len);

/* MBQM, zero point and clamp in five instructions: for |acc| < 2^30 the doubling
 * high multiply SRDHM(acc, m) is SMMULR(2 acc, m) exactly; the rounding right shift
 * by e >= 1 (round half away from zero) is (R + 2^(e-1) - (R < 0)) >> e, where
 * R < 0 may be read off acc's sign (acc < 0 with R = 0 gives 0 either way); and
 * 2^(e-1) plus the zero point times 2^e ride along in SMMLAR's accumulator (for
 * e <= 21 nothing overflows). */
typedef struct {
    int32_t multiplier, rounding, shift;   /* m, 2^(e-1) + zero_point * 2^e, e */
} labrt_opt_channel;

static inline labrt_opt_channel labrt_opt_channel_of(const labrt_opt_output *out, uint32_t c)
{
    labrt_opt_channel ch;
    const int32_t e = -out->shifts[c * out->step];
    ch.multiplier = out->multipliers[c * out->step];
    ch.shift = e;
    ch.rounding = (int32_t)((1u << (e - 1)) + ((uint32_t)out->zero_point << e));
    return ch;
}

static inline int32_t labrt_opt_requantize_fast(int32_t acc, const labrt_opt_channel *ch)
{
    const int32_t doubled = (int32_t)((uint32_t)acc << 1);
    const int32_t r = labrt_smmlar(doubled, ch->multiplier, ch->rounding) + (doubled >> 31);
    return labrt_sat8(r >> ch->shift);
}

/* The activation clamp on top (only when NARROW). */
static inline int8_t labrt_opt_activate(const labrt_opt_output *out, int32_t v)
{
    return (int8_t)(v < out->min ? out->min : v > out->max ? out->max : v);
}

/* y[i * y_step] from acc[i] for channels c .. c+n-1 (c_step 1), or for n outputs of
 * the one channel c (c_step 0); fast or exact, as out says. */
void labrt_opt_requantize(const labrt_opt_output *out, const uint32_t *acc, uint32_t c,
                          uint32_t c_step, uint32_t n, int8_t *y, uint32_t y_step);

/* ---- expanded inputs and matrix kernels ----
 *
 * An expanded vector holds int8 values plus an offset (minus the input zero point,
 * so |x + offset| <= 255) as int16 pairs, four values per group: {x0, x2} then
 * {x1, x3}, the order in which SXTB16 splits a word of weights, so one SMLAD takes
 * two products. The last group is zero-padded. A panel holds four such vectors
 * interleaved (group g of vector p at words 8g + 2p), so the kernel that reads it
 * loads all four with two LDMs. */

/* Expands len bytes of src (+ offset in both halves of offset2) into dst, one group
 * every step words (2: a vector of its own, 8: a panel slot). */
void labrt_opt_expand(uint32_t *dst, uint32_t step, const int8_t *src, uint32_t len,
                      uint32_t offset2);

/* offset in both int16 halves of a word */
static inline uint32_t labrt_opt_offset2(int32_t offset)
{
    return ((uint32_t)offset & 0xFFFFu) * 0x10001u;
}

/* Output channels first .. end-1 (weights: rows of len from w) for the four vectors
 * of a panel, requantized: channel oc of vector p at y[p * y_step + oc]. */
void labrt_opt_panel_channels(const int8_t *w, const uint32_t *panel, uint32_t len,
                              uint32_t first, uint32_t end, const labrt_tensor *bias,
                              const labrt_opt_output *out, int8_t *y, uint32_t y_step);
/* acc[r] = bias[r] + sum over k < len of w[r * stride + k] * x[k], rows r = 0..3, for
 * one expanded vector x. */
void labrt_opt_mm_4x1(const int8_t *w, uint32_t stride, const uint32_t *x, uint32_t len,
                      const uint32_t bias[4], uint32_t acc[4]);
/* bias + sum over k < len of w[k] * x[k] */
uint32_t labrt_opt_mm_1x1(const int8_t *w, const uint32_t *x, uint32_t len, uint32_t bias);
/* The same on an int8 vector x, offset2 added to each value on the way (four, two or
 * one rows). */
void labrt_opt_mm_4x1_raw(const int8_t *w, uint32_t stride, const int8_t *x, uint32_t len,
                          uint32_t offset2, const uint32_t bias[4], uint32_t acc[4]);
void labrt_opt_mm_2x1_raw(const int8_t *w, uint32_t stride, const int8_t *x, uint32_t len,
                          uint32_t offset2, const uint32_t bias[2], uint32_t acc[2]);
uint32_t labrt_opt_mm_1x1_raw(const int8_t *w, const int8_t *x, uint32_t len, uint32_t offset2,
                              uint32_t bias);

/* Bytes of an expanded vector of len values (whole groups). */
static inline uint32_t labrt_opt_expanded_bytes(uint32_t len)
{
    return (len + 3u) / 4u * 8u;
}

/* ---- geometry ---- */

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

/* Whether a kernel can take its fast path: int8 activations with constant weights
 * and bias. Anything else (float, or weights computed at run time) runs the
 * reference kernel. */
static inline int labrt_opt_constant_int8(const labrt_tensor *input, const labrt_tensor *filter,
                                          const labrt_tensor *bias)
{
    return input->type == LABRT_INT8 && (filter->flags & LABRT_TENSOR_CONSTANT) &&
           filter->data != 0 && (!bias || (bias->flags & LABRT_TENSOR_CONSTANT));
}

/* The bias of channel c, 0 when the op has none. */
static inline uint32_t labrt_opt_bias(const labrt_tensor *bias, uint32_t c)
{
    return bias ? (uint32_t)((const int32_t *)bias->data)[c] : 0;
}

#endif
