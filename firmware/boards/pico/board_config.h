/* Raspberry Pi Pico: the RP2040 HAL (firmware/hal/rp2040) is wired for it (UART0 on
 * GP0/GP1, LED on GP25). */
