/* The front end's pipeline: window -> FFT -> filterbank -> noise reduction -> PCAN -> log. */
#include <string.h>

#include "fe_stages.h"

frontend_config frontend_micro_speech_config(void)
{
    frontend_config config = {
        .sample_rate = 16000, .window_size_ms = 30, .window_step_ms = 20, .num_channels = 40,
        .lower_band_limit = 125.0f, .upper_band_limit = 7500.0f,
        .smoothing_bits = 10, .even_smoothing = 0.025f, .odd_smoothing = 0.06f,
        .min_signal_remaining = 0.05f,
        .enable_pcan = 1, .pcan_strength = 0.95f, .pcan_offset = 80.0f, .gain_bits = 21,
        .enable_log = 1, .scale_shift = 6,
    };
    return config;
}

/* Bits the FFT's size adds to the filterbank output, less the Q12 weights' half under
 * the square root: PCAN's input and the log's input are corrected by this much. */
static int correction_bits(const frontend_state *state)
{
    return fe_bit_length32((uint32_t)state->fft.size) - 1 - FE_FILTERBANK_BITS / 2;
}

frontend_status frontend_init(frontend_state *state, const frontend_config *config)
{
    if (!state || !config || config->sample_rate <= 0 || config->num_channels <= 0)
        return FRONTEND_ERR_ARGUMENT;
    if (config->num_channels > FRONTEND_MAX_CHANNELS)
        return FRONTEND_ERR_CHANNELS;
    memset(state, 0, sizeof *state);
    state->num_channels = config->num_channels;

    frontend_status status = fe_window_init(&state->window, config);
    if (status == FRONTEND_OK)
        status = fe_fft_init(&state->fft, state->window.size);
    if (status == FRONTEND_OK)
        status = fe_filterbank_init(&state->filterbank, config, state->fft.size / 2 + 1);
    if (status == FRONTEND_OK)
        status = fe_noise_reduction_init(&state->noise, config);
    if (status == FRONTEND_OK)
        status = fe_pcan_init(&state->pcan, config, correction_bits(state));
    if (status == FRONTEND_OK)
        status = fe_log_scale_init(&state->log, config);
    if (status == FRONTEND_OK)
        frontend_reset(state);
    return status;
}

void frontend_reset(frontend_state *state)
{
    fe_window_reset(&state->window);
    fe_noise_reduction_reset(&state->noise);
}

const uint16_t *frontend_process_samples(frontend_state *state, const int16_t *samples,
                                         size_t count, size_t *consumed)
{
    int16_t max_abs = 0;
    *consumed = 0;
    int16_t *windowed = state->fft.input.real;      /* the FFT scales it in place */
    if (!fe_window_process(&state->window, samples, count, consumed, windowed, &max_abs))
        return NULL;

    /* Scale the window up so its largest sample uses all 15 bits, for FFT precision. */
    const int input_shift = 15 - fe_bit_length32((uint32_t)max_abs);
    const int channels = state->num_channels;
    fe_fft_compute(&state->fft, state->window.size, input_shift);
    fe_filterbank_process(&state->filterbank, state->fft.spectrum, input_shift, state->signal);
    fe_noise_reduction_process(&state->noise, state->signal, channels);
    if (state->pcan.enabled)
        fe_pcan_process(&state->pcan, state->noise.estimate, state->signal, channels);
    fe_log_scale_process(&state->log, state->signal, channels, correction_bits(state),
                         state->features);
    return state->features;
}

size_t frontend_state_size(void)
{
    return sizeof(frontend_state);
}
