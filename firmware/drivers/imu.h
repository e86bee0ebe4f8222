/* The board's accelerometer, whichever chip carries it: one driver per chip in
 * firmware/drivers/imu_<chip>.c, the board's board.mk picks it (IMU_DRIVER). Apps see
 * samples in the board's axes: the frame the Arduino Nano 33 BLE Sense's LSM9DS1 and the
 * Arduino libraries report (the lab's IMU recordings use it too); each driver turns its
 * chip's axes into it with the board's IMU_AXES (board_config.h). */
#ifndef LAB_IMU_H
#define LAB_IMU_H
#include <stdint.h>

int imu_init(void);                  /* 0, or -1 when the chip does not give its ID */
/* Samples waiting in the chip's FIFO, -1 on a bus error; *overrun (if not NULL) says the
 * FIFO overflowed since the oldest one was read. */
int imu_available(int *overrun);
int imu_read_accel(int16_t xyz[3]);  /* the oldest waiting sample, board axes; 0 or an error */
extern const float imu_g_per_lsb;    /* the scale of what imu_read_accel returns */
extern const float imu_rate_hz;      /* the chip's output data rate as the driver sets it */

/* IMU_AXES: for the board's x, y and z, which chip axis (1, 2, 3) and sign measures it;
 * e.g. {-2, -1, 3}: board x = -chip y, board y = -chip x, board z = chip z. */
#ifndef IMU_AXES
#define IMU_AXES 1, 2, 3
#endif

static inline void imu_chip_to_board(const int16_t chip[3], int16_t board[3])
{
    static const int8_t axes[3] = {IMU_AXES};
    for (int i = 0; i < 3; i++) {
        int axis = axes[i] < 0 ? -axes[i] : axes[i];
        int32_t value = axes[i] < 0 ? -(int32_t)chip[axis - 1] : chip[axis - 1];
        board[i] = (int16_t)(value > 32767 ? 32767 : value);
    }
}

#endif
