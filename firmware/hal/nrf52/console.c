/* Console on UARTE0 at 115200 baud: EasyDMA from a RAM buffer (EasyDMA cannot read
 * flash), ENDTX interrupt, WFI while waiting. Also the newlib _write/_read hooks. */
#include <string.h>
#include "board.h"

#define TX_CHUNK 128u
#ifndef CONSOLE_BAUDRATE
#define CONSOLE_BAUDRATE UARTE_BAUD_115200   /* a UARTE BAUDRATE code */
#endif
#define RX_RING 128u

static uint8_t tx_buffer[2][TX_CHUNK];
static unsigned tx_next;          /* which buffer the next chunk goes into */
static volatile int tx_busy;
static uint8_t rx_byte;
static volatile uint8_t rx_ring[RX_RING];
static volatile unsigned rx_head, rx_tail;

void UARTE0_IRQHandler(void)
{
    if (UARTE_EVENTS_ENDTX(UARTE0_BASE)) {
        UARTE_EVENTS_ENDTX(UARTE0_BASE) = 0;
        tx_busy = 0;
    }
    if (UARTE_EVENTS_ENDRX(UARTE0_BASE)) {
        UARTE_EVENTS_ENDRX(UARTE0_BASE) = 0;
        if (UARTE_RXD_AMOUNT(UARTE0_BASE)) {
            rx_ring[rx_head % RX_RING] = rx_byte;
            rx_head++;
        }
        UARTE_TASKS_STARTRX(UARTE0_BASE) = 1;
    }
}

static void wait_tx_idle(void)
{
    while (tx_busy) {
        cpu_disable_irq();
        if (UARTE_EVENTS_ENDTX(UARTE0_BASE) && cpu_ipsr() != 0) {
            /* called from an interrupt that blocks ours: take the event here */
            UARTE_EVENTS_ENDTX(UARTE0_BASE) = 0;
            tx_busy = 0;
        } else if (tx_busy && cpu_ipsr() == 0) {
            cpu_wfi();
        }
        cpu_enable_irq();
    }
}

void console_init(void)
{
    UARTE_PSEL_TXD(UARTE0_BASE) = CONSOLE_TX_PIN;
    UARTE_PSEL_RXD(UARTE0_BASE) = CONSOLE_RX_PIN;
    UARTE_BAUDRATE(UARTE0_BASE) = CONSOLE_BAUDRATE;
    UARTE_ENABLE(UARTE0_BASE) = UARTE_ENABLE_UARTE;
    UARTE_INTENSET(UARTE0_BASE) = UARTE_INT_ENDTX | UARTE_INT_ENDRX;
    irq_priority(IRQ_UARTE0, 6);
    irq_enable(IRQ_UARTE0);
    UARTE_RXD_PTR(UARTE0_BASE) = (uint32_t)&rx_byte;
    UARTE_RXD_MAXCNT(UARTE0_BASE) = 1;
    UARTE_TASKS_STARTRX(UARTE0_BASE) = 1;
}

void console_write(const char *data, size_t length)
{
    while (length) {
        size_t chunk = length < TX_CHUNK ? length : TX_CHUNK;
        uint8_t *buffer = tx_buffer[tx_next];
        memcpy(buffer, data, chunk);   /* fill one buffer while the other is sent */
        wait_tx_idle();
        UARTE_TXD_PTR(UARTE0_BASE) = (uint32_t)buffer;
        UARTE_TXD_MAXCNT(UARTE0_BASE) = chunk;
        tx_busy = 1;
        UARTE_TASKS_STARTTX(UARTE0_BASE) = 1;
        tx_next ^= 1u;
        data += chunk;
        length -= chunk;
    }
}

void console_flush(void) { wait_tx_idle(); }

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
