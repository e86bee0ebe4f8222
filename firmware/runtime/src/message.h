/* Building one-line error messages without snprintf (no libc in firmware). */
#ifndef LABRT_MESSAGE_H
#define LABRT_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
} labrt_msg;

/* Starts an empty message in buf (cap >= 1); text beyond cap is cut. */
labrt_msg labrt_msg_start(char *buf, size_t cap);
void labrt_msg_text(labrt_msg *m, const char *text);
void labrt_msg_int(labrt_msg *m, int64_t value);

#endif
