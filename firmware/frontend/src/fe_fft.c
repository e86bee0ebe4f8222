/* FFT stage: kiss_fft's 16-bit fixed-point real FFT, reproduced operation for operation.
 *
 * A real FFT of N samples is a complex FFT of N/2 sample pairs (radix-4 stages, then a
 * radix-2 one if needed, each dividing its inputs by its radix so nothing overflows),
 * followed by kiss_fftr's split into the N/2 + 1 bins of the real spectrum. Products
 * are Q15, rounded by adding 2^14 before the shift; sums are stored to int16 and wrap. */
#include <math.h>

#include "fe_stages.h"

#define PI 3.14159265358979323846264338327950288
#define Q15_MAX 32767

typedef frontend_complex16 cpx;

static int16_t q15_round(int32_t product)
{
    return (int16_t)((product + (1 << 14)) >> 15);
}

static cpx c_div(cpx c, int divisor)          /* kiss's C_FIXDIV: times Q15_MAX / divisor */
{
    const int32_t factor = Q15_MAX / divisor;
    cpx out = { q15_round(c.r * factor), q15_round(c.i * factor) };
    return out;
}

static cpx c_mul(cpx a, cpx b)
{
    cpx out = { q15_round((int32_t)a.r * b.r - (int32_t)a.i * b.i),
                q15_round((int32_t)a.r * b.i + (int32_t)a.i * b.r) };
    return out;
}

static cpx c_add(cpx a, cpx b)
{
    cpx out = { (int16_t)(a.r + b.r), (int16_t)(a.i + b.i) };
    return out;
}

static cpx c_sub(cpx a, cpx b)
{
    cpx out = { (int16_t)(a.r - b.r), (int16_t)(a.i - b.i) };
    return out;
}

static cpx unit_phasor(double phase)            /* kiss's kf_cexp in Q15 */
{
    cpx out = { (int16_t)floor(.5 + Q15_MAX * cos(phase)),
                (int16_t)floor(.5 + Q15_MAX * sin(phase)) };
    return out;
}

frontend_status fe_fft_init(struct frontend_fft *fft, int input_size)
{
    fft->size = 1;
    while (fft->size < input_size)
        fft->size <<= 1;
    if (fft->size > FRONTEND_MAX_FFT_SIZE || fft->size < 4)
        return FRONTEND_ERR_WINDOW;

    const int n = fft->size / 2;                /* complex FFT length */
    fft->stages = 0;
    for (int rest = n; rest > 1; ) {            /* kiss factors out 4s first, then a 2 */
        const int radix = rest % 4 == 0 ? 4 : 2;
        if (fft->stages == (int)sizeof fft->radices)
            return FRONTEND_ERR_WINDOW;
        fft->radices[fft->stages++] = (uint8_t)radix;
        rest /= radix;
    }
    for (int i = 0; i < n; ++i)
        fft->twiddles[i] = unit_phasor(-2 * PI * i / n);
    for (int i = 0; i < n / 2; ++i)
        fft->super_twiddles[i] = unit_phasor(-PI * ((double)(i + 1) / n + .5));
    return FRONTEND_OK;
}

static void butterfly2(const cpx *twiddles, cpx *out, int twiddle_stride, int m)
{
    for (int k = 0; k < m; ++k) {
        const cpx a = c_div(out[k], 2);
        const cpx t = c_mul(c_div(out[k + m], 2), twiddles[k * twiddle_stride]);
        out[k + m] = c_sub(a, t);
        out[k] = c_add(a, t);
    }
}

static void butterfly4(const cpx *twiddles, cpx *out, int twiddle_stride, int m)
{
    for (int k = 0; k < m; ++k) {
        cpx a0 = c_div(out[k], 4);
        const cpx s0 = c_mul(c_div(out[k + m], 4), twiddles[k * twiddle_stride]);
        const cpx s1 = c_mul(c_div(out[k + 2 * m], 4), twiddles[2 * k * twiddle_stride]);
        const cpx s2 = c_mul(c_div(out[k + 3 * m], 4), twiddles[3 * k * twiddle_stride]);
        const cpx s5 = c_sub(a0, s1);
        a0 = c_add(a0, s1);
        const cpx s3 = c_add(s0, s2);
        const cpx s4 = c_sub(s0, s2);
        out[k + 2 * m] = c_sub(a0, s3);
        out[k] = c_add(a0, s3);
        out[k + m].r = (int16_t)(s5.r + s4.i);
        out[k + m].i = (int16_t)(s5.i - s4.r);
        out[k + 3 * m].r = (int16_t)(s5.r - s4.i);
        out[k + 3 * m].i = (int16_t)(s5.i + s4.r);
    }
}

/* Decimation in time, as kiss's kf_work: `length` points of `in` taken every `stride`. */
static void complex_fft(const struct frontend_fft *fft, cpx *out, const cpx *in, int stride,
                        int stage, int length)
{
    const int radix = fft->radices[stage];
    const int m = length / radix;
    for (int q = 0; q < radix; ++q) {
        if (m == 1)
            out[q] = in[q * stride];
        else
            complex_fft(fft, out + q * m, in + q * stride, stride * radix, stage + 1, m);
    }
    if (radix == 4)
        butterfly4(fft->twiddles, out, stride, m);
    else
        butterfly2(fft->twiddles, out, stride, m);
}

/* kiss_fftr: untangles the FFT of (even, odd) sample pairs into the real spectrum. */
static void split_real_spectrum(const struct frontend_fft *fft, const cpx *half, cpx *spectrum)
{
    const int n = fft->size / 2;
    const cpx dc = c_div(half[0], 2);
    spectrum[0].r = (int16_t)(dc.r + dc.i);
    spectrum[n].r = (int16_t)(dc.r - dc.i);
    spectrum[0].i = spectrum[n].i = 0;

    for (int k = 1; k <= n / 2; ++k) {
        const cpx mirrored = { half[n - k].r, (int16_t)-half[n - k].i };
        const cpx fpk = c_div(half[k], 2);
        const cpx fpnk = c_div(mirrored, 2);
        const cpx f1k = c_add(fpk, fpnk);
        const cpx tw = c_mul(c_sub(fpk, fpnk), fft->super_twiddles[k - 1]);
        spectrum[k].r = (int16_t)((f1k.r + tw.r) >> 1);
        spectrum[k].i = (int16_t)((f1k.i + tw.i) >> 1);
        /* For k = n/2 this overwrites the line above, as in kiss_fftr. */
        spectrum[n - k].r = (int16_t)((f1k.r - tw.r) >> 1);
        spectrum[n - k].i = (int16_t)((tw.i - f1k.i) >> 1);
    }
}

void fe_fft_compute(struct frontend_fft *fft, int input_size, int input_shift)
{
    int16_t *samples = fft->input.real;
    for (int i = 0; i < input_size; ++i)
        samples[i] = (int16_t)((uint16_t)samples[i] << input_shift);
    for (int i = input_size; i < fft->size; ++i)
        samples[i] = 0;
    complex_fft(fft, fft->half_spectrum, fft->input.pairs, 1, 0, fft->size / 2);
    split_real_spectrum(fft, fft->half_spectrum, fft->spectrum);
}
