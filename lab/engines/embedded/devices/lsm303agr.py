"""ST LSM303AGR accelerometer (I2C 0x19) and magnetometer (0x1E).

Source: ST LSM303AGR datasheet (DocID027765), "Register mapping" and the accelerometer
and magnetometer register descriptions; summarised in docs/reference/lsm303agr.md. The
BBC micro:bit v2 wires it on its internal I2C bus (P0.08 SCL, P0.16 SDA; CODAL's
MicroBitIO), mounted upside down (CODAL's CoordinateSpace(SIMPLE_CARTESIAN, true)).

Accelerometer:
- WHO_AM_I_A reads 0x33. CTRL_REG1_A.ODR: 1/10/25/50/100/200/400 Hz (codes 1..7);
  Xen/Yen/Zen. CTRL_REG4_A.FS +-2/4/8/16 g, HR high resolution; CTRL_REG1_A.LPen low
  power. Outputs are left-justified int16: 12 bits in high-resolution mode (0.98/1.95/
  3.9/11.72 mg per digit), 10 bits in normal mode (3.9/7.82/15.63/46.9), 8 bits in
  low-power mode (15.63/31.26/62.52/187.58). CTRL_REG5_A.BOOT reloads the defaults.
- STATUS_REG_A.ZYXDA says a sample is new (cleared when OUT_Z_H_A is read); ZYXOR that
  one was overwritten unread.
- FIFO (32 samples): CTRL_REG5_A.FIFO_EN and FIFO_CTRL_REG_A.FM bypass (0), FIFO (1:
  stops when full), stream (2: the newest overwrites the oldest); stream-to-FIFO (3)
  behaves as stream (no trigger is modelled). FIFO_SRC_REG_A: FSS unread samples (31
  when full), EMPTY, OVRN_FIFO (full), WTM (FSS > FTH). Reading OUT_Z_H_A pops a sample.
- Multi-byte accesses auto-increment when bit 7 of the sub-address is set.
Magnetometer: WHO_AM_I_M reads 0x40; CFG_REG_A_M (ODR 10/20/50/100 Hz, MD, SOFT_RST,
REBOOT), CFG_REG_B_M/C_M, INT_CTRL_REG_M, offsets; no magnetic field is modelled: its
outputs read 0. Its addresses always auto-increment.
Not modelled: interrupts and their pins, click, 6D, the temperature sensor (reads 0),
self-test, the magnetometer's data-ready timing.
"""
from __future__ import annotations

from collections import deque
from fractions import Fraction

from ..registers import RO, RegisterMap
from .imu import ImuDevice, int16_byte, to_raw

WHO_AM_I_A_VALUE, WHO_AM_I_M_VALUE = 0x33, 0x40
ODR_HZ = {1: Fraction(1), 2: Fraction(10), 3: Fraction(25), 4: Fraction(50), 5: Fraction(100),
          6: Fraction(200), 7: Fraction(400)}
# mg per digit and the digit's width, per mode, for FS +-2/4/8/16 g
HIGH_RESOLUTION = ({0: 0.98, 1: 1.95, 2: 3.9, 3: 11.72}, 12)
NORMAL = ({0: 3.9, 1: 7.82, 2: 15.63, 3: 46.9}, 10)
LOW_POWER = ({0: 15.63, 1: 31.26, 2: 62.52, 3: 187.58}, 8)
FIFO_DEPTH = 32
FM_BYPASS, FM_FIFO = 0, 1
OUT_X_L_A = 0x28
AUTO_INCREMENT = 0x80


