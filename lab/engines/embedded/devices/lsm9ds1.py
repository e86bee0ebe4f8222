"""ST LSM9DS1 IMU on I2C: accelerometer + gyroscope at 0x6B, magnetometer at 0x1E.

Register map and bit layouts: the project's reference notes (ST's lsm9ds1_reg.h and
the datasheet). Output data appear at the configured ODR in virtual time (in
gyro+accel mode the accelerometer runs at the gyro's rate), scaled by the full-scale
sensitivity and saturated to int16. The FIFO holds 32 entries (gyro XYZ + accel XYZ):
bypass, FIFO (stops when full) and continuous (overwrites the oldest) modes, FSS,
watermark and overrun flags. Reading the last accelerometer byte (OUT_Z_H_XL) pops a
FIFO entry. Register addresses auto-increment (CTRL_REG8.IF_ADD_INC, or bit 7 of the
sub-address, as the Arduino library sends it).

Keep-up accounting: every sample lost on a full FIFO, or overwritten unread in
bypass mode, counts in `dropped_samples`. The chip is outside the MCU: a soft reset
of the nRF52840 leaves it as it was.
"""
from __future__ import annotations

import math
from collections import deque
from fractions import Fraction

import numpy as np

from ..peripherals.nrf_twim import I2CDevice

WHO_AM_I, WHO_AM_I_VALUE = 0x0F, 0x68
CTRL_REG1_G, STATUS_REG, OUT_X_L_G, CTRL_REG4, CTRL_REG5_XL = 0x10, 0x17, 0x18, 0x1E, 0x1F
CTRL_REG6_XL, CTRL_REG8, CTRL_REG9, STATUS_REG_2 = 0x20, 0x22, 0x23, 0x27
OUT_X_L_XL, OUT_Z_H_XL, OUT_Z_H_G, FIFO_CTRL, FIFO_SRC = 0x28, 0x2D, 0x1D, 0x2E, 0x2F
AG_RESET = {CTRL_REG4: 0x38, CTRL_REG5_XL: 0x38, CTRL_REG8: 0x04, WHO_AM_I: WHO_AM_I_VALUE}
MAG_WHO_AM_I_VALUE = 0x3D
MAG_RESET = {0x0F: MAG_WHO_AM_I_VALUE, 0x20: 0x10, 0x22: 0x03, 0x30: 0x08}

GYRO_ODR_HZ = {1: Fraction(149, 10), 2: Fraction(119, 2), 3: Fraction(119), 4: Fraction(238),
               5: Fraction(476), 6: Fraction(952)}
ACCEL_ODR_HZ = {1: Fraction(10), 2: Fraction(50), 3: Fraction(119), 4: Fraction(238),
                5: Fraction(476), 6: Fraction(952)}
ACCEL_MG_PER_LSB = {0: 0.061, 1: 0.732, 2: 0.122, 3: 0.244}     # FS_XL 2/16/4/8 g
GYRO_MDPS_PER_LSB = {0: 8.75, 1: 17.50, 2: 17.50, 3: 70.0}       # FS_G 245/500/-/2000 dps
FIFO_DEPTH = 32
FMODE_BYPASS, FMODE_FIFO, FMODE_CONTINUOUS = 0, 1, 6
STATUS_XLDA, STATUS_GDA = 0x01, 0x02
FIFO_SRC_FTH, FIFO_SRC_OVRN = 0x80, 0x40


def to_raw(value: float, unit_per_lsb: float) -> int:
    """Physical value -> int16 output, rounded half away from zero, saturated."""
    scaled = value / unit_per_lsb
    rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return max(-32768, min(32767, rounded))


