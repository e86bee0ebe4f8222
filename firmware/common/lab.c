#include "lab.h"
#include <stdarg.h>
#include <stdio.h>

void lab_event(const char *event, const char *fields_format, ...)
{
    va_list args;
    printf("@lab %s", event);
    if (fields_format && fields_format[0]) {
        putchar(' ');
        va_start(args, fields_format);
        vprintf(fields_format, args);
        va_end(args);
    }
    putchar('\n');
    fflush(stdout);
}

void lab_done(void)
{
    printf("@lab done\n");
    fflush(stdout);
}

char *lab_format_fixed(char *text, unsigned size, float value, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    long scaled = (long)(value * (float)scale + (value < 0 ? -0.5f : 0.5f));
    unsigned long magnitude = (unsigned long)(scaled < 0 ? -scaled : scaled);
    char fraction[8] = {0};
    for (int i = decimals - 1; i >= 0; i--) {   /* digits after the point, with zeros */
        fraction[i] = (char)('0' + magnitude % 10u);
        magnitude /= 10u;
    }
    snprintf(text, size, "%s%lu%s%s", scaled < 0 ? "-" : "", magnitude, decimals ? "." : "",
             fraction);
    return text;
}
