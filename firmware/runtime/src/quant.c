/* TFLite Micro's integer arithmetic, default (double-rounding) build:
 * tflite.md sec. 3.2-3.4 and gemmlowp's fixedpoint.h as summarised in 3.11-3.12.
 * Intermediate values that could overflow int32 in the original are computed
 * with explicit wrap-around so that the C code has no undefined behaviour. */
#include "labrt_quant.h"

#include <math.h>

int labrt_quantize_multiplier(double d, int32_t *multiplier, int *shift)
{
    int exponent = 0;
    double fraction;
    int64_t q;

    *multiplier = 0;
    *shift = 0;
    if (d == 0.0)
        return 1;
    if (!(d > 0.0) || !isfinite(d))
        return 0;
    fraction = frexp(d, &exponent);               /* d = fraction * 2^exponent */
    q = (int64_t)round(fraction * 2147483648.0);  /* fraction in [0.5, 1) */
    if (q == ((int64_t)1 << 31)) {
        q /= 2;
        exponent += 1;
    }
    if (exponent < -31)
        return 1;  /* flushed to zero, as TFLM does */
    if (exponent > 30)
        return 0;
    *multiplier = (int32_t)q;
    *shift = exponent;
    return 1;
}

int32_t labrt_srdhm(int32_t a, int32_t b)
{
    int64_t product;
    int64_t nudge;
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    product = (int64_t)a * b;
    nudge = product >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    return (int32_t)((product + nudge) / ((int64_t)1 << 31));
}

int32_t labrt_rdbpot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t labrt_sat_pot(int32_t x, int exponent)
{
    int32_t threshold;
    if (exponent < 0)
        return labrt_rdbpot(x, -exponent);
    if (exponent == 0)
        return x;
    threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold)
        return INT32_MAX;
    if (x < -threshold)
        return INT32_MIN;
    return labrt_shift_left(x, exponent);
}

int32_t labrt_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

int32_t labrt_shift_left(int32_t x, int bits)
{
    return (int32_t)((uint32_t)x << bits);
}

int32_t labrt_wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

int32_t labrt_mbqm(int32_t x, int32_t multiplier, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    return labrt_rdbpot(labrt_srdhm(labrt_shift_left(x, left), multiplier), right);
}

/* exp(a) for a in [-1/4, 0), Q0.31: Taylor series around -1/8. */
static int32_t exp_on_interval_minus_quarter_to_zero(int32_t a)
{
    const int32_t exp_minus_one_eighth = 1895147668;
    const int32_t one_third = 715827883;
    const int32_t x = a + (1 << 28);
    const int32_t x2 = labrt_srdhm(x, x);
    const int32_t x3 = labrt_srdhm(x2, x);
    const int32_t x4 = labrt_srdhm(x2, x2);
    const int32_t x4_over_4 = labrt_rdbpot(x4, 2);
    const int32_t tail = labrt_rdbpot(labrt_srdhm(x4_over_4 + x3, one_third) + x2, 1);
    return exp_minus_one_eighth + labrt_srdhm(exp_minus_one_eighth, x + tail);
}

int32_t labrt_exp_on_negative_values(int32_t a, int integer_bits)
{
    /* exp(-2^k) in Q0.31 for k = -2 .. 4 */
    static const int32_t exp_minus_pot[7] = {1672461947, 1302514674, 790015084, 290630308,
                                             39332535, 720401, 242};
    const int fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t a_mod_quarter_minus_quarter = (a & (one_quarter - 1)) - one_quarter;
    const int32_t remainder = (int32_t)((int64_t)a_mod_quarter_minus_quarter - a);
    int32_t result = exp_on_interval_minus_quarter_to_zero(
        labrt_sat_pot(a_mod_quarter_minus_quarter, integer_bits));
    int k;

    for (k = -2; k <= 4; k++) {
        if (integer_bits > k && (remainder & ((int32_t)1 << (fractional_bits + k))))
            result = labrt_srdhm(result, exp_minus_pot[k + 2]);
    }
    if (integer_bits > 5 && a < -((int32_t)1 << (36 - integer_bits)))
        result = 0;  /* exp(x) for x < -32 */
    if (a == 0)
        result = INT32_MAX;
    return result;
}

/* Newton-Raphson for 1 / (1 + a/2 + 1/2) in Q2.29 (gemmlowp's constants). */
static int32_t newton_reciprocal_q2(int32_t half_denominator)
{
    const int32_t one_q2 = 1 << 29;
    int32_t x = 1515870810 + labrt_srdhm(half_denominator, -1010580540); /* 48/17 - 32/17 d */
    int i;
    for (i = 0; i < 3; i++) {
        const int32_t error = one_q2 - labrt_srdhm(half_denominator, x);
        x = x + labrt_sat_pot(labrt_srdhm(x, error), 2);
    }
    return x;
}

int32_t labrt_one_over_one_plus_x(int32_t a)
{
    const int32_t x = newton_reciprocal_q2(labrt_rounding_half_sum(a, INT32_MAX));
    return labrt_sat_pot(x, 1);
}

int32_t labrt_one_minus_x_over_one_plus_x(int32_t a)
{
    const int32_t x = newton_reciprocal_q2(labrt_rounding_half_sum(a, INT32_MAX));
    return labrt_sat_pot(x - (1 << 29), 2);
}

int32_t labrt_clamp(int32_t value, int32_t lo, int32_t hi)
{
    return value < lo ? lo : (value > hi ? hi : value);
}

int32_t labrt_round_to_int32(float value)
{
    const float rounded = roundf(value);
    if (rounded != rounded)
        return INT32_MIN;  /* NaN: what the x86 conversion gives */
    if (rounded >= 2147483648.0f)
        return INT32_MAX;
    if (rounded < -2147483648.0f)
        return INT32_MIN;
    return (int32_t)rounded;
}

int labrt_q4_input_parameters(float input_scale, int32_t *multiplier, int *shift, int32_t *radius)
{
    const double real = (double)input_scale * (double)(1 << (31 - 4));
    double fraction, limit;
    int exponent = 0;
    if (!(real > 0.0) || !isfinite(real))
        return 0;
    fraction = frexp(real, &exponent);
    if (exponent < -31 || exponent > 30)
        return 0;
    /* No 2^31 overflow correction here, unlike QuantizeMultiplier: the int64
     * value wraps to int32 as TFLM's cast does. */
    *multiplier = (int32_t)(int64_t)round(fraction * 2147483648.0);
    *shift = exponent;
    limit = floor(15.0 * (double)(1 << (31 - 4)) / ldexp(1.0, exponent));
    *radius = limit > 2147483647.0 ? INT32_MAX : (int32_t)limit;
    return 1;
}
