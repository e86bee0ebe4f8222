/* LSM6DS3TR-C accelerometer (I2C 0x6A) as the Seeed Arduino LSM6DS3 library's FIFO
 * examples set it up: 104 Hz, +-4 g (gyroscope 104 Hz, 2000 dps, not in the FIFO); the
 * accelerometer into the FIFO in continuous mode, which the app drains word by word
 * (FIFO_DATA_OUT_L/H; reading the high byte pops the word). */
#include "board.h"
#include "imu.h"

#define IMU_ADDRESS 0x6Au
#define WHO_AM_I 0x0Fu
#define WHO_AM_I_VALUE 0x6Au
#define FIFO_CTRL3 0x08u
#define FIFO_CTRL5 0x0Au
#define CTRL1_XL 0x10u
#define CTRL2_G 0x11u
#define CTRL3_C 0x12u
#define FIFO_STATUS1 0x3Au
#define FIFO_DATA_OUT_L 0x3Eu
#define OVER_RUN 0x40u
#define WORDS_PER_SAMPLE 3

const float imu_g_per_lsb = 0.000122f;   /* +-4 g: 0.122 mg/LSB */
const float imu_rate_hz = 104.0f;

static int write_register(uint8_t reg, uint8_t value)
{
    uint8_t message[2] = {reg, value};
    return i2c_write(IMU_ADDRESS, message, 2);
}

static int read_registers(uint8_t reg, uint8_t *into, size_t count)
{
    return i2c_write_read(IMU_ADDRESS, &reg, 1, into, count);
}

int imu_init(void)
{
    uint8_t id = 0;
    if (read_registers(WHO_AM_I, &id, 1) || id != WHO_AM_I_VALUE)
        return -1;
    write_register(CTRL3_C, 0x01u);          /* SW_RESET */
    delay_ms(1);
    write_register(CTRL3_C, 0x44u);          /* BDU, IF_INC */
    write_register(FIFO_CTRL5, 0x00u);       /* bypass: empties the FIFO */
    write_register(FIFO_CTRL3, 0x01u);       /* accelerometer, no decimation */
    write_register(CTRL1_XL, 0x48u);         /* 104 Hz, +-4 g */
    write_register(CTRL2_G, 0x4Cu);          /* 104 Hz, 2000 dps */
    return write_register(FIFO_CTRL5, 0x26u);  /* ODR_FIFO 104 Hz, continuous */
}

int imu_available(int *overrun)
{
    uint8_t status[2];
    if (read_registers(FIFO_STATUS1, status, 2))
        return -1;
    if (overrun)
        *overrun = (status[1] & OVER_RUN) != 0;
    return (status[0] | (status[1] & 0x07u) << 8) / WORDS_PER_SAMPLE;
}

int imu_read_accel(int16_t xyz[3])
{
    int16_t chip[3];
    int error = 0;
    for (int axis = 0; axis < 3; axis++) {
        uint8_t word[2];
        error |= read_registers(FIFO_DATA_OUT_L, word, 2);
        chip[axis] = (int16_t)(word[0] | (word[1] << 8));
    }
    imu_chip_to_board(chip, xyz);
    return error;
}
