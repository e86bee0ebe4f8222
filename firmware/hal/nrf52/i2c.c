/* TWIM0 transfers on the board's internal I2C bus (board_config.h: I2C_SCL_PIN,
 * I2C_SDA_PIN, and the pin that powers the sensors if there is one). TWIM0 transfers as nrfx_twim does them: SHORTS chain the phases (write, repeated
 * start, read, stop); the caller sleeps in WFI until STOPPED or ERROR. */
#include <string.h>
#include "board.h"

#define TX_MAX 64u                   /* a register address and a 32-byte chunk fit */

static uint8_t tx_buffer[TX_MAX];    /* EasyDMA reads RAM only */
static volatile int stopped, failed;
static int initialised;

void TWIM0_IRQHandler(void)
{
    if (TWIM_EVENTS_ERROR(TWIM0_BASE)) {
        TWIM_EVENTS_ERROR(TWIM0_BASE) = 0;
        failed = 1;
        TWIM_TASKS_STOP(TWIM0_BASE) = 1;
    }
    if (TWIM_EVENTS_STOPPED(TWIM0_BASE)) {
        TWIM_EVENTS_STOPPED(TWIM0_BASE) = 0;
        stopped = 1;
    }
}

static void init(void)
{
#ifdef SENSOR_POWER_PIN
    GPIO_PIN_CNF(GPIO_PORT_BASE(SENSOR_POWER_PIN), SENSOR_POWER_PIN & 31u) = 1u;
    GPIO_OUTSET(GPIO_PORT_BASE(SENSOR_POWER_PIN)) = GPIO_PIN_BIT(SENSOR_POWER_PIN);
#endif
    TWIM_PSEL_SCL(TWIM0_BASE) = I2C_SCL_PIN;
    TWIM_PSEL_SDA(TWIM0_BASE) = I2C_SDA_PIN;
    TWIM_FREQUENCY(TWIM0_BASE) = TWIM_FREQ_400K;
    TWIM_INTENSET(TWIM0_BASE) = TWIM_INT_STOPPED | TWIM_INT_ERROR;
    irq_priority(IRQ_TWIM0, 3);
    irq_enable(IRQ_TWIM0);
    TWIM_ENABLE(TWIM0_BASE) = TWIM_ENABLE_TWIM;
    initialised = 1;
}

static int transfer(uint8_t address, const uint8_t *data, size_t length, uint8_t *into,
                    size_t count)
{
    if (!initialised)
        init();
    if (length > TX_MAX)
        return -1;
    memcpy(tx_buffer, data, length);
    stopped = failed = 0;
    TWIM_ADDRESS(TWIM0_BASE) = address;
    TWIM_TXD_PTR(TWIM0_BASE) = (uint32_t)tx_buffer;
    TWIM_TXD_MAXCNT(TWIM0_BASE) = length;
    TWIM_RXD_PTR(TWIM0_BASE) = (uint32_t)into;
    TWIM_RXD_MAXCNT(TWIM0_BASE) = count;
    TWIM_SHORTS(TWIM0_BASE) = count ? (TWIM_SHORT_LASTTX_STARTRX | TWIM_SHORT_LASTRX_STOP)
                                    : TWIM_SHORT_LASTTX_STOP;
    TWIM_TASKS_STARTTX(TWIM0_BASE) = 1;
    sleep_until_set(&stopped);
    if (failed) {
        int errors = (int)TWIM_ERRORSRC(TWIM0_BASE);
        TWIM_ERRORSRC(TWIM0_BASE) = (uint32_t)errors;
        return errors ? errors : -1;
    }
    return 0;
}

int i2c_write(uint8_t address, const uint8_t *data, size_t length)
{
    return transfer(address, data, length, 0, 0);
}

int i2c_write_read(uint8_t address, const uint8_t *data, size_t length, uint8_t *into,
                   size_t count)
{
    return transfer(address, data, length, into, count);
}
