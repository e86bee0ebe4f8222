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