class Lsm303agr(ImuDevice):
    def __init__(self, machine, name: str = "imu", address: int = 0x19,
                 mag_address: int = 0x1E, axes=None):
        super().__init__(machine, name, (address, mag_address), axes)
        self.address, self.mag_address = address, mag_address
        self.accel = RegisterMap(f"{name} (LSM303AGR accelerometer)", width=8)
        self.mag = RegisterMap(f"{name} (LSM303AGR magnetometer)", width=8)
        self._declare_accelerometer()
        self._declare_magnetometer()
        self._increment = {address: False, mag_address: True}
        self._reboot()

    # ------------------------------------------------------------ registers
    def _declare_accelerometer(self) -> None:
        r = self.accel
        r.define(0x07, "STATUS_REG_AUX_A").with_flag(2, "TDA", mode=RO) \
            .with_flag(6, "TOR", mode=RO)
        r.define(0x0C, "OUT_TEMP_L_A").with_value_field(0, 8, mode=RO)
        r.define(0x0D, "OUT_TEMP_H_A").with_value_field(0, 8, mode=RO)
        r.define(0x0E, "INT_COUNTER_REG_A").with_value_field(0, 8, mode=RO)
        r.define(0x0F, "WHO_AM_I_A").with_value_field(0, 8, mode=RO, reset=WHO_AM_I_A_VALUE)
        r.define(0x1F, "TEMP_CFG_REG_A").with_value_field(6, 2, "TEMP_EN")
        r.define(0x20, "CTRL_REG1_A").with_flag(0, "Xen", reset=1).with_flag(1, "Yen", reset=1) \
            .with_flag(2, "Zen", reset=1).with_flag(3, "LPen") \
            .with_value_field(4, 4, "ODR", write=lambda v: self.restart_output())
        r.define(0x21, "CTRL_REG2_A").with_value_field(0, 8)
        r.define(0x22, "CTRL_REG3_A").with_value_field(0, 8)
        r.define(0x23, "CTRL_REG4_A").with_flag(0, "SPI_ENABLE").with_value_field(1, 2, "ST") \
            .with_flag(3, "HR").with_value_field(4, 2, "FS").with_flag(6, "BLE") \
            .with_flag(7, "BDU")
        r.define(0x24, "CTRL_REG5_A").with_flag(0, "D4D_INT2").with_flag(1, "LIR_INT2") \
            .with_flag(2, "D4D_INT1").with_flag(3, "LIR_INT1") \
            .with_flag(6, "FIFO_EN", write=lambda v: self._fifo_changed()) \
            .with_flag(7, "BOOT", write=lambda v: v and self._reboot())
        r.define(0x25, "CTRL_REG6_A").with_value_field(0, 8)
        r.define(0x26, "REFERENCE").with_value_field(0, 8)
        r.define(0x27, "STATUS_REG_A").with_flag(0, "XDA", mode=RO, value=self._new) \
            .with_flag(1, "YDA", mode=RO, value=self._new) \
            .with_flag(2, "ZDA", mode=RO, value=self._new) \
            .with_flag(3, "ZYXDA", mode=RO, value=self._new) \
            .with_flag(4, "XOR", mode=RO, value=lambda: self.overwritten) \
            .with_flag(5, "YOR", mode=RO, value=lambda: self.overwritten) \
            .with_flag(6, "ZOR", mode=RO, value=lambda: self.overwritten) \
            .with_flag(7, "ZYXOR", mode=RO, value=lambda: self.overwritten)
        for axis, name in enumerate("XYZ"):
            for high, half in enumerate("LH"):
                last = (axis, high) == (2, 1)
                r.define(OUT_X_L_A + 2 * axis + high, f"OUT_{name}_{half}_A") \
                    .with_value_field(0, 8, mode=RO,
                                      value=lambda a=axis, h=high: self._byte(a, h),
                                      read=self._sample_read if last else None)
        r.define(0x2E, "FIFO_CTRL_REG_A").with_value_field(0, 5, "FTH").with_flag(5, "TR") \
            .with_value_field(6, 2, "FM", write=lambda v: self._fifo_changed())
        r.define(0x2F, "FIFO_SRC_REG_A") \
            .with_value_field(0, 5, "FSS", mode=RO, value=lambda: min(len(self.fifo), 31)) \
            .with_flag(5, "EMPTY", mode=RO, value=lambda: not self.fifo) \
            .with_flag(6, "OVRN_FIFO", mode=RO, value=lambda: len(self.fifo) == FIFO_DEPTH) \
            .with_flag(7, "WTM", mode=RO,
                       value=lambda: len(self.fifo) > self.accel.value("FIFO_CTRL_REG_A", "FTH"))
        for offset, name in ((0x30, "INT1_CFG_A"), (0x32, "INT1_THS_A"), (0x33, "INT1_DURATION_A"),
                             (0x34, "INT2_CFG_A"), (0x36, "INT2_THS_A"), (0x37, "INT2_DURATION_A"),
                             (0x38, "CLICK_CFG_A"), (0x3A, "CLICK_THS_A"), (0x3B, "TIME_LIMIT_A"),
                             (0x3C, "TIME_LATENCY_A"), (0x3D, "TIME_WINDOW_A"),
                             (0x3E, "Act_THS_A"), (0x3F, "Act_DUR_A")):
            r.define(offset, name).with_value_field(0, 8)
        for offset, name in ((0x31, "INT1_SRC_A"), (0x35, "INT2_SRC_A"), (0x39, "CLICK_SRC_A")):
            r.define(offset, name).with_value_field(0, 8, mode=RO)

    def _declare_magnetometer(self) -> None:
        r = self.mag
        for n, name in enumerate(("X_REG_L", "X_REG_H", "Y_REG_L", "Y_REG_H", "Z_REG_L",
                                  "Z_REG_H")):
            r.define(0x45 + n, f"OFFSET_{name}_M").with_value_field(0, 8)
        r.define(0x4F, "WHO_AM_I_M").with_value_field(0, 8, mode=RO, reset=WHO_AM_I_M_VALUE)
        r.define(0x60, "CFG_REG_A_M").with_value_field(0, 2, "MD", reset=3) \
            .with_value_field(2, 2, "ODR").with_flag(4, "LP") \
            .with_flag(5, "SOFT_RST", write=lambda v: v and self._magnetometer_reset()) \
            .with_flag(6, "REBOOT").with_flag(7, "COMP_TEMP_EN")
        r.define(0x61, "CFG_REG_B_M").with_flag(0, "LPF").with_flag(1, "OFF_CANC") \
            .with_flag(2, "Set_FREQ").with_flag(3, "INT_on_DataOFF") \
            .with_flag(4, "OFF_CANC_ONE_SHOT")
        r.define(0x62, "CFG_REG_C_M").with_flag(0, "INT_MAG").with_flag(1, "Self_test") \
            .with_flag(3, "BLE").with_flag(4, "BDU").with_flag(5, "I2C_DIS") \
            .with_flag(6, "INT_MAG_PIN")
        r.define(0x63, "INT_CTRL_REG_M").with_flag(0, "IEN").with_flag(1, "IEL") \
            .with_flag(2, "IEA").with_value_field(5, 3, "XYZIEN", reset=7)
        r.define(0x64, "INT_SOURCE_REG_M").with_value_field(0, 8, mode=RO)
        r.define(0x65, "INT_THS_L_REG_M").with_value_field(0, 8)
        r.define(0x66, "INT_THS_H_REG_M").with_value_field(0, 8)
        r.define(0x67, "STATUS_REG_M").with_value_field(0, 8, mode=RO)
        for n in range(6):                       # no magnetic field is modelled: 0
            r.define(0x68 + n, f"OUT{'XYZ'[n // 2]}_{'LH'[n % 2]}_REG_M") \
                .with_value_field(0, 8, mode=RO)

    # ----------------------------------------------------------------- state
    def _reboot(self) -> None:
        """Power-on or CTRL_REG5_A.BOOT: the accelerometer's defaults, FIFO empty."""
        self.stop_output()
        self.accel.reset()
        self.fifo: deque = deque()
        self.sample = (0, 0, 0)
        self.unread = False
        self.overwritten = False

    def _magnetometer_reset(self) -> None:
        self.mag.reset()

    # -------------------------------------------------------------- I2C side
    def registers_at(self, address: int) -> RegisterMap:
        return self.accel if address == self.address else self.mag

    def subaddress_written(self, address: int, byte: int) -> None:
        super().subaddress_written(address, byte)
        if address == self.address:
            self._increment[address] = bool(byte & AUTO_INCREMENT)

    def auto_increments(self, address: int, register: int) -> bool:
        return self._increment[address]

    # ---------------------------------------------------------------- output
    def output_data_rate(self) -> Fraction | None:
        return ODR_HZ.get(self.accel.value("CTRL_REG1_A", "ODR"))

    def _mode(self) -> tuple[dict, int]:
        if self.accel.value("CTRL_REG1_A", "LPen"):
            return LOW_POWER
        return HIGH_RESOLUTION if self.accel.value("CTRL_REG4_A", "HR") else NORMAL

    def g_per_lsb(self) -> float:
        """g per unit of the left-justified int16 output."""
        mg_per_digit, bits = self._mode()
        return mg_per_digit[self.accel.value("CTRL_REG4_A", "FS")] / 1000 / 2 ** (16 - bits)

    def sample_ready(self, time: int, accel_g: tuple, gyro_dps: tuple) -> None:
        mg_per_digit, bits = self._mode()
        digit_g = mg_per_digit[self.accel.value("CTRL_REG4_A", "FS")] / 1000
        limit = 2 ** (bits - 1)
        enabled = [self.accel.value("CTRL_REG1_A", flag) for flag in ("Xen", "Yen", "Zen")]
        sample = tuple(max(-limit, min(limit - 1, to_raw(v, digit_g))) << (16 - bits) if on else 0
                       for v, on in zip(accel_g, enabled))
        self.record(time, sample, self.g_per_lsb())
        if self._fifo_on():
            stream = self.accel.value("FIFO_CTRL_REG_A", "FM") != FM_FIFO
            self.fifo_store([sample], FIFO_DEPTH, overwrite_oldest=stream)
            return
        if self.unread:
            self.dropped_samples += 1
            self.overwritten = True
        self.sample, self.unread = sample, True

    def _new(self) -> bool:
        return bool(self.fifo) if self._fifo_on() else self.unread

    def _byte(self, axis: int, high: int) -> int:
        sample = self.fifo[0] if self._fifo_on() and self.fifo else self.sample
        return int16_byte(sample[axis], high)

    def _sample_read(self, value: int) -> None:
        if self._fifo_on():
            if self.fifo:
                self.fifo.popleft()
        else:
            self.unread = self.overwritten = False

    # ------------------------------------------------------------------ FIFO
    def _fifo_on(self) -> bool:
        return bool(self.accel.value("CTRL_REG5_A", "FIFO_EN")) and \
            self.accel.value("FIFO_CTRL_REG_A", "FM") != FM_BYPASS

    def _fifo_changed(self) -> None:
        if not self._fifo_on():
            self.fifo.clear()               # bypass mode empties the FIFO
