/* BMI270 accelerometer (I2C 0x68) as the Arduino_BMI270_BMM150 library sets it up on the
 * Nano 33 BLE Sense Rev2: 100 Hz, +-4 g, gyroscope 100 Hz +-2000 dps; the accelerometer
 * into the FIFO (headerless, streaming), which the app drains.
 *
 * Start-up as the datasheet's quick start says: soft reset, advanced power save off,
 * INIT_CTRL = 0, the 8 KiB configuration file through INIT_DATA in chunks (INIT_ADDR
 * gives each chunk's word address), INIT_CTRL = 1, then INTERNAL_STATUS must say init_ok
 * after 20 ms. Bosch distributes the configuration file with its BMI270 Sensor API;
 * build with -DBMI270_CONFIG_FILE='"bmi270_config.h"' (a header defining
 * `const uint8_t bmi270_config_file[8192]`) to upload it on a real board. Without it
 * the driver uploads 8 KiB of zeros, which the lab's model accepts (it checks the
 * upload, not the feature engine's program) and a real chip would not. */
#include <string.h>
#include "board.h"
#include "imu.h"

#define IMU_ADDRESS 0x68u
#define CHIP_ID 0x00u
#define CHIP_ID_VALUE 0x24u
#define INTERNAL_STATUS 0x21u
#define INIT_OK 0x01u
#define FIFO_LENGTH_0 0x24u
#define FIFO_DATA 0x26u
#define ACC_CONF 0x40u
#define ACC_RANGE 0x41u
#define GYR_CONF 0x42u
#define GYR_RANGE 0x43u
#define FIFO_CONFIG_0 0x48u
#define FIFO_CONFIG_1 0x49u
#define INIT_CTRL 0x59u
#define INIT_ADDR_0 0x5Bu
#define INIT_ADDR_1 0x5Cu
#define INIT_DATA 0x5Eu
#define PWR_CONF 0x7Cu
#define PWR_CTRL 0x7Du
#define CMD 0x7Eu
#define CMD_SOFT_RESET 0xB6u
#define CMD_FIFO_FLUSH 0xB0u
#define CONFIG_BYTES 8192u
#define CHUNK 32u                      /* even: INIT_ADDR counts 2-byte words */
#define FRAME_BYTES 6u                 /* headerless, accelerometer only */

const float imu_g_per_lsb = 4.0f / 32768.0f;   /* +-4 g */
const float imu_rate_hz = 100.0f;

#ifdef BMI270_CONFIG_FILE
#include BMI270_CONFIG_FILE
#endif

static int write_register(uint8_t reg, uint8_t value)
{
    uint8_t message[2] = {reg, value};
    return i2c_write(IMU_ADDRESS, message, 2);
}

static int read_registers(uint8_t reg, uint8_t *into, size_t count)
{
    return i2c_write_read(IMU_ADDRESS, &reg, 1, into, count);
}

static int upload_config(void)
{
    uint8_t message[1 + CHUNK];
    message[0] = INIT_DATA;
    int error = write_register(INIT_CTRL, 0x00u);
    for (uint32_t at = 0; at < CONFIG_BYTES && !error; at += CHUNK) {
#ifdef BMI270_CONFIG_FILE
        memcpy(message + 1, bmi270_config_file + at, CHUNK);
#else
        memset(message + 1, 0, CHUNK);
#endif
        error |= write_register(INIT_ADDR_0, (uint8_t)((at / 2u) & 0x0Fu));
        error |= write_register(INIT_ADDR_1, (uint8_t)((at / 2u) >> 4));
        error |= i2c_write(IMU_ADDRESS, message, sizeof message);
    }
    return error | write_register(INIT_CTRL, 0x01u);
}

int imu_init(void)
{
    uint8_t id = 0, status = 0;
    if (read_registers(CHIP_ID, &id, 1) || id != CHIP_ID_VALUE)
        return -1;
    write_register(CMD, CMD_SOFT_RESET);
    delay_ms(2);
    write_register(PWR_CONF, 0x00u);              /* advanced power save off */
    delay_ms(1);
    if (upload_config())
        return -1;
    delay_ms(20);
    if (read_registers(INTERNAL_STATUS, &status, 1) || (status & 0x0Fu) != INIT_OK)
        return -1;
    write_register(ACC_CONF, 0x98u);              /* 100 Hz, OSR2/avg2, performance */
    write_register(ACC_RANGE, 0x01u);             /* +-4 g */
    write_register(GYR_CONF, 0x98u);              /* 100 Hz, OSR2, performance */
    write_register(GYR_RANGE, 0x00u);             /* +-2000 dps */
    write_register(FIFO_CONFIG_0, 0x00u);         /* streaming, no sensortime frame */
    write_register(FIFO_CONFIG_1, 0x40u);         /* accelerometer, headerless */
    write_register(PWR_CTRL, 0x0Eu);              /* accelerometer, gyroscope, temperature */
    write_register(PWR_CONF, 0x02u);              /* FIFO self wake-up */
    return write_register(CMD, CMD_FIFO_FLUSH);
}

int imu_available(int *overrun)
{
    uint8_t length[2];
    if (read_registers(FIFO_LENGTH_0, length, 2))
        return -1;
    uint32_t bytes = length[0] | (uint32_t)(length[1] & 0x3Fu) << 8;
    if (overrun)
        *overrun = 0;                 /* streaming: the BMI270 drops the oldest frames */
    return (int)(bytes / FRAME_BYTES);
}

int imu_read_accel(int16_t xyz[3])
{
    uint8_t raw[FRAME_BYTES];
    int error = read_registers(FIFO_DATA, raw, sizeof raw);
    int16_t chip[3];
    for (int axis = 0; axis < 3; axis++)
        chip[axis] = (int16_t)(raw[2 * axis] | (raw[2 * axis + 1] << 8));
    imu_chip_to_board(chip, xyz);
    return error;
}
