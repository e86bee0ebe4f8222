/* Log stage: fixed-point natural log of each channel, scaled by 2^scale_shift / 2^16.
 *
 * log2(x) = integer part (bit length - 1) + fraction; the fraction f in [0, 1) is
 * corrected by a 128-segment table of log2(1 + f) - f, interpolated linearly.
 * Then ln = log2 * ln(2), all in Q16. */
#include <math.h>

#include "fe_stages.h"

#define LOG_SCALE_BITS 16
#define LOG_SEGMENT_BITS 7
#define LOG_SEGMENTS (1 << LOG_SEGMENT_BITS)
#define UINT16_LIMIT 0xFFFF

#define LN2_Q16 45426u      /* round(ln(2) * 2^16), TF's kLogCoeff */

/* Entry i = round(2^16 * (log2(1 + i/128) - i/128)): this reproduces all 129 values of
 * TF's kLogLut (checked; the closest one is 0.0015 away from a rounding boundary, so
 * any libm's log2 gives the same table). The last entry is padding. */
static void build_log_lut(uint16_t *lut)
{
    for (int i = 0; i <= LOG_SEGMENTS; ++i) {
        const double f = (double)i / LOG_SEGMENTS;
        lut[i] = (uint16_t)floor((1 << LOG_SCALE_BITS) * (log2(1.0 + f) - f) + 0.5);
    }
    lut[LOG_SEGMENTS + 1] = 0;
}

frontend_status fe_log_scale_init(struct frontend_log_scale *log, const frontend_config *config)
{
    if (config->scale_shift < 0 || config->scale_shift > 15)
        return FRONTEND_ERR_ARGUMENT;
    log->enabled = config->enable_log;
    log->scale_shift = config->scale_shift;
    build_log_lut(log->lut);
    return FRONTEND_OK;
}

/* Q16 fraction of log2(x), given its integer part. */
static uint32_t log2_fraction(const uint16_t *lut, uint32_t x, int integer_part)
{
    int32_t frac = (int32_t)(x - ((uint32_t)1 << integer_part));
    if (integer_part < LOG_SCALE_BITS)
        frac <<= LOG_SCALE_BITS - integer_part;
    else
        frac >>= integer_part - LOG_SCALE_BITS;
    const int32_t segment = frac >> (LOG_SCALE_BITS - LOG_SEGMENT_BITS);
    const int32_t c0 = lut[segment];
    const int32_t c1 = lut[segment + 1];
    const int32_t segment_start = segment << (LOG_SCALE_BITS - LOG_SEGMENT_BITS);
    const int32_t correction = ((c1 - c0) * (frac - segment_start)) >> LOG_SCALE_BITS;
    return (uint32_t)(frac + c0 + correction);
}

static uint32_t scaled_log(const uint16_t *lut, uint32_t x, int scale_shift)
{
    const int integer_part = fe_bit_length32(x) - 1;
    const uint32_t log2_q16 = ((uint32_t)integer_part << LOG_SCALE_BITS)
                              + log2_fraction(lut, x, integer_part);
    const uint32_t round = 1u << (LOG_SCALE_BITS - 1);
    const uint32_t ln_q16 = (uint32_t)(((uint64_t)LN2_Q16 * log2_q16 + round) >> LOG_SCALE_BITS);
    return ((ln_q16 << scale_shift) + round) >> LOG_SCALE_BITS;
}

void fe_log_scale_process(const struct frontend_log_scale *log, const uint32_t *signal,
                          int channels, int correction_bits, uint16_t *out)
{
    for (int c = 0; c < channels; ++c) {
        uint32_t value = signal[c];
        if (log->enabled) {
            value = correction_bits < 0 ? value >> -correction_bits : value << correction_bits;
            value = value > 1 ? scaled_log(log->lut, value, log->scale_shift) : 0;
        }
        out[c] = (uint16_t)(value < UINT16_LIMIT ? value : UINT16_LIMIT);
    }
}
