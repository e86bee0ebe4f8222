/* Reads from an I2C address no device answers: the TWIM reports ANACK. */
#include <stdio.h>
#include "board.h"
#include "lab.h"

int main(void)
{
    board_init();
    uint8_t reg = 0x0F, value = 0;
    int absent = i2c_write_read(0x42, &reg, 1, &value, 1);
    int present = i2c_write_read(0x6B, &reg, 1, &value, 1);
    lab_event("twim", "absent_error=%d present_error=%d who_am_i=0x%02x", absent, present, value);
    lab_done();
    console_flush();
    return 0;
}
