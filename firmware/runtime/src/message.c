/* One-line error messages; see message.h. */
#include "message.h"

labrt_msg labrt_msg_start(char *buf, size_t cap)
{
    labrt_msg m;
    m.buf = buf;
    m.cap = cap;
    m.len = 0;
    buf[0] = '\0';
    return m;
}

void labrt_msg_text(labrt_msg *m, const char *text)
{
    while (*text && m->len + 1 < m->cap)
        m->buf[m->len++] = *text++;
    m->buf[m->len] = '\0';
}

void labrt_msg_int(labrt_msg *m, int64_t value)
{
    char digits[24];
    int n = 0;
    /* Work with the negative magnitude so INT64_MIN needs no special case. */
    int64_t rest = value < 0 ? value : -value;
    do {
        digits[n++] = (char)('0' - (int)(rest % 10));
        rest /= 10;
    } while (rest != 0);
    if (value < 0)
        digits[n++] = '-';
    while (n > 0 && m->len + 1 < m->cap)
        m->buf[m->len++] = digits[--n];
    m->buf[m->len] = '\0';
}
