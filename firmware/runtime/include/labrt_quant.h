/* TFLite Micro's integer arithmetic (tflite.md sec. 3): multiplier
 * quantization in double precision and gemmlowp's fixed-point primitives.
 * Everything here is exact integer code, so every target gets the same bits. */
#ifndef LABRT_QUANT_H
#define LABRT_QUANT_H

#include <stdint.h>

/* d ~= multiplier * 2^(shift - 31). Returns 0 if d is negative, not finite or
 * too large for a 32-bit multiplier with a left shift <= 30. */
int labrt_quantize_multiplier(double d, int32_t *multiplier, int *shift);

int32_t labrt_srdhm(int32_t a, int32_t b);             /* SaturatingRoundingDoublingHighMul */
int32_t labrt_rdbpot(int32_t x, int exponent);          /* RoundingDivideByPOT, 0..31 */
int32_t labrt_sat_pot(int32_t x, int exponent);         /* SaturatingRoundingMultiplyByPOT */
int32_t labrt_rounding_half_sum(int32_t a, int32_t b);
int32_t labrt_mbqm(int32_t x, int32_t multiplier, int shift); /* MultiplyByQuantizedMultiplier */
int32_t labrt_shift_left(int32_t x, int bits);          /* x * 2^bits, wrapping like int32 */
int32_t labrt_wrap_add(int32_t a, int32_t b);           /* a + b, wrapping like int32 */

/* gemmlowp transcendental helpers on Q-format raws. */
int32_t labrt_exp_on_negative_values(int32_t a, int integer_bits); /* F<I> -> F<0> */
int32_t labrt_one_over_one_plus_x(int32_t a);                      /* F<0> -> F<0> */
int32_t labrt_one_minus_x_over_one_plus_x(int32_t a);              /* F<0> -> F<0> */

/* LOGISTIC/TANH int8 Prepare: input rescaled to Q4.27 (multiplier, shift)
 * and the input radius beyond which the output saturates (tflite.md 3.12). */
int labrt_q4_input_parameters(float input_scale, int32_t *multiplier, int *shift, int32_t *radius);

int32_t labrt_clamp(int32_t value, int32_t lo, int32_t hi);
/* (int32)round(value), saturated instead of undefined outside the int32 range. */
int32_t labrt_round_to_int32(float value);

#endif
