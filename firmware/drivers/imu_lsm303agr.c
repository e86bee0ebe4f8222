/* LSM303AGR accelerometer (I2C 0x19): 100 Hz, +-4 g, high resolution (12 bits,
 * left-justified: 1.95 mg per 16 LSB), FIFO in stream mode, which the app drains. */
#include "board.h"
#include "imu.h"

#define IMU_ADDRESS 0x19u
#define WHO_AM_I_A 0x0Fu
#define WHO_AM_I_VALUE 0x33u
#define CTRL_REG1_A 0x20u
#define CTRL_REG4_A 0x23u
#define CTRL_REG5_A 0x24u
#define OUT_X_L_A 0x28u
#define FIFO_CTRL_REG_A 0x2Eu
#define FIFO_SRC_REG_A 0x2Fu
#define FSS 0x1Fu
#define OVRN_FIFO 0x40u
#define AUTO_INCREMENT 0x80u
#define FIFO_DEPTH 32

const float imu_g_per_lsb = 0.00195f / 16.0f;   /* +-4 g, 12 bits left-justified */
const float imu_rate_hz = 100.0f;

static int write_register(uint8_t reg, uint8_t value)
{
    uint8_t message[2] = {reg, value};
    return i2c_write(IMU_ADDRESS, message, 2);
}

static int read_registers(uint8_t reg, uint8_t *into, size_t count)
{
    if (count > 1)
        reg |= AUTO_INCREMENT;
    return i2c_write_read(IMU_ADDRESS, &reg, 1, into, count);
}

int imu_init(void)
{
    uint8_t id = 0;
    if (read_registers(WHO_AM_I_A, &id, 1) || id != WHO_AM_I_VALUE)
        return -1;
    write_register(CTRL_REG5_A, 0x80u);      /* BOOT: the defaults again */
    delay_ms(5);
    write_register(CTRL_REG1_A, 0x57u);      /* 100 Hz, X, Y, Z */
    write_register(CTRL_REG4_A, 0x98u);      /* BDU, +-4 g, high resolution */
    write_register(CTRL_REG5_A, 0x40u);      /* FIFO_EN */
    return write_register(FIFO_CTRL_REG_A, 0x80u);  /* stream mode */
}

int imu_available(int *overrun)
{
    uint8_t source;
    if (read_registers(FIFO_SRC_REG_A, &source, 1))
        return -1;
    int full = (source & OVRN_FIFO) != 0;
    if (overrun)
        *overrun = full;
    return full ? FIFO_DEPTH : source & FSS;
}

int imu_read_accel(int16_t xyz[3])
{
    uint8_t raw[6];
    int error = read_registers(OUT_X_L_A, raw, sizeof raw);
    int16_t chip[3];
    for (int axis = 0; axis < 3; axis++)
        chip[axis] = (int16_t)(raw[2 * axis] | (raw[2 * axis + 1] << 8));
    imu_chip_to_board(chip, xyz);
    return error;
}
