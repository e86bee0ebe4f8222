"""ST LSM6DS3TR-C IMU (accelerometer + gyroscope) on I2C at 0x6A (0x6B with SA0 high).

Source: ST LSM6DS3TR-C datasheet (DocID030071), "Register mapping" table and the
registers' descriptions (CTRL1_XL, CTRL2_G, CTRL3_C, STATUS_REG, FIFO_CTRL1..5,
FIFO_STATUS1..4, FIFO_DATA_OUT); summarised in docs/reference/lsm6ds3tr-c.md. The Seeed
Studio XIAO nRF52840 Sense wires it at 0x6A on its internal I2C bus (P0.27 SCL,
P0.07 SDA), powered from P1.08.

- WHO_AM_I reads 0x6A. CTRL3_C.SW_RESET restores the defaults (the bit reads 0 again);
  IF_INC (default 1) makes multi-byte accesses auto-increment the address.
- CTRL1_XL.ODR_XL / CTRL2_G.ODR_G: 12.5 Hz .. 6.66 kHz (codes 1..10); FS_XL +-2/16/4/8 g
  (0.061/0.488/0.122/0.244 mg/LSB), FS_G 250/500/1000/2000 dps (8.75/17.5/35/70
  mdps/LSB), FS_125 125 dps (4.375). Outputs are int16 little endian, saturated.
  The output clock runs at the accelerometer's ODR (the gyroscope's when the
  accelerometer is off); STATUS_REG.XLDA/GDA say a sample is new (cleared when read).
- FIFO (4 KiB, 2048 16-bit words): FIFO_CTRL3 picks what a data set holds (DEC_FIFO_GYRO,
  DEC_FIFO_XL: 0 = not in the FIFO, 1 = every sample; decimation not modelled),
  FIFO_CTRL5.FIFO_MODE bypass (0: off, emptied), FIFO (1: stops when full) or
  continuous (6: the newest overwrites the oldest); a data set is gyro XYZ then
  accelerometer XYZ, stored at each output sample while ODR_FIFO is not 0.
  FIFO_STATUS1/2 give DIFF_FIFO (words unread), FIFO_EMPTY, FIFO_FULL_SMART, OVER_RUN,
  WaterM (FTH); FIFO_STATUS3/4 the pattern index of the next word; reading
  FIFO_DATA_OUT_H pops a word. Every data set lost counts in `dropped_samples`.
- Not modelled: the embedded functions (pedometer, tilt, tap, 6D), the sensor hub,
  interrupts pins, self-test, filters, the temperature (reads 25 degC) and timestamps.
"""
from __future__ import annotations

from collections import deque
from fractions import Fraction

from ..registers import RO, RegisterMap
from .imu import ImuDevice, int16_byte, to_raw

WHO_AM_I_VALUE = 0x6A
ODR_HZ = {1: Fraction(25, 2), 2: Fraction(26), 3: Fraction(52), 4: Fraction(104),
          5: Fraction(208), 6: Fraction(416), 7: Fraction(833), 8: Fraction(1660),
          9: Fraction(3330), 10: Fraction(6660)}
XL_MG_PER_LSB = {0: 0.061, 1: 0.488, 2: 0.122, 3: 0.244}
G_MDPS_PER_LSB = {0: 8.75, 1: 17.50, 2: 35.0, 3: 70.0}
FS_125_MDPS_PER_LSB = 4.375
FIFO_WORDS = 2048
MODE_BYPASS, MODE_FIFO, MODE_CONTINUOUS = 0, 1, 6
OUTX_L_G, OUTX_L_XL = 0x22, 0x28


