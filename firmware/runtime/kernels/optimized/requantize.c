/* The optimized kernels' output step (see optimized.h): choosing between the fast and
 * the exact requantization in prepare, and applying either. */
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED

#include "optimized.h"

#define FAST_SUM_LIMIT (1u << 30)
#define FAST_SHIFT_MIN (-21)

/* The reference kernels' labrt_channel_multipliers, with int8 shifts. */
static labrt_status channel_multipliers(labrt_prepare_ctx *ctx, int32_t *multipliers,
                                        int8_t *shifts, uint32_t channels)
{
    const labrt_tensor *input = labrt_in(ctx, 0), *filter = labrt_in(ctx, 1);
    const labrt_tensor *output = labrt_out(ctx, 0);
    uint32_t c, count = 0;
    const float *scales = labrt_channel_scales(ctx, filter, &count);
    if (scales == NULL || (count != 1 && count != channels))
        return labrt_invalid(ctx, "filter scales must be per-tensor or one per output channel");
    for (c = 0; c < channels; c++) {
        const double effective = (double)input->scale * (double)scales[count == 1 ? 0 : c] /
                                 (double)output->scale;
        int32_t shift;
        labrt_status status = labrt_prepare_multiplier(ctx, effective, &multipliers[c], &shift);
        if (status != LABRT_OK)
            return status;
        shifts[c] = (int8_t)shift;   /* in [-31, 30] */
    }
    return LABRT_OK;
}

labrt_status labrt_opt_output_init(labrt_prepare_ctx *ctx, labrt_opt_output *out,
                                   unsigned activation_field, void *storage, uint32_t count,
                                   uint32_t step, double real)
{
    const labrt_tensor *output = labrt_out(ctx, 0);
    const labrt_activation act =
        labrt_activation_range(labrt_option_i8(ctx, activation_field, 0), output);
    int32_t *multipliers = storage, shift;
    int8_t *shifts = (int8_t *)(multipliers + count);
    labrt_status status;
    out->min = (int8_t)act.min;
    out->max = (int8_t)act.max;
    out->flags = act.min > -128 || act.max < 127 ? LABRT_OPT_NARROW : 0;
    out->zero_point = output->zero_point;
    out->step = (uint8_t)step;
    out->multipliers = multipliers;
    out->shifts = shifts;
    if (step)
        return channel_multipliers(ctx, multipliers, shifts, count);
    status = labrt_prepare_multiplier(ctx, real, &multipliers[0], &shift);
    shifts[0] = (int8_t)shift;
    return status;
}

static int int8_range(int32_t value)
{
    return value >= -128 && value <= 127;
}

/* |bias| + 255 * sum(|w|) of one channel, saturated at FAST_SUM_LIMIT. */
static uint32_t sum_bound(const int8_t *w, uint32_t w_step, uint32_t len, int32_t bias)
{
    uint64_t bound = bias < 0 ? (uint64_t)-(int64_t)bias : (uint64_t)bias;
    uint32_t weights = 0, k;
    for (k = 0; k < len; k++, w += w_step)
        weights += (uint32_t)(*w < 0 ? -*w : *w);     /* < 2^31: len < 2^23 checked */
    bound += 255u * (uint64_t)weights;
    return bound < FAST_SUM_LIMIT ? (uint32_t)bound : FAST_SUM_LIMIT;
}

void labrt_opt_check_fast(labrt_opt_output *out, int32_t input_zero_point,
                          const labrt_tensor *filter, const labrt_tensor *bias,
                          uint32_t channels, uint32_t c_step, uint32_t t_step, uint32_t len)
{
    const int8_t *w = (const int8_t *)filter->data;
    const uint32_t multipliers = out->step ? channels : 1;
    uint32_t c;
    out->flags &= (uint8_t)~LABRT_OPT_FAST;
    if (!int8_range(input_zero_point) || !int8_range(out->zero_point) || len >= (1u << 23))
        return;
    for (c = 0; c < multipliers; c++)
        if (out->shifts[c] > -1 || out->shifts[c] < FAST_SHIFT_MIN)
            return;
    for (c = 0; c < channels; c++)
        if (sum_bound(w + (uint64_t)c * c_step, t_step, len,
                      bias ? ((const int32_t *)bias->data)[c] : 0) >= FAST_SUM_LIMIT)
            return;
    out->flags |= LABRT_OPT_FAST;
}

void labrt_opt_requantize(const labrt_opt_output *out, const uint32_t *acc, uint32_t c,
                          uint32_t c_step, uint32_t n, int8_t *y, uint32_t y_step)
{
    uint32_t i;
    if (out->flags & LABRT_OPT_FAST) {
        labrt_opt_channel ch = labrt_opt_channel_of(out, c);
        for (i = 0; i < n; i++, y += y_step) {
            int32_t v;
            if (c_step && i)
                ch = labrt_opt_channel_of(out, c + i);
            v = labrt_opt_requantize_fast((int32_t)acc[i], &ch);
            *y = (out->flags & LABRT_OPT_NARROW) ? labrt_opt_activate(out, v) : (int8_t)v;
        }
        return;
    }
    for (i = 0; i < n; i++, y += y_step) {
        const uint32_t k = (c + i * c_step) * out->step;
        const int32_t r = (int32_t)((uint32_t)labrt_mbqm((int32_t)acc[i], out->multipliers[k],
                                                         out->shifts[k]) +
                                    (uint32_t)out->zero_point);
        *y = labrt_opt_activate(out, r);
    }
}

#else
typedef int labrt_optimized_requantize_unused; /* LABRT_OPTIMIZED off: nothing to compile */
#endif
