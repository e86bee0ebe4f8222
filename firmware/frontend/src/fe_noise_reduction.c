/* Noise reduction stage: a per-channel low-pass noise estimate (Q14 smoothing, faster
 * on odd channels) is subtracted from the signal, keeping at least a floor of it. */
#include <string.h>

#include "fe_stages.h"

#define NOISE_REDUCTION_BITS 14

static uint16_t to_q14(float fraction)      /* truncates, as TF's float -> uint16 */
{
    return (uint16_t)(fraction * (float)(1 << NOISE_REDUCTION_BITS));
}

frontend_status fe_noise_reduction_init(struct frontend_noise_reduction *nr,
                                        const frontend_config *config)
{
    if (config->smoothing_bits < 0 || config->smoothing_bits > 31)
        return FRONTEND_ERR_ARGUMENT;
    nr->smoothing_bits = config->smoothing_bits;
    nr->even_smoothing = to_q14(config->even_smoothing);
    nr->odd_smoothing = to_q14(config->odd_smoothing);
    nr->min_signal_remaining = to_q14(config->min_signal_remaining);
    fe_noise_reduction_reset(nr);
    return FRONTEND_OK;
}

void fe_noise_reduction_reset(struct frontend_noise_reduction *nr)
{
    memset(nr->estimate, 0, sizeof nr->estimate);
}

void fe_noise_reduction_process(struct frontend_noise_reduction *nr, uint32_t *signal, int channels)
{
    for (int c = 0; c < channels; ++c) {
        const uint32_t smoothing = (c & 1) ? nr->odd_smoothing : nr->even_smoothing;
        const uint32_t keep = (1u << NOISE_REDUCTION_BITS) - smoothing;
        const uint32_t scaled = signal[c] << nr->smoothing_bits;
        const uint64_t blended = (uint64_t)scaled * smoothing + (uint64_t)nr->estimate[c] * keep;
        uint32_t estimate = (uint32_t)(blended >> NOISE_REDUCTION_BITS);
        nr->estimate[c] = estimate;
        if (estimate > scaled)          /* subtract at most the whole signal */
            estimate = scaled;
        const uint32_t minimum = (uint32_t)(((uint64_t)signal[c] * nr->min_signal_remaining)
                                            >> NOISE_REDUCTION_BITS);
        const uint32_t subtracted = (scaled - estimate) >> nr->smoothing_bits;
        signal[c] = subtracted > minimum ? subtracted : minimum;
    }
}
