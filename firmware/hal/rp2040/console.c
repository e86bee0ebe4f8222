/* Console on UART0 (PL011) at 115200 baud 8N1, TX on GP0 and RX on GP1 as the Pico
 * SDK's default stdio UART. Bytes go into the 32-entry TX FIFO; when it is full the
 * core sleeps until the TX interrupt (FIFO drained to half). Received bytes are moved
 * into a ring by the RX and RX-timeout interrupts. Also the newlib _write hook. */
#include "board.h"

#ifndef CONSOLE_BAUDRATE
#define CONSOLE_BAUDRATE 115200u
#endif
#define TX_PIN 0u
#define RX_PIN 1u
#define RX_RING 128u

static volatile uint8_t rx_ring[RX_RING];
static volatile unsigned rx_head, rx_tail;

void UART0_IRQ_Handler(void)
{
    if (UART_MIS & UART_INT_TX)
        REG_CLR(UART_IMSC) = UART_INT_TX;     /* the writer is woken; it re-enables */
    while (!(UART_FR & UART_FR_RXFE)) {
        uint8_t byte = (uint8_t)UART_DR;
        if (rx_head - rx_tail < RX_RING) {
            rx_ring[rx_head % RX_RING] = byte;
            rx_head++;
        }
    }
}

void console_init(void)
{
    /* §4.2.3.2: divisor = clk_peri / (16 x baud), in 1/64ths, rounded as the SDK does */
    uint32_t div = 8u * CORE_CLOCK_HZ / CONSOLE_BAUDRATE;
    UART_IBRD = div >> 7;
    UART_FBRD = ((div & 0x7Fu) + 1u) / 2u;
    UART_LCR_H = UART_LCR_H_WLEN_8 | UART_LCR_H_FEN;   /* the write latches the divisors */
    UART_CR = UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE;
    IO_BANK0_GPIO_CTRL(TX_PIN) = FUNC_UART;
    IO_BANK0_GPIO_CTRL(RX_PIN) = FUNC_UART;
    REG32(UART_IMSC) = UART_INT_RX | UART_INT_RT;
    irq_set_priority(IRQ_UART0, 0);
    irq_enable(IRQ_UART0);
}

static void wait_tx_space(void)
{
    while (UART_FR & UART_FR_TXFF) {
        if (cpu_ipsr() != 0)
            continue;                          /* in a handler: the FIFO drains anyway */
        cpu_disable_irq();
        if (UART_FR & UART_FR_TXFF) {
            REG_SET(UART_IMSC) = UART_INT_TX;
            cpu_wfi();                         /* a pending interrupt wakes it with PRIMASK set */
        }
        cpu_enable_irq();
    }
}

void console_write(const char *data, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        wait_tx_space();
        UART_DR = (uint8_t)data[i];
    }
}

void console_flush(void)
{
    while (UART_FR & UART_FR_BUSY)
        spin(CORE_CLOCK_HZ / CONSOLE_BAUDRATE * 5u);   /* poll about once a character */
}

size_t console_read(char *buffer, size_t capacity)
{
    size_t n = 0;
    while (n < capacity && rx_tail != rx_head) {
        buffer[n++] = (char)rx_ring[rx_tail % RX_RING];
        rx_tail++;
    }
    return n;
}

int _write(int fd, const char *data, int length)
{
    (void)fd;
    console_write(data, (size_t)length);
    return length;
}
