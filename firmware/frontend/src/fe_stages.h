/* The front end's stages, one file each, in the order a frame passes through them. */
#ifndef FE_STAGES_H
#define FE_STAGES_H

#include "frontend.h"

#define FE_FILTERBANK_BITS 12   /* Q of the filterbank weights */

/* Number of bits needed to hold x (0 for 0): the microfrontend's MostSignificantBit. */
static inline int fe_bit_length32(uint32_t x)
{
#if defined(__GNUC__)
    return x ? 32 - __builtin_clz(x) : 0;
#else
    int bits = 0;
    while (x) { ++bits; x >>= 1; }
    return bits;
#endif
}

static inline int fe_bit_length64(uint64_t x)
{
    uint32_t high = (uint32_t)(x >> 32);
    return high ? 32 + fe_bit_length32(high) : fe_bit_length32((uint32_t)x);
}

/* fe_window.c: Hann window in Q12, sample buffering, frame shift. */
frontend_status fe_window_init(struct frontend_window *w, const frontend_config *config);
void fe_window_reset(struct frontend_window *w);
/* Buffers samples; once a full window is held, writes it windowed to `out`, slides
 * the buffer by one step and returns 1 with the largest |output| in *max_abs. */
int fe_window_process(struct frontend_window *w, const int16_t *samples, size_t count,
                      size_t *consumed, int16_t *out, int16_t *max_abs);

/* fe_fft.c: kiss_fft's 16-bit fixed-point real FFT. */
frontend_status fe_fft_init(struct frontend_fft *fft, int input_size);
/* FFT of fft->input.real[0 .. input_size - 1], first shifted left by input_shift, the
 * rest zero-padded; fills fft->spectrum[0 .. size / 2]. */
void fe_fft_compute(struct frontend_fft *fft, int input_size, int input_shift);

/* fe_filterbank.c: mel-spaced triangular bands over the power spectrum. */
frontend_status fe_filterbank_init(struct frontend_filterbank *fb, const frontend_config *config,
                                   int spectrum_size);
/* Square roots of the channel energies, shifted down by the FFT's input shift. */
void fe_filterbank_process(const struct frontend_filterbank *fb,
                           const frontend_complex16 *spectrum, int input_shift, uint32_t *out);

/* fe_noise_reduction.c: subtracts a running per-channel noise estimate. */
frontend_status fe_noise_reduction_init(struct frontend_noise_reduction *nr,
                                        const frontend_config *config);
void fe_noise_reduction_reset(struct frontend_noise_reduction *nr);
void fe_noise_reduction_process(struct frontend_noise_reduction *nr, uint32_t *signal,
                                int channels);

/* fe_pcan.c: per-channel energy normalization (PCAN) driven by the noise estimate. */
frontend_status fe_pcan_init(struct frontend_pcan *pcan, const frontend_config *config,
                             int input_correction_bits);
void fe_pcan_process(const struct frontend_pcan *pcan, const uint32_t *noise_estimate,
                     uint32_t *signal, int channels);

/* fe_log_scale.c: fixed-point natural log, scaled to uint16. */
frontend_status fe_log_scale_init(struct frontend_log_scale *log, const frontend_config *config);
void fe_log_scale_process(const struct frontend_log_scale *log, const uint32_t *signal,
                          int channels, int correction_bits, uint16_t *out);

#endif /* FE_STAGES_H */