class Lsm9ds1(I2CDevice):
    def __init__(self, machine, name: str = "imu", address: int = 0x6B,
                 mag_address: int = 0x1E):
        self.machine = machine
        self.name = name
        self.address, self.mag_address = address, mag_address
        self.addresses = (address, mag_address)
        self.accel_feed = None        # lab.sensors.imu feeds: values in g
        self.gyro_feed = None         # ... in degrees per second
        self.dropped_samples = 0
        self.produced_samples = 0
        self.log: list[tuple[int, tuple, float]] = []   # (time, raw sample, g per LSB)
        self._event = None
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None
        self.ag = bytearray(0x80)
        self.mag = bytearray(0x40)
        for register, value in AG_RESET.items():
            self.ag[register] = value
        for register, value in MAG_RESET.items():
            self.mag[register] = value
        self.fifo: deque = deque()
        self.overrun = False
        self.output = (0, 0, 0, 0, 0, 0)   # gyro xyz, accel xyz (raw)
        self.unread = False
        self._pointer = {self.address: 0, self.mag_address: 0}
        self._increment = {self.address: False, self.mag_address: False}
        self._expect_subaddress = False
        self._sample_index = 0
        self._odr = None
        self._odr_start = 0

    # ------------------------------------------------------------- I2C side
    def i2c_start(self, address: int, read: bool) -> bool:
        if address not in self.addresses:
            return False
        self._expect_subaddress = not read
        return True

    def i2c_write(self, address: int, byte: int) -> bool:
        if self._expect_subaddress:
            self._expect_subaddress = False
            self._pointer[address] = byte & 0x7F
            self._increment[address] = bool(byte & 0x80)
            return True
        register = self._pointer[address]
        if address == self.address:
            self._write_ag(register, byte)
        else:
            self.mag[register & 0x3F] = byte
        self._advance(address)
        return True

    def i2c_read(self, address: int) -> int:
        register = self._pointer[address]
        value = self._read_ag(register) if address == self.address else self.mag[register & 0x3F]
        self._advance(address)
        return value

    def _advance(self, address: int) -> None:
        auto = self._increment[address] or \
            (address == self.address and self.ag[CTRL_REG8] & 0x04)
        if auto:
            self._pointer[address] = (self._pointer[address] + 1) & 0x7F

    # ------------------------------------------------------------- registers
    def _write_ag(self, register: int, value: int) -> None:
        if register in (WHO_AM_I, STATUS_REG, STATUS_REG_2, FIFO_SRC) or \
                OUT_X_L_G <= register <= OUT_Z_H_G or OUT_X_L_XL <= register <= OUT_Z_H_XL:
            return   # read-only
        if register == CTRL_REG8 and value & 0x01:
            self.reset()                 # SW_RESET: user registers back to defaults
            return
        self.ag[register] = value
        if register in (CTRL_REG1_G, CTRL_REG6_XL):
            self._restart_output()
        if register == FIFO_CTRL and (value >> 5) == FMODE_BYPASS:
            self.fifo.clear()            # bypass mode empties the FIFO
            self.overrun = False

    def _read_ag(self, register: int) -> int:
        if register in (STATUS_REG, STATUS_REG_2):
            return self._status()
        if register == FIFO_SRC:
            return self._fifo_source()
        if OUT_X_L_G <= register <= OUT_Z_H_G or OUT_X_L_XL <= register <= OUT_Z_H_XL:
            return self._read_output(register)
        if register in (0x15, 0x16):
            return 0                      # OUT_TEMP: 25 degC
        return self.ag[register]

    def _status(self) -> int:
        if self._fifo_active():
            return (STATUS_XLDA | STATUS_GDA) if self.fifo else 0
        return (STATUS_XLDA | STATUS_GDA) if self.unread else 0

    def _fifo_source(self) -> int:
        level = len(self.fifo)
        threshold = self.ag[FIFO_CTRL] & 0x1F
        flags = (FIFO_SRC_FTH if threshold and level >= threshold else 0) | \
            (FIFO_SRC_OVRN if self.overrun else 0)
        return flags | min(level, FIFO_DEPTH)

    def _read_output(self, register: int) -> int:
        sample = self.fifo[0] if self._fifo_active() and self.fifo else self.output
        if register <= OUT_Z_H_G:
            index = (register - OUT_X_L_G) // 2
            high = (register - OUT_X_L_G) & 1
        else:
            index = 3 + (register - OUT_X_L_XL) // 2
            high = (register - OUT_X_L_XL) & 1
        value = sample[index] & 0xFFFF
        byte = (value >> 8) if high else value & 0xFF
        if register == OUT_Z_H_XL:
            self._sample_consumed()
        return byte

    def _sample_consumed(self) -> None:
        if self._fifo_active():
            if self.fifo:
                self.fifo.popleft()
                self.overrun = False
        else:
            self.unread = False

    def _fifo_active(self) -> bool:
        return bool(self.ag[CTRL_REG9] & 0x02) and (self.ag[FIFO_CTRL] >> 5) != FMODE_BYPASS

    # ---------------------------------------------------------- data output
    def output_data_rate(self) -> Fraction | None:
        gyro_code = self.ag[CTRL_REG1_G] >> 5
        accel_code = self.ag[CTRL_REG6_XL] >> 5
        if gyro_code in GYRO_ODR_HZ:
            return GYRO_ODR_HZ[gyro_code]      # gyro + accel: the accel follows the gyro
        return ACCEL_ODR_HZ.get(accel_code)

    def _restart_output(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None
        self._odr = self.output_data_rate()
        if self._odr is None:
            return
        self._odr_start = self.machine.now()
        self._schedule_sample(1)

    def _time_of(self, tick: int) -> int:
        cycles = Fraction(tick * self.machine.clock_hz) / self._odr
        return self._odr_start + math.ceil(cycles)

    def _schedule_sample(self, tick: int) -> None:
        self._event = self.machine.scheduler.at(self._time_of(tick),
                                                lambda t: self._produce(tick, t))

    def _produce(self, tick: int, time: int) -> None:
        sample = self._measure(time)
        self._sample_index += 1
        self.produced_samples += 1
        self.log.append((time, sample, self._accel_g_per_lsb()))
        if self._fifo_active():
            self._push_fifo(sample)
        else:
            if self.unread:
                self.dropped_samples += 1        # overwritten before it was read
            self.output, self.unread = sample, True
        self._schedule_sample(tick + 1)

    def _push_fifo(self, sample) -> None:
        if len(self.fifo) < FIFO_DEPTH:
            self.fifo.append(sample)
            return
        self.overrun = True
        self.dropped_samples += 1
        if (self.ag[FIFO_CTRL] >> 5) == FMODE_CONTINUOUS:
            self.fifo.popleft()                  # the newest sample overwrites the oldest
            self.fifo.append(sample)
        # FIFO mode: collection stops while full; the new sample is lost

    def _measure(self, time: int) -> tuple[int, ...]:
        seconds = self.machine.seconds(time)
        accel = self._feed_value(self.accel_feed, seconds, (0.0, 0.0, 1.0))
        gyro = self._feed_value(self.gyro_feed, seconds, (0.0, 0.0, 0.0))
        accel_unit = self._accel_g_per_lsb()
        gyro_unit = GYRO_MDPS_PER_LSB[(self.ag[CTRL_REG1_G] >> 3) & 3] / 1000.0
        return tuple(to_raw(v, gyro_unit) for v in gyro) + \
            tuple(to_raw(v, accel_unit) for v in accel)

    def _accel_g_per_lsb(self) -> float:
        return ACCEL_MG_PER_LSB[(self.ag[CTRL_REG6_XL] >> 3) & 3] / 1000.0

    def delivered_acceleration(self):
        """(times in cycles, acceleration in g (n, 3)) of every sample the sensor made,
        as the firmware could read it (quantized at its full scale)."""
        times = np.array([time for time, _, _ in self.log], dtype=np.int64)
        values = np.array([[raw * unit for raw in sample[3:]] for _, sample, unit in self.log],
                          dtype=np.float64).reshape(-1, 3)
        return times, values

    def _feed_value(self, feed, seconds: float, default):
        if feed is None:
            return default
        value = feed.value(self._sample_index, seconds)
        if value is None:                         # the feed ended and ends the run
            self.machine.halt("done", f"{self.name}: sensor feed ended")
            return default
        return value
