/* TFLite Micro micro_speech's command recognizer: averages the scores of the results in
 * the last `window_ms`, and reports a command when the top average passes `threshold`
 * (of 255) and is a different label, or the same label after `suppression_ms`. */
#ifndef RECOGNIZER_H
#define RECOGNIZER_H
#include <stdint.h>

#define RECOGNIZER_LABELS 4
#define RECOGNIZER_MAX_RESULTS 64

typedef struct {
    int32_t time_ms;
    uint8_t scores[RECOGNIZER_LABELS];
} recognizer_result;

typedef struct {
    int32_t window_ms, threshold, suppression_ms, minimum_count;
    recognizer_result results[RECOGNIZER_MAX_RESULTS];   /* a ring, oldest first */
    int head, count;
    int previous_label;          /* -1 before the first command */
    int32_t previous_time_ms;
} recognizer;

void recognizer_init(recognizer *r, int32_t window_ms, int32_t threshold,
                     int32_t suppression_ms, int32_t minimum_count);

/* Adds a result; returns 1 with *label/*score (average, 0..255) for a new command.
 * Label 0 is silence. Returns -1 when time goes backwards. */
int recognizer_update(recognizer *r, int32_t time_ms, const uint8_t scores[RECOGNIZER_LABELS],
                      int *label, int *score);

#endif
