/* LSM9DS1 accelerometer/gyroscope (I2C 0x6B): 119 Hz, +-4 g, 2000 dps, FIFO continuous
 * (the Arduino_LSM9DS1 library's configuration). */
#include "board.h"
#include "imu.h"

#define IMU_ADDRESS 0x6Bu
#define WHO_AM_I 0x0Fu
#define WHO_AM_I_VALUE 0x68u
#define CTRL_REG1_G 0x10u
#define CTRL_REG6_XL 0x20u
#define CTRL_REG8 0x22u
#define CTRL_REG9 0x23u
#define OUT_X_L_XL 0x28u
#define FIFO_CTRL 0x2Eu
#define FIFO_SRC 0x2Fu
#define FIFO_SRC_FSS 0x3Fu
#define FIFO_SRC_OVRN 0x40u
#define AUTO_INCREMENT 0x80u

const float imu_g_per_lsb = 0.000122f;   /* +-4 g: 0.122 mg/LSB */
const float imu_rate_hz = 119.0f;

static int write_register(uint8_t reg, uint8_t value)
{
    uint8_t message[2] = {reg, value};
    return i2c_write(IMU_ADDRESS, message, 2);
}

int imu_init(void)
{
    uint8_t reg = WHO_AM_I, id = 0;
    if (i2c_write_read(IMU_ADDRESS, &reg, 1, &id, 1) || id != WHO_AM_I_VALUE)
        return -1;
    write_register(CTRL_REG8, 0x44u);    /* BDU, IF_ADD_INC */
    write_register(CTRL_REG9, 0x02u);    /* FIFO_EN */
    write_register(FIFO_CTRL, 0xC0u);    /* continuous mode */
    write_register(CTRL_REG6_XL, 0x70u); /* 119 Hz, +-4 g */
    write_register(CTRL_REG1_G, 0x78u);  /* 119 Hz, 2000 dps: both sensors at 119 Hz */
    return 0;
}

int imu_available(int *overrun)
{
    uint8_t reg = FIFO_SRC, fifo_src;
    if (i2c_write_read(IMU_ADDRESS, &reg, 1, &fifo_src, 1))
        return -1;
    if (overrun)
        *overrun = (fifo_src & FIFO_SRC_OVRN) != 0;
    return fifo_src & FIFO_SRC_FSS;
}

int imu_read_accel(int16_t xyz[3])
{
    uint8_t reg = OUT_X_L_XL | AUTO_INCREMENT, raw[6];
    int error = i2c_write_read(IMU_ADDRESS, &reg, 1, raw, 6);
    int16_t chip[3];
    for (int axis = 0; axis < 3; axis++)
        chip[axis] = (int16_t)(raw[2 * axis] | (raw[2 * axis + 1] << 8));
    imu_chip_to_board(chip, xyz);
    return error;
}
