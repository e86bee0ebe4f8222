/* Filterbank stage: power spectrum -> num_channels mel-spaced triangular bands.
 *
 * num_channels + 1 mel-equidistant centre frequencies split the bins into
 * num_channels + 1 bands. Each bin has a Q12 weight (rising towards its band's
 * centre) and an unweight (1 - weight). Channel c collects the weighted energies of
 * band c + 1 and the unweighted energies of band c, then takes a square root. */
#include <math.h>

#include "fe_stages.h"

/* Float in, float out, double inside, as TensorFlow's FreqToMel. */
static float freq_to_mel(float freq)
{
    return (float)(1127.0 * log1p(freq / 700.0));
}

/* The float product is stored before the add so no compiler fuses them into an FMA. */
static float center_mel(float mel_low, float mel_spacing, int band)
{
    volatile float offset = mel_spacing * (float)(band + 1);
    return mel_low + offset;
}

static void quantize_weight(float weight, int16_t *weight_q12, int16_t *unweight_q12)
{
    *weight_q12 = (int16_t)floor(weight * (float)(1 << FE_FILTERBANK_BITS) + 0.5);
    *unweight_q12 = (int16_t)floor((1.0 - weight) * (1 << FE_FILTERBANK_BITS) + 0.5);
}

frontend_status fe_filterbank_init(struct frontend_filterbank *fb, const frontend_config *config,
                                   int spectrum_size)
{
    const int bands = config->num_channels + 1;
    const float mel_low = freq_to_mel(config->lower_band_limit);
    const float mel_spacing = (freq_to_mel(config->upper_band_limit) - mel_low) / (float)bands;
    const float hz_per_bin = (float)(0.5 * config->sample_rate / ((float)spectrum_size - 1));
    int bin = (int)(1.5 + config->lower_band_limit / hz_per_bin);    /* always skips DC */

    if (config->lower_band_limit < 0.0f || config->upper_band_limit <= config->lower_band_limit)
        return FRONTEND_ERR_BANDS;
    fb->num_channels = config->num_channels;
    for (int band = 0; band < bands; ++band) {
        const float center = center_mel(mel_low, mel_spacing, band);
        const float previous = band == 0 ? mel_low : center_mel(mel_low, mel_spacing, band - 1);
        fb->band_start[band] = (int16_t)bin;
        for (; freq_to_mel((float)bin * hz_per_bin) <= center; ++bin) {
            if (bin >= spectrum_size - 1)       /* the band would end past Nyquist */
                return FRONTEND_ERR_BANDS;
            const float mel = freq_to_mel((float)bin * hz_per_bin);
            const float weight = (center - mel) / (center - previous);
            quantize_weight(weight, &fb->weights[bin], &fb->unweights[bin]);
        }
    }
    fb->band_start[bands] = (int16_t)bin;
    return FRONTEND_OK;
}

/* Rounded integer square root, bit by bit, exactly as the microfrontend's Sqrt32/Sqrt64:
 * a value below 2^32 takes the 32-bit path, whose result saturates at 0xFFFF. */
static uint32_t rounded_sqrt(uint64_t num)
{
    if (num == 0)
        return 0;
    const int wide = (num >> 32) != 0;
    const int top = wide ? 63 : 31;
    const uint64_t limit = wide ? 0xFFFFFFFFu : 0xFFFFu;
    const int odd_leading_zeros = ((top + 1) - fe_bit_length64(num)) | 1;
    uint64_t bit = (uint64_t)1 << (top - odd_leading_zeros);
    uint64_t res = 0;
    for (int iterations = (top - odd_leading_zeros) / 2 + 1; iterations > 0; --iterations) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != limit)
        ++res;
    return (uint32_t)res;
}

/* |X|^2 as TF stores it: an int32 that a uint64 accumulator then sign-extends. */
static int32_t bin_energy(frontend_complex16 x)
{
    return (int32_t)((uint32_t)((int32_t)x.r * x.r) + (uint32_t)((int32_t)x.i * x.i));
}

void fe_filterbank_process(const struct frontend_filterbank *fb,
                           const frontend_complex16 *spectrum, int input_shift, uint32_t *out)
{
    uint64_t previous_unweighted = 0;
    for (int band = 0; band <= fb->num_channels; ++band) {
        uint64_t weighted = 0, unweighted = 0;
        for (int bin = fb->band_start[band]; bin < fb->band_start[band + 1]; ++bin) {
            const uint64_t energy = (uint64_t)bin_energy(spectrum[bin]);
            weighted += (uint64_t)fb->weights[bin] * energy;
            unweighted += (uint64_t)fb->unweights[bin] * energy;
        }
        if (band > 0)
            out[band - 1] = rounded_sqrt(weighted + previous_unweighted) >> input_shift;
        previous_unweighted = unweighted;
    }
}
