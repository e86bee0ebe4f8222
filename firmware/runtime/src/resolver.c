/* The op resolver: every builtin op this runtime implements. */
#include "resolver.h"

extern const labrt_kernel labrt_kernel_add;
extern const labrt_kernel labrt_kernel_average_pool_2d;
extern const labrt_kernel labrt_kernel_concatenation;
extern const labrt_kernel labrt_kernel_conv_2d;
extern const labrt_kernel labrt_kernel_depthwise_conv_2d;
extern const labrt_kernel labrt_kernel_dequantize;
extern const labrt_kernel labrt_kernel_fully_connected;
extern const labrt_kernel labrt_kernel_logistic;
extern const labrt_kernel labrt_kernel_max_pool_2d;
extern const labrt_kernel labrt_kernel_mean;
extern const labrt_kernel labrt_kernel_mul;
extern const labrt_kernel labrt_kernel_pad;
extern const labrt_kernel labrt_kernel_padv2;
extern const labrt_kernel labrt_kernel_quantize;
extern const labrt_kernel labrt_kernel_relu;
extern const labrt_kernel labrt_kernel_relu6;
extern const labrt_kernel labrt_kernel_reshape;
extern const labrt_kernel labrt_kernel_softmax;
extern const labrt_kernel labrt_kernel_tanh;

#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED
/* kernels/optimized: faster int8 paths, bit-exact with the reference kernels
 * (which they call for float). Listed first, so they are the ones found. */
extern const labrt_kernel labrt_kernel_add_optimized;
extern const labrt_kernel labrt_kernel_average_pool_2d_optimized;
extern const labrt_kernel labrt_kernel_conv_2d_optimized;
extern const labrt_kernel labrt_kernel_depthwise_conv_2d_optimized;
extern const labrt_kernel labrt_kernel_fully_connected_optimized;
extern const labrt_kernel labrt_kernel_max_pool_2d_optimized;
#endif

static const labrt_kernel *const kernels[] = {
#if defined(LABRT_OPTIMIZED) && LABRT_OPTIMIZED
    &labrt_kernel_add_optimized,         &labrt_kernel_average_pool_2d_optimized,
    &labrt_kernel_conv_2d_optimized,     &labrt_kernel_depthwise_conv_2d_optimized,
    &labrt_kernel_fully_connected_optimized, &labrt_kernel_max_pool_2d_optimized,
#endif
    &labrt_kernel_add,           &labrt_kernel_average_pool_2d, &labrt_kernel_concatenation,
    &labrt_kernel_conv_2d,       &labrt_kernel_depthwise_conv_2d, &labrt_kernel_dequantize,
    &labrt_kernel_fully_connected, &labrt_kernel_logistic,      &labrt_kernel_max_pool_2d,
    &labrt_kernel_mean,          &labrt_kernel_mul,             &labrt_kernel_pad,
    &labrt_kernel_padv2,         &labrt_kernel_quantize,        &labrt_kernel_relu,
    &labrt_kernel_relu6,         &labrt_kernel_reshape,         &labrt_kernel_softmax,
    &labrt_kernel_tanh,
};

const labrt_kernel *labrt_find_kernel(int32_t builtin)
{
    size_t i;
    for (i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (kernels[i]->builtin == builtin)
            return kernels[i];
    return NULL;
}
