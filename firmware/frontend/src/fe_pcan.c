/* PCAN (per-channel amplitude normalization) stage: each channel is multiplied by a
 * gain of (noise + offset)^-strength and compressed. The gain comes from a table
 * of quadratic pieces, one per power of two of the noise estimate. */
#include <math.h>
#include <string.h>

#include "fe_stages.h"

#define SNR_BITS 12
#define OUTPUT_BITS 6
#define INT16_LIMIT 32767

/* The exact gain for noise estimate x (Q input_bits), in Q gain_bits, float as TF does it. */
static int16_t exact_gain(const frontend_config *config, int input_bits, uint32_t x)
{
    const float noise = (float)x / (float)((uint32_t)1 << input_bits);
    const float gain = (float)((uint32_t)1 << config->gain_bits)
                       * powf(noise + config->pcan_offset, -config->pcan_strength);
    if (gain > (float)INT16_LIMIT)
        return INT16_LIMIT;
    return (int16_t)(gain + 0.5f);
}

/* Segment for [2^(i-1), 2^i): y0 at its start plus a1, a2 fitted through its middle and end. */
static void build_gain_lut(int16_t *lut, const frontend_config *config, int input_bits)
{
    memset(lut, 0, FRONTEND_PCAN_LUT_SIZE * sizeof *lut);
    lut[0] = exact_gain(config, input_bits, 0);
    lut[1] = exact_gain(config, input_bits, 1);
    for (int interval = 2; interval <= 32; ++interval) {
        const uint32_t x0 = (uint32_t)1 << (interval - 1);
        const uint32_t x1 = x0 + (x0 >> 1);
        const uint32_t x2 = interval == 32 ? x0 + (x0 - 1) : 2 * x0;
        const int16_t y0 = exact_gain(config, input_bits, x0);
        const int32_t diff1 = exact_gain(config, input_bits, x1) - y0;
        const int32_t diff2 = exact_gain(config, input_bits, x2) - y0;
        const int32_t a1 = 4 * diff1 - diff2;
        int16_t *segment = lut + 4 * interval - 6;
        segment[0] = y0;
        segment[1] = (int16_t)a1;
        segment[2] = (int16_t)(diff2 - a1);
    }
}

frontend_status fe_pcan_init(struct frontend_pcan *pcan, const frontend_config *config,
                             int input_correction_bits)
{
    const int input_bits = config->smoothing_bits - input_correction_bits;
    pcan->enabled = config->enable_pcan;
    pcan->snr_shift = config->gain_bits - input_correction_bits - SNR_BITS;
    if (!pcan->enabled)
        return FRONTEND_OK;
    if (input_bits < 0 || input_bits > 31 || config->gain_bits < 0 || config->gain_bits > 31
        || pcan->snr_shift < 0 || pcan->snr_shift > 63)
        return FRONTEND_ERR_ARGUMENT;
    build_gain_lut(pcan->gain_lut, config, input_bits);
    return FRONTEND_OK;
}

/* The table's quadratic at x: TF's WideDynamicFunction. */
static int16_t table_gain(const int16_t *lut, uint32_t x)
{
    if (x <= 2)
        return lut[x];
    const int interval = fe_bit_length32(x);
    const int16_t *segment = lut + 4 * interval - 6;
    const uint32_t top_bits = interval < 11 ? x << (11 - interval) : x >> (interval - 11);
    const int32_t frac = (int32_t)(top_bits & 0x3FF);     /* 10 bits below the leading one */
    int32_t result = ((int32_t)segment[2] * frac) >> 5;
    result += (int32_t)segment[1] * 32;
    result *= frac;
    result = (result + (1 << 14)) >> 15;
    return (int16_t)(result + segment[0]);
}

/* Squares small SNRs (expansion), shifts large ones down (compression). */
static uint32_t shrink(uint32_t snr)
{
    if (snr < (2u << SNR_BITS))
        return (snr * snr) >> (2 + 2 * SNR_BITS - OUTPUT_BITS);
    return (snr >> (SNR_BITS - OUTPUT_BITS)) - (1u << OUTPUT_BITS);
}

void fe_pcan_process(const struct frontend_pcan *pcan, const uint32_t *noise_estimate,
                     uint32_t *signal, int channels)
{
    for (int c = 0; c < channels; ++c) {
        const uint32_t gain = (uint32_t)table_gain(pcan->gain_lut, noise_estimate[c]);
        const uint32_t snr = (uint32_t)(((uint64_t)signal[c] * gain) >> pcan->snr_shift);
        signal[c] = shrink(snr);
    }
}
