#include "recognizer.h"
#include <limits.h>

#define SILENCE 0

void recognizer_init(recognizer *r, int32_t window_ms, int32_t threshold,
                     int32_t suppression_ms, int32_t minimum_count)
{
    r->window_ms = window_ms;
    r->threshold = threshold;
    r->suppression_ms = suppression_ms;
    r->minimum_count = minimum_count;
    r->head = r->count = 0;
    r->previous_label = SILENCE;
    r->previous_time_ms = INT32_MIN;
}

static const recognizer_result *result_at(const recognizer *r, int i)
{
    return &r->results[(r->head + i) % RECOGNIZER_MAX_RESULTS];
}

static void add_result(recognizer *r, int32_t time_ms, const uint8_t *scores)
{
    if (r->count == RECOGNIZER_MAX_RESULTS) {      /* full: forget the oldest */
        r->head = (r->head + 1) % RECOGNIZER_MAX_RESULTS;
        r->count--;
    }
    recognizer_result *slot = &r->results[(r->head + r->count) % RECOGNIZER_MAX_RESULTS];
    slot->time_ms = time_ms;
    for (int i = 0; i < RECOGNIZER_LABELS; i++)
        slot->scores[i] = scores[i];
    r->count++;
    while (r->count && result_at(r, 0)->time_ms < time_ms - r->window_ms) {
        r->head = (r->head + 1) % RECOGNIZER_MAX_RESULTS;
        r->count--;
    }
}

int recognizer_update(recognizer *r, int32_t time_ms, const uint8_t scores[RECOGNIZER_LABELS],
                      int *label, int *score)
{
    if (r->count && time_ms < result_at(r, r->count - 1)->time_ms)
        return -1;
    add_result(r, time_ms, scores);
    if (r->count < r->minimum_count)
        return 0;
    int32_t average[RECOGNIZER_LABELS] = {0};
    for (int i = 0; i < r->count; i++)
        for (int l = 0; l < RECOGNIZER_LABELS; l++)
            average[l] += result_at(r, i)->scores[l];
    int top = 0;
    for (int l = 0; l < RECOGNIZER_LABELS; l++) {
        average[l] /= r->count;
        if (average[l] > average[top])
            top = l;
    }
    int64_t since_last = (r->previous_label == SILENCE || r->previous_time_ms == INT32_MIN)
                             ? INT32_MAX
                             : (int64_t)time_ms - r->previous_time_ms;
    if (average[top] > r->threshold && (top != r->previous_label || since_last > r->suppression_ms)) {
        r->previous_label = top;
        r->previous_time_ms = time_ms;
        *label = top;
        *score = average[top];
        return 1;
    }
    return 0;
}
