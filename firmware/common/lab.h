/* The firmware side of the lab protocol: one machine-readable line per event,
 *     @lab <event> key=value key=value ...
 * The format is specified in docs/protocol.md and parsed by lab/protocol.py. */
#ifndef LAB_PROTOCOL_H
#define LAB_PROTOCOL_H

/* Prints "@lab <event> " followed by the printf-formatted fields and a newline. */
void lab_event(const char *event, const char *fields_format, ...)
    __attribute__((format(printf, 2, 3)));

/* "@lab done": the lab ends the run when it reads this line. */
void lab_done(void);

/* Writes `value` with `decimals` digits after the point into `text` (newlib-nano's
 * printf has no %f); returns `text`. */
char *lab_format_fixed(char *text, unsigned size, float value, int decimals);

#endif