class Lsm6ds3(ImuDevice):
    def __init__(self, machine, name: str = "imu", address: int = 0x6A, axes=None):
        super().__init__(machine, name, (address,), axes)
        self.address = address
        self.regs = RegisterMap(f"{name} (LSM6DS3TR-C)", width=8)
        self._declare()
        self._software_reset()

    # ------------------------------------------------------------ registers
    def _declare(self) -> None:
        r = self.regs
        r.define(0x01, "FUNC_CFG_ACCESS").with_flag(5, "FUNC_CFG_EN_B").with_flag(7, "FUNC_CFG_EN")
        r.define(0x06, "FIFO_CTRL1").with_value_field(0, 8, "FTH_7_0")
        r.define(0x07, "FIFO_CTRL2").with_value_field(0, 3, "FTH_10_8") \
            .with_flag(3, "FIFO_TEMP_EN").with_flag(6, "TIMER_PEDO_FIFO_DRDY") \
            .with_flag(7, "TIMER_PEDO_FIFO_EN")
        r.define(0x08, "FIFO_CTRL3").with_value_field(0, 3, "DEC_FIFO_XL") \
            .with_value_field(3, 3, "DEC_FIFO_GYRO")
        r.define(0x09, "FIFO_CTRL4").with_value_field(0, 3, "DEC_DS3_FIFO") \
            .with_value_field(3, 3, "DEC_DS4_FIFO").with_flag(6, "ONLY_HIGH_DATA") \
            .with_flag(7, "STOP_ON_FTH")
        r.define(0x0A, "FIFO_CTRL5") \
            .with_value_field(0, 3, "FIFO_MODE", write=self._fifo_mode_written) \
            .with_value_field(3, 4, "ODR_FIFO")
        r.define(0x0B, "DRDY_PULSE_CFG_G").with_flag(0, "INT2_WRIST_TILT") \
            .with_flag(7, "DRDY_PULSED")
        r.define(0x0D, "INT1_CTRL").with_value_field(0, 8)
        r.define(0x0E, "INT2_CTRL").with_value_field(0, 8)
        r.define(0x0F, "WHO_AM_I").with_value_field(0, 8, mode=RO, reset=WHO_AM_I_VALUE)
        r.define(0x10, "CTRL1_XL").with_flag(0, "BW0_XL").with_flag(1, "LPF1_BW_SEL") \
            .with_value_field(2, 2, "FS_XL") \
            .with_value_field(4, 4, "ODR_XL", write=lambda v: self.restart_output())
        r.define(0x11, "CTRL2_G").with_flag(1, "FS_125").with_value_field(2, 2, "FS_G") \
            .with_value_field(4, 4, "ODR_G", write=lambda v: self.restart_output())
        r.define(0x12, "CTRL3_C") \
            .with_flag(0, "SW_RESET", write=lambda v: v and self._software_reset()) \
            .with_flag(1, "BLE").with_flag(2, "IF_INC", reset=1).with_flag(3, "SIM") \
            .with_flag(4, "PP_OD").with_flag(5, "H_LACTIVE").with_flag(6, "BDU") \
            .with_flag(7, "BOOT")
        for offset, name, reset in ((0x13, "CTRL4_C", 0), (0x14, "CTRL5_C", 0),
                                    (0x15, "CTRL6_C", 0), (0x16, "CTRL7_G", 0),
                                    (0x17, "CTRL8_XL", 0), (0x18, "CTRL9_XL", 0xE0),
                                    (0x19, "CTRL10_C", 0)):
            r.define(offset, name).with_value_field(0, 8, reset=reset)
        r.define(0x1E, "STATUS_REG").with_flag(0, "XLDA", mode=RO) \
            .with_flag(1, "GDA", mode=RO).with_flag(2, "TDA", mode=RO)
        r.define(0x20, "OUT_TEMP_L").with_value_field(0, 8, mode=RO)   # 0: 25 degC
        r.define(0x21, "OUT_TEMP_H").with_value_field(0, 8, mode=RO)
        self._define_outputs(OUTX_L_G, "G", 1)
        self._define_outputs(OUTX_L_XL, "XL", 0)
        r.define(0x3A, "FIFO_STATUS1").with_value_field(
            0, 8, "DIFF_FIFO_7_0", mode=RO, value=lambda: self._unread_words() & 0xFF)
        r.define(0x3B, "FIFO_STATUS2") \
            .with_value_field(0, 3, "DIFF_FIFO_10_8", mode=RO,
                              value=lambda: self._unread_words() >> 8) \
            .with_flag(4, "FIFO_EMPTY", mode=RO, value=lambda: not self.fifo) \
            .with_flag(5, "FIFO_FULL_SMART", mode=RO,
                       value=lambda: self._unread_words() + self._set_words() > FIFO_WORDS) \
            .with_flag(6, "OVER_RUN", mode=RO, value=lambda: self.overrun) \
            .with_flag(7, "WaterM", mode=RO, value=self._at_watermark)
        r.define(0x3C, "FIFO_STATUS3").with_value_field(
            0, 8, "FIFO_PATTERN_7_0", mode=RO, value=lambda: self._pattern & 0xFF)
        r.define(0x3D, "FIFO_STATUS4").with_value_field(
            0, 2, "FIFO_PATTERN_9_8", mode=RO, value=lambda: self._pattern >> 8)
        r.define(0x3E, "FIFO_DATA_OUT_L").with_value_field(
            0, 8, mode=RO, value=lambda: self._fifo_word() & 0xFF)
        r.define(0x3F, "FIFO_DATA_OUT_H").with_value_field(
            0, 8, mode=RO, value=lambda: self._fifo_word() >> 8,
            read=lambda v: self._fifo_pop())

    def _define_outputs(self, offset: int, suffix: str, which: int) -> None:
        for axis, name in enumerate("XYZ"):
            for high, half in enumerate("LH"):
                self.regs.define(offset + 2 * axis + high, f"OUT{name}_{half}_{suffix}") \
                    .with_value_field(0, 8, mode=RO,
                                      value=lambda w=which, a=axis, h=high: self._byte(w, a, h),
                                      read=lambda v, w=which: self._output_read(w))

    # ----------------------------------------------------------------- state
    def _software_reset(self) -> None:
        self.stop_output()
        self.regs.reset()
        self.data = [(0, 0, 0), (0, 0, 0)]        # accelerometer, gyroscope raw (chip axes)
        self.fifo: deque[int] = deque()           # 16-bit words
        self.overrun = False
        self._pattern = 0

    # -------------------------------------------------------------- I2C side
    def auto_increments(self, address: int, register: int) -> bool:
        return bool(self.regs.value("CTRL3_C", "IF_INC"))

    # ---------------------------------------------------------------- output
    def _rate_of(self, register: str, field: str) -> Fraction | None:
        return ODR_HZ.get(self.regs.value(register, field))

    def output_data_rate(self) -> Fraction | None:
        return self._rate_of("CTRL1_XL", "ODR_XL") or self._rate_of("CTRL2_G", "ODR_G")

    def _g_per_lsb(self) -> float:
        return XL_MG_PER_LSB[self.regs.value("CTRL1_XL", "FS_XL")] / 1000.0

    def _dps_per_lsb(self) -> float:
        if self.regs.value("CTRL2_G", "FS_125"):
            return FS_125_MDPS_PER_LSB / 1000.0
        return G_MDPS_PER_LSB[self.regs.value("CTRL2_G", "FS_G")] / 1000.0

    def sample_ready(self, time: int, accel_g: tuple, gyro_dps: tuple) -> None:
        if self._rate_of("CTRL1_XL", "ODR_XL"):
            unit = self._g_per_lsb()
            self.data[0] = tuple(to_raw(v, unit) for v in accel_g)
            self.record(time, self.data[0], unit)
            if self.regs.value("STATUS_REG", "XLDA") and not self._fifo_on():
                self.dropped_samples += 1          # overwritten before it was read
            self.regs.set("STATUS_REG", 1, "XLDA")
        if self._rate_of("CTRL2_G", "ODR_G"):
            self.data[1] = tuple(to_raw(v, self._dps_per_lsb()) for v in gyro_dps)
            self.regs.set("STATUS_REG", 1, "GDA")
        if self._fifo_on() and self.regs.value("FIFO_CTRL5", "ODR_FIFO"):
            self._fifo_store()

    def _byte(self, which: int, axis: int, high: int) -> int:
        return int16_byte(self.data[which][axis], high)

    def _output_read(self, which: int) -> None:
        self.regs.set("STATUS_REG", 0, "XLDA" if which == 0 else "GDA")

    # ------------------------------------------------------------------ FIFO
    def _fifo_on(self) -> bool:
        return self.regs.value("FIFO_CTRL5", "FIFO_MODE") != MODE_BYPASS

    def _fifo_mode_written(self, mode: int) -> None:
        if mode == MODE_BYPASS:
            self.fifo.clear()
            self.overrun = False
            self._pattern = 0

    def _set_words(self) -> int:
        return 3 * (bool(self.regs.value("FIFO_CTRL3", "DEC_FIFO_GYRO")) +
                    bool(self.regs.value("FIFO_CTRL3", "DEC_FIFO_XL")))

    def _fifo_store(self) -> None:
        words = []
        if self.regs.value("FIFO_CTRL3", "DEC_FIFO_GYRO"):
            words += [v & 0xFFFF for v in self.data[1]]
        if self.regs.value("FIFO_CTRL3", "DEC_FIFO_XL"):
            words += [v & 0xFFFF for v in self.data[0]]
        if not words:
            return
        continuous = self.regs.value("FIFO_CTRL5", "FIFO_MODE") == MODE_CONTINUOUS
        if not self.fifo_store(words, FIFO_WORDS, overwrite_oldest=continuous):
            self.overrun = True                        # FIFO mode: stopped when full

    def _unread_words(self) -> int:
        return len(self.fifo)

    def _at_watermark(self) -> bool:
        threshold = self.regs.value("FIFO_CTRL2", "FTH_10_8") << 8 | \
            self.regs.value("FIFO_CTRL1", "FTH_7_0")
        return bool(threshold) and len(self.fifo) >= threshold

    def _fifo_word(self) -> int:
        return self.fifo[0] if self.fifo else 0

    def _fifo_pop(self) -> None:
        if self.fifo:
            self.fifo.popleft()
            words = self._set_words() or 1
            self._pattern = (self._pattern + 1) % words
            self.overrun = False
