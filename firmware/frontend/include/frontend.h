/* The micro_speech audio front end: 16-bit audio in, one frame of log filterbank
 * energies out per window step.
 *
 * It computes exactly what TensorFlow's audio_microfrontend_op (TFLite Micro's
 * "microfrontend") computes, byte for byte: Hann window, 16-bit fixed-point real
 * FFT with kiss_fft's arithmetic, mel filterbank, noise reduction, PCAN gain
 * control and a fixed-point log. C99, no heap; the caller owns the state.
 *
 *     static frontend_state fe;
 *     frontend_config cfg = frontend_micro_speech_config();
 *     if (frontend_init(&fe, &cfg) != FRONTEND_OK) ...;
 *     while (count > 0) {                      // any number of samples per call
 *         size_t used;
 *         const uint16_t *frame = frontend_process_samples(&fe, samples, count, &used);
 *         samples += used; count -= used;
 *         if (frame) ...                       // fe.num_channels values
 *     }
 *     frontend_reset(&fe);                     // start a new stream
 *
 * Build note: init does its table arithmetic in float and double exactly as
 * TensorFlow does; keep ISO C mode (-std=c99/c11) or -ffp-contract=off so the
 * compiler does not fuse multiply-adds. Tables are then identical on the host
 * (glibc) and the board (newlib).
 */
#ifndef FRONTEND_H
#define FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed maxima that size the state; micro_speech needs 480 samples -> FFT 512, 40 channels. */
#ifndef FRONTEND_MAX_FFT_SIZE
#define FRONTEND_MAX_FFT_SIZE 512     /* so the window is at most 512 samples */
#endif
#ifndef FRONTEND_MAX_CHANNELS
#define FRONTEND_MAX_CHANNELS 40
#endif
#define FRONTEND_MAX_BINS (FRONTEND_MAX_FFT_SIZE / 2 + 1)
#define FRONTEND_PCAN_LUT_SIZE 125    /* 4 entries per power of two of a 32-bit input, minus 3 */
#define FRONTEND_LOG_LUT_SIZE 130     /* 128 segments + end point + padding */

typedef enum {
    FRONTEND_OK = 0,
    FRONTEND_ERR_ARGUMENT,      /* NULL pointer or a zero/negative parameter */
    FRONTEND_ERR_WINDOW,        /* window longer than FRONTEND_MAX_FFT_SIZE or step > window */
    FRONTEND_ERR_CHANNELS,      /* more than FRONTEND_MAX_CHANNELS channels */
    FRONTEND_ERR_BANDS          /* band limits outside 0 .. sample_rate / 2 */
} frontend_status;

/* The op's attributes, in its units. */
typedef struct {
    int sample_rate;            /* Hz */
    int window_size_ms;
    int window_step_ms;
    int num_channels;
    float lower_band_limit;     /* Hz */
    float upper_band_limit;     /* Hz */
    int smoothing_bits;
    float even_smoothing;
    float odd_smoothing;
    float min_signal_remaining;
    int enable_pcan;
    float pcan_strength;
    float pcan_offset;
    int gain_bits;
    int enable_log;
    int scale_shift;
} frontend_config;

typedef struct {
    int16_t r, i;
} frontend_complex16;

struct frontend_window {
    int size, step;                         /* samples */
    int used;                               /* samples buffered in input */
    int16_t coefficients[FRONTEND_MAX_FFT_SIZE];
    int16_t input[FRONTEND_MAX_FFT_SIZE];
};

struct frontend_fft {
    int size;                               /* real FFT length, a power of two */
    uint8_t radices[8];                     /* complex FFT stages (4s, then maybe a 2) */
    int stages;
    frontend_complex16 twiddles[FRONTEND_MAX_FFT_SIZE / 2];
    frontend_complex16 super_twiddles[FRONTEND_MAX_FFT_SIZE / 4];
    union {                                 /* real samples, read as complex pairs */
        int16_t real[FRONTEND_MAX_FFT_SIZE];
        frontend_complex16 pairs[FRONTEND_MAX_FFT_SIZE / 2];
    } input;
    frontend_complex16 half_spectrum[FRONTEND_MAX_FFT_SIZE / 2];
    frontend_complex16 spectrum[FRONTEND_MAX_BINS];
};

struct frontend_filterbank {
    int num_channels;
    /* num_channels + 1 bands; band b covers bins band_start[b] .. band_start[b + 1] - 1.
     * Channel c = unweighted sum over band c + weighted sum over band c + 1. */
    int16_t band_start[FRONTEND_MAX_CHANNELS + 2];
    int16_t weights[FRONTEND_MAX_BINS];
    int16_t unweights[FRONTEND_MAX_BINS];
};

struct frontend_noise_reduction {
    int smoothing_bits;
    uint16_t even_smoothing, odd_smoothing, min_signal_remaining;   /* Q14 */
    uint32_t estimate[FRONTEND_MAX_CHANNELS];
};

struct frontend_pcan {
    int enabled;
    int snr_shift;
    int16_t gain_lut[FRONTEND_PCAN_LUT_SIZE];
};

struct frontend_log_scale {
    int enabled;
    int scale_shift;
    uint16_t lut[FRONTEND_LOG_LUT_SIZE];
};

typedef struct {
    int num_channels;
    struct frontend_window window;
    struct frontend_fft fft;
    struct frontend_filterbank filterbank;
    struct frontend_noise_reduction noise;
    struct frontend_pcan pcan;
    struct frontend_log_scale log;
    uint32_t signal[FRONTEND_MAX_CHANNELS];     /* the frame between stages */
    uint16_t features[FRONTEND_MAX_CHANNELS];   /* the last frame produced */
} frontend_state;

/* TFLite Micro micro_speech's settings: 16 kHz, 30 ms window, 20 ms step, 40 channels. */
frontend_config frontend_micro_speech_config(void);

/* Builds all tables (window, twiddles, filterbank weights, PCAN and log LUTs) and resets. */
frontend_status frontend_init(frontend_state *state, const frontend_config *config);

/* Forgets all audio: empties the window and zeroes the noise estimate. */
void frontend_reset(frontend_state *state);

/* Takes samples until a frame completes or `count` runs out; *consumed says how many.
 * Returns the frame (state->num_channels values, valid until the next call) or NULL. */
const uint16_t *frontend_process_samples(frontend_state *state, const int16_t *samples,
                                         size_t count, size_t *consumed);

/* sizeof(frontend_state), for hosts that allocate it without this header. */
size_t frontend_state_size(void);

/* A feature as an int8 model input with (scale, zero_point): the float input is
 * feature / 25.6 (float32), q = round(input / scale) + zero_point, rounded half away
 * from zero as TFLite's quantize does, clamped to -128..127. */
int8_t frontend_feature_to_int8(uint16_t feature, float scale, int32_t zero_point);

/* TFLite Micro micro_speech's own conversion: (feature * 256 + 333) / 666 - 128, clamped. */
int8_t frontend_feature_to_int8_classic(uint16_t feature);

#ifdef __cplusplus
}
#endif

#endif /* FRONTEND_H */
