/* Features -> int8 model inputs. */
#include <math.h>

#include "frontend.h"

#define FEATURE_DIVISOR 25.6f   /* float model input = feature / 25.6 (speech_commands) */
#define CLASSIC_DIVISOR 666     /* TFLM micro_speech: (int)(25.6f * 26.0f + 0.5f) */

static int8_t clamp_int8(int32_t value)
{
    return (int8_t)(value < -128 ? -128 : value > 127 ? 127 : value);
}

/* Float32 arithmetic as numpy does for float32 features / 25.6, then TFLite's
 * quantize: roundf rounds half away from zero (std::round), not half to even.
 * zero_point must be in -128..127; the clamp before the int conversion keeps
 * huge or NaN quotients (a tiny or bad scale) defined. */
int8_t frontend_feature_to_int8(uint16_t feature, float scale, int32_t zero_point)
{
    float rounded = roundf(((float)feature / FEATURE_DIVISOR) / scale);
    if (!(rounded <= 512.0f))
        rounded = 512.0f;
    if (rounded < -512.0f)
        rounded = -512.0f;
    return clamp_int8((int32_t)rounded + zero_point);
}

/* TFLM micro_speech's integer conversion, which rounds to nearest. */
int8_t frontend_feature_to_int8_classic(uint16_t feature)
{
    return clamp_int8(((int32_t)feature * 256 + CLASSIC_DIVISOR / 2) / CLASSIC_DIVISOR - 128);
}
