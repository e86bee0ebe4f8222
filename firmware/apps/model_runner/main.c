/* model_runner: runs a .tflite, one inference per `run` line on the console UART. The
 * model is compiled into flash at build time, or, without one, the lab writes it into a
 * RAM buffer (address reported at boot) and sends `load <bytes>`. The lab then writes
 * each input straight into the input tensor (address reported), sends `run`, and reads
 * the output tensor back from RAM. Used by `lab model run --platform`. Reports DWT
 * cycles per inference:
 *     run      ->  @lab invoked status=0 cycles_inference=N
 *     profile  ->  @lab op index=I name=CONV_2D cycles_op=N   (one per op, in order)
 *                  @lab profiled status=0 cycles_inference=N
 * `profile` times each op with the runtime's op hook (a CYCCNT read before and after
 * it), so its inference includes the hook's few instructions per op. */
#include <stdio.h>
#include <string.h>
#include "board.h"
#include "lab.h"
#include "lab_arena.h"
#include "labrt.h"

#include <stdlib.h>

#ifndef ARENA_BYTES
#define ARENA_BYTES (136u * 1024u)
#endif
#ifndef MODEL_RAM_BYTES
#define MODEL_RAM_BYTES (80u * 1024u)
#endif

/* Weak: without a model linked in (no MODEL at build time) these are NULL. */
extern const unsigned char g_model[] __attribute__((weak));
extern const unsigned char g_model_end[] __attribute__((weak));
static labrt_runtime runtime;
static uint8_t arena[LAB_ARENA_SIZE(ARENA_BYTES)] __attribute__((aligned(16)));
#ifndef LAB_MODEL_IN_FLASH   /* a model linked in needs no RAM slot (flash/RAM figures) */
static uint8_t model_ram[MODEL_RAM_BYTES] __attribute__((aligned(16)));
#endif

/* `profile`: DWT cycles of each op, printed after the inference (printing inside the
 * hook would put UART work between the ops). */
#define PROFILED_OPS 256u
static uint32_t op_cycles[PROFILED_OPS];
static uint32_t op_started;

static void time_op(void *user, uint32_t op, const char *name, labrt_hook_phase phase)
{
    (void)user;
    (void)name;
    if (phase == LABRT_HOOK_BEFORE)
        op_started = cycles_now();
    else if (op < PROFILED_OPS)
        op_cycles[op] = cycles_now() - op_started;
}

static void profile(void)
{
    labrt_op_info op;
    labrt_set_op_hook(&runtime, time_op, 0);
    uint32_t start = cycles_now();
    labrt_status status = labrt_invoke(&runtime);
    uint32_t cycles = cycles_now() - start;
    labrt_set_op_hook(&runtime, 0, 0);
    for (uint32_t i = 0; i < labrt_op_count(&runtime) && i < PROFILED_OPS; i++) {
        labrt_get_op(&runtime, i, &op);
        lab_event("op", "index=%lu name=%s cycles_op=%lu", (unsigned long)i, op.name,
                  (unsigned long)op_cycles[i]);
        console_flush();
    }
    lab_event("profiled", "status=%d cycles_inference=%lu", (int)status, (unsigned long)cycles);
}

static void report_tensor(const char *kind, uint32_t index, const labrt_tensor_info *t)
{
    lab_event("tensor", "kind=%s index=%lu address=0x%08lx bytes=%lu type=%ld", kind,
              (unsigned long)index, (unsigned long)(uintptr_t)t->data, (unsigned long)t->bytes,
              (long)t->type);
}

static void read_command(char *line, size_t size)
{
    size_t length = 0;
    for (;;) {
        char c;
        while (console_read(&c, 1) == 0) {
            cpu_disable_irq();
            if (console_read(&c, 1) == 1) {
                cpu_enable_irq();
                break;
            }
            cpu_wfi();
            cpu_enable_irq();
        }
        if (c == '\n' || c == '\r') {
            if (length)
                break;
            continue;
        }
        if (length + 1 < size)
            line[length++] = c;
    }
    line[length] = 0;
}

/* The model in flash, or one the lab loads into RAM (`load <bytes>`). */
static size_t find_model(const uint8_t **model, char *line, size_t size)
{
    if (g_model && g_model_end > g_model) {
        *model = g_model;
        return (size_t)(g_model_end - g_model);
    }
#ifdef LAB_MODEL_IN_FLASH
    (void)line;
    (void)size;
    *model = NULL;
    return 0;   /* not reached: the build linked a model */
#else
    lab_event("waiting", "model_buffer=0x%08lx capacity=%lu", (unsigned long)(uintptr_t)model_ram,
              (unsigned long)sizeof model_ram);
    console_flush();
    for (;;) {
        read_command(line, size);
        if (strncmp(line, "load ", 5) == 0) {
            unsigned long bytes = strtoul(line + 5, NULL, 10);
            if (bytes > 0 && bytes <= sizeof model_ram) {
                *model = model_ram;
                return bytes;
            }
        }
        lab_event("unknown", "command=\"%s\"", line);
        console_flush();
    }
#endif
}

int main(void)
{
    board_init();
    cycles_init();
    char line[32];
    const uint8_t *model;
    size_t model_bytes = find_model(&model, line, sizeof line);
    labrt_status status = labrt_init(&runtime, model, model_bytes, arena, sizeof arena);
    if (status != LABRT_OK) {
        printf("model does not load: %s\n", labrt_error(&runtime));
        lab_event("error", "status=%d needed=%lu", (int)status,
                  (unsigned long)labrt_arena_needed(&runtime));
        lab_done();
        console_flush();
        return 1;
    }
    labrt_tensor_info info;
    for (uint32_t i = 0; i < labrt_input_count(&runtime); i++) {
        labrt_input(&runtime, i, &info);
        report_tensor("input", i, &info);
    }
    for (uint32_t i = 0; i < labrt_output_count(&runtime); i++) {
        labrt_output(&runtime, i, &info);
        report_tensor("output", i, &info);
    }
    lab_arena_event(&runtime, sizeof arena);
    lab_event("ready", "arena=%lu scratch=%lu model_bytes=%lu",
              (unsigned long)labrt_arena_needed(&runtime),
              (unsigned long)labrt_arena_largest_op_scratch(&runtime), (unsigned long)model_bytes);
    console_flush();
    for (;;) {
        read_command(line, sizeof line);
        if (strcmp(line, "run") == 0) {
            uint32_t start = cycles_now();
            status = labrt_invoke(&runtime);
            uint32_t cycles = cycles_now() - start;
            lab_event("invoked", "status=%d cycles_inference=%lu", (int)status, (unsigned long)cycles);
        } else if (strcmp(line, "profile") == 0) {
            profile();
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            lab_event("unknown", "command=\"%s\"", line);
        }
        console_flush();
    }
    lab_done();
    console_flush();
    return 0;
}
