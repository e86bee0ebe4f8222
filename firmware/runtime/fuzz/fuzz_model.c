/* libFuzzer harness for the runtime's host build: any bytes as a model.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
 *         -Iinclude src/(all).c kernels/reference/(all).c fuzz/fuzz_model.c -lm
 *   ./a.out -max_len=16384 corpus/ seeds/
 * (tests/runtime/test_runtime_fuzz.py builds and runs it with seeds.)
 *
 * Each input is copied into a buffer of exactly its size (so AddressSanitizer
 * sees any read past the model), initialised, inspected through the public
 * API and, when init succeeds, run again in an arena of exactly the size the
 * runtime asked for (so any write past the planned arena is caught too). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "labrt.h"

#define FIRST_ARENA_SIZE (32 * 1024)

static volatile size_t sink; /* keeps the inspection reads from being optimised away */

static void touch_tensor(const labrt_tensor_info *info)
{
    int32_t i;
    sink += strlen(info->name) + info->bytes + (size_t)info->scale_count;
    for (i = 0; i < info->rank; i++)
        sink += (size_t)info->dims[i];
    if (info->data && info->bytes)
        sink += ((const uint8_t *)info->data)[info->bytes - 1];
}

static void inspect(const labrt_runtime *rt)
{
    labrt_tensor_info tensor;
    labrt_op_info op;
    uint32_t i, k;
    sink += strlen(labrt_error(rt)) + labrt_arena_needed(rt);
    for (i = 0; i < labrt_tensor_count(rt); i++)
        if (labrt_get_tensor(rt, i, &tensor) == LABRT_OK)
            touch_tensor(&tensor);
    for (i = 0; i < labrt_op_count(rt); i++) {
        if (labrt_get_op(rt, i, &op) != LABRT_OK)
            continue;
        sink += strlen(op.name);
        for (k = 0; k < op.input_count; k++)
            sink += (size_t)op.inputs[k];
        for (k = 0; k < op.output_count; k++)
            sink += (size_t)op.outputs[k];
    }
}

/* Fills every input with bytes taken from the model itself. */
static void fill_inputs(const labrt_runtime *rt, const uint8_t *data, size_t size)
{
    labrt_tensor_info info;
    uint32_t i;
    size_t b;
    for (i = 0; i < labrt_input_count(rt); i++)
        if (labrt_input(rt, i, &info) == LABRT_OK && info.data)
            for (b = 0; b < info.bytes; b++)
                ((uint8_t *)info.data)[b] = data[(b * 7 + i) % size];
}

static void run_in_exact_arena(const uint8_t *model, size_t size, size_t arena_size)
{
    labrt_runtime rt;
    labrt_tensor_info info;
    uint32_t i;
    void *arena = malloc(arena_size ? arena_size : 1);
    if (labrt_init(&rt, model, size, arena, arena_size) == LABRT_OK) {
        fill_inputs(&rt, model, size);
        labrt_invoke(&rt);
        for (i = 0; i < labrt_output_count(&rt); i++)
            if (labrt_output(&rt, i, &info) == LABRT_OK)
                touch_tensor(&info);
    } else {
        abort(); /* the size it asked for must be enough */
    }
    free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    labrt_runtime rt;
    uint8_t *model = malloc(size ? size : 1);
    void *arena = malloc(FIRST_ARENA_SIZE);
    labrt_status status;
    if (size)
        memcpy(model, data, size);
    status = labrt_init(&rt, model, size, arena, FIRST_ARENA_SIZE);
    sink += strlen(labrt_status_message(status));
    inspect(&rt);
    if (status == LABRT_OK)
        run_in_exact_arena(model, size, labrt_arena_needed(&rt));
    free(arena);
    free(model);
    return 0;
}
