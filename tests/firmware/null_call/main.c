/* Calls through a NULL function pointer: the lab must report the fault and its caller. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

void (*volatile callback)(void);

__attribute__((noinline)) void caller_function(void)
{
    callback();
    printf("not reached\n");
}

int main(void)
{
    board_init();
    lab_event("calling", "%s", "target=null");
    console_flush();
    printf("about to call NULL\n");   /* still in the UART when the fault comes */
    caller_function();
    lab_done();
    return 0;
}
