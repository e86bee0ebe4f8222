"""ST LSM9DS1 IMU on I2C: accelerometer + gyroscope at 0x6B, magnetometer at 0x1E.

Registers are declared field by field from the project's reference notes (ST's
lsm9ds1_reg.h and the datasheet); reserved registers and bits read 0.
CTRL_REG8.SW_RESET restores the accelerometer/gyroscope's defaults,
CTRL_REG2_M.SOFT_RST the magnetometer's (each bit reads 0 again). No magnetic field
is modelled: the magnetometer's outputs read 0.

Output data appear at the configured ODR in virtual time (in gyro+accel mode the
accelerometer runs at the gyro's rate), scaled by the full-scale sensitivity and
saturated to int16. The FIFO holds 32 entries (gyro XYZ + accel XYZ):
bypass, FIFO (stops when full) and continuous (overwrites the oldest) modes, FSS,
watermark and overrun flags. Reading the last accelerometer byte (OUT_Z_H_XL) pops a
FIFO entry. Register addresses auto-increment (CTRL_REG8.IF_ADD_INC, or bit 7 of the
sub-address, as the Arduino library sends it).

Keep-up accounting: every sample lost on a full FIFO, or overwritten unread in
bypass mode, counts in `dropped_samples`. The chip is outside the MCU: a soft reset
of the nRF52840 leaves it as it was.
"""
from __future__ import annotations

from collections import deque
from fractions import Fraction

from ..registers import RO, RegisterMap
from .imu import ImuDevice, int16_byte, to_raw

WHO_AM_I_VALUE, MAG_WHO_AM_I_VALUE = 0x68, 0x3D
OUT_X_L_G, OUT_X_L_XL, OUT_X_L_M = 0x18, 0x28, 0x28
AUTO_INCREMENT = 0x80            # bit 7 of a sub-address

GYRO_ODR_HZ = {1: Fraction(149, 10), 2: Fraction(119, 2), 3: Fraction(119), 4: Fraction(238),
               5: Fraction(476), 6: Fraction(952)}
ACCEL_ODR_HZ = {1: Fraction(10), 2: Fraction(50), 3: Fraction(119), 4: Fraction(238),
                5: Fraction(476), 6: Fraction(952)}
ACCEL_MG_PER_LSB = {0: 0.061, 1: 0.732, 2: 0.122, 3: 0.244}     # FS_XL 2/16/4/8 g
GYRO_MDPS_PER_LSB = {0: 8.75, 1: 17.50, 2: 17.50, 3: 70.0}       # FS_G 245/500/-/2000 dps
FIFO_DEPTH = 32
FMODE_BYPASS, FMODE_CONTINUOUS = 0, 6    # FMODE 1 (FIFO): stops collecting when full
AXES = "XYZ"
GYRO, ACCEL = 0, 3               # where each sensor's XYZ start in a sample


class Lsm9ds1(ImuDevice):
    def __init__(self, machine, name: str = "imu", address: int = 0x6B,
                 mag_address: int = 0x1E, axes=None):
        super().__init__(machine, name, (address, mag_address), axes)
        self.address, self.mag_address = address, mag_address
        self.ag = RegisterMap(f"{name} accelerometer/gyroscope", width=8)
        self.mag = RegisterMap(f"{name} magnetometer", width=8)
        self._declare_accel_gyro()
        self._declare_magnetometer()
        self._increment = {address: False, mag_address: False}
        self._reset_accel_gyro()

    # ------------------------------------------------------------ registers
    def _declare_accel_gyro(self) -> None:
        r = self.ag
        r.define(0x04, "ACT_THS").with_value_field(0, 7, "ACT_THS") \
            .with_flag(7, "SLEEP_ON_INACT_EN")
        r.define(0x05, "ACT_DUR").with_value_field(0, 8)
        define_interrupt_config(r, 0x06, "INT_GEN_CFG_XL", "_XL", "6D")
        for offset, axis in zip((0x07, 0x08, 0x09), AXES):
            r.define(offset, f"INT_GEN_THS_{axis}_XL").with_value_field(0, 8)
        r.define(0x0A, "INT_GEN_DUR_XL").with_value_field(0, 7, "DUR_XL").with_flag(7, "WAIT_XL")
        r.define(0x0B, "REFERENCE_G").with_value_field(0, 8)
        r.define(0x0C, "INT1_CTRL").with_flag(0, "INT1_DRDY_XL").with_flag(1, "INT1_DRDY_G") \
            .with_flag(2, "INT1_BOOT").with_flag(3, "INT1_FTH").with_flag(4, "INT1_OVR") \
            .with_flag(5, "INT1_FSS5").with_flag(6, "INT1_IG_XL").with_flag(7, "INT1_IG_G")
        r.define(0x0D, "INT2_CTRL").with_flag(0, "INT2_DRDY_XL").with_flag(1, "INT2_DRDY_G") \
            .with_flag(2, "INT2_DRDY_TEMP").with_flag(3, "INT2_FTH").with_flag(4, "INT2_OVR") \
            .with_flag(5, "INT2_FSS5").with_flag(7, "INT2_INACT")
        r.define(0x0F, "WHO_AM_I").with_value_field(0, 8, mode=RO, reset=WHO_AM_I_VALUE)
        r.define(0x10, "CTRL_REG1_G").with_value_field(0, 2, "BW_G") \
            .with_value_field(3, 2, "FS_G") \
            .with_value_field(5, 3, "ODR_G", write=lambda v: self.restart_output())
        r.define(0x11, "CTRL_REG2_G").with_value_field(0, 2, "OUT_SEL") \
            .with_value_field(2, 2, "INT_SEL")
        r.define(0x12, "CTRL_REG3_G").with_value_field(0, 4, "HPCF_G").with_flag(6, "HP_EN") \
            .with_flag(7, "LP_MODE")
        r.define(0x13, "ORIENT_CFG_G").with_value_field(0, 3, "ORIENT") \
            .with_flag(3, "SIGNZ_G").with_flag(4, "SIGNY_G").with_flag(5, "SIGNX_G")
        define_interrupt_source(r, 0x14, "INT_GEN_SRC_G", "_G")
        r.define(0x15, "OUT_TEMP_L").with_value_field(0, 8, mode=RO)   # 0: 25 degC
        r.define(0x16, "OUT_TEMP_H").with_value_field(0, 8, mode=RO)
        self._define_status(0x17, "STATUS_REG")
        self._define_outputs(OUT_X_L_G, "G", GYRO)
        r.define(0x1E, "CTRL_REG4").with_flag(0, "4D_XL1").with_flag(1, "LIR_XL1") \
            .with_flag(3, "XEN_G", reset=1).with_flag(4, "YEN_G", reset=1) \
            .with_flag(5, "ZEN_G", reset=1)
        r.define(0x1F, "CTRL_REG5_XL").with_flag(3, "XEN_XL", reset=1) \
            .with_flag(4, "YEN_XL", reset=1).with_flag(5, "ZEN_XL", reset=1) \
            .with_value_field(6, 2, "DEC")
        r.define(0x20, "CTRL_REG6_XL").with_value_field(0, 2, "BW_XL") \
            .with_flag(2, "BW_SCAL_ODR").with_value_field(3, 2, "FS_XL") \
            .with_value_field(5, 3, "ODR_XL", write=lambda v: self.restart_output())
        r.define(0x21, "CTRL_REG7_XL").with_flag(0, "HPIS1").with_flag(2, "FDS") \
            .with_value_field(5, 2, "DCF").with_flag(7, "HR")
        r.define(0x22, "CTRL_REG8") \
            .with_flag(0, "SW_RESET", write=lambda v: v and self._reset_accel_gyro()) \
            .with_flag(1, "BLE").with_flag(2, "IF_ADD_INC", reset=1).with_flag(3, "SIM") \
            .with_flag(4, "PP_OD").with_flag(5, "H_LACTIVE").with_flag(6, "BDU") \
            .with_flag(7, "BOOT")
        r.define(0x23, "CTRL_REG9").with_flag(0, "STOP_ON_FTH").with_flag(1, "FIFO_EN") \
            .with_flag(2, "I2C_DISABLE").with_flag(3, "DRDY_MASK_BIT") \
            .with_flag(4, "FIFO_TEMP_EN").with_flag(6, "SLEEP_G")
        r.define(0x24, "CTRL_REG10").with_flag(0, "ST_XL").with_flag(2, "ST_G")
        define_interrupt_source(r, 0x26, "INT_GEN_SRC_XL", "_XL")
        self._define_status(0x27, "STATUS_REG_2")
        self._define_outputs(OUT_X_L_XL, "XL", ACCEL)
        r.define(0x2E, "FIFO_CTRL").with_value_field(0, 5, "FTH") \
            .with_value_field(5, 3, "FMODE", write=self._fifo_mode_written)
        r.define(0x2F, "FIFO_SRC") \
            .with_value_field(0, 6, "FSS", mode=RO, value=self._unread_entries) \
            .with_flag(6, "OVRN", mode=RO, value=lambda: self.overrun) \
            .with_flag(7, "FTH", mode=RO, value=self._at_watermark)
        define_interrupt_config(r, 0x30, "INT_GEN_CFG_G", "_G", "LIR_G")
        r.define(0x31, "INT_GEN_THS_XH_G").with_value_field(0, 7, "THS_G_X") \
            .with_flag(7, "DCRM_G")
        r.define(0x32, "INT_GEN_THS_XL_G").with_value_field(0, 8, "THS_G_X")
        for offset, axis in ((0x33, "Y"), (0x35, "Z")):
            r.define(offset, f"INT_GEN_THS_{axis}H_G").with_value_field(0, 7, f"THS_G_{axis}")
            r.define(offset + 1, f"INT_GEN_THS_{axis}L_G").with_value_field(0, 8, f"THS_G_{axis}")
        r.define(0x37, "INT_GEN_DUR_G").with_value_field(0, 7, "DUR_G").with_flag(7, "WAIT_G")

    def _define_status(self, offset: int, name: str) -> None:
        self.ag.define(offset, name) \
            .with_flag(0, "XLDA", mode=RO, value=self._data_available) \
            .with_flag(1, "GDA", mode=RO, value=self._data_available) \
            .with_flag(2, "TDA", mode=RO).with_flag(3, "BOOT_STATUS", mode=RO) \
            .with_flag(4, "INACT", mode=RO).with_flag(5, "IG_G", mode=RO) \
            .with_flag(6, "IG_XL", mode=RO)

    def _define_outputs(self, offset: int, suffix: str, first: int) -> None:
        """OUT_X_L_<suffix> .. OUT_Z_H_<suffix>: int16 little endian per axis."""
        for axis, name in enumerate(AXES):
            for high, half in enumerate("LH"):
                index = first + axis
                completes_sample = (index, high) == (ACCEL + 2, 1)    # OUT_Z_H_XL
                self.ag.define(offset + 2 * axis + high, f"OUT_{name}_{half}_{suffix}") \
                    .with_value_field(0, 8, mode=RO,
                                      value=lambda i=index, h=high: self._output_byte(i, h),
                                      read=self._sample_read if completes_sample else None)

    def _declare_magnetometer(self) -> None:
        r = self.mag
        for n, name in enumerate(f"{axis}_REG_{half}_M" for axis in AXES for half in "LH"):
            r.define(0x05 + n, f"OFFSET_{name}").with_value_field(0, 8)
        r.define(0x0F, "WHO_AM_I_M").with_value_field(0, 8, mode=RO, reset=MAG_WHO_AM_I_VALUE)
        r.define(0x20, "CTRL_REG1_M").with_flag(0, "ST").with_flag(1, "FAST_ODR") \
            .with_value_field(2, 3, "DO", reset=4).with_value_field(5, 2, "OM") \
            .with_flag(7, "TEMP_COMP")
        r.define(0x21, "CTRL_REG2_M") \
            .with_flag(2, "SOFT_RST", write=lambda v: v and self.mag.reset()) \
            .with_flag(3, "REBOOT").with_value_field(5, 2, "FS")
        r.define(0x22, "CTRL_REG3_M").with_value_field(0, 2, "MD", reset=3).with_flag(2, "SIM") \
            .with_flag(5, "LP").with_flag(7, "I2C_DISABLE")
        r.define(0x23, "CTRL_REG4_M").with_flag(1, "BLE").with_value_field(2, 2, "OMZ")
        r.define(0x24, "CTRL_REG5_M").with_flag(6, "BDU").with_flag(7, "FAST_READ")
        r.define(0x27, "STATUS_REG_M") \
            .with_flag(0, "XDA", mode=RO).with_flag(1, "YDA", mode=RO) \
            .with_flag(2, "ZDA", mode=RO).with_flag(3, "ZYXDA", mode=RO) \
            .with_flag(4, "XOR", mode=RO).with_flag(5, "YOR", mode=RO) \
            .with_flag(6, "ZOR", mode=RO).with_flag(7, "ZYXOR", mode=RO)
        for axis, name in enumerate(AXES):        # no magnetic field is modelled: 0
            for high, half in enumerate("LH"):
                r.define(OUT_X_L_M + 2 * axis + high, f"OUT_{name}_{half}_M") \
                    .with_value_field(0, 8, mode=RO)
        r.define(0x30, "INT_CFG_M").with_flag(0, "IEN").with_flag(1, "IEL").with_flag(2, "IEA") \
            .with_flag(3, "ONE", mode=RO, reset=1) \
            .with_flag(5, "ZIEN").with_flag(6, "YIEN").with_flag(7, "XIEN")
        r.define(0x31, "INT_SRC_M").with_flag(0, "INT", mode=RO).with_flag(1, "MROI", mode=RO) \
            .with_flag(2, "NTH_Z", mode=RO).with_flag(3, "NTH_Y", mode=RO) \
            .with_flag(4, "NTH_X", mode=RO).with_flag(5, "PTH_Z", mode=RO) \
            .with_flag(6, "PTH_Y", mode=RO).with_flag(7, "PTH_X", mode=RO)
        r.define(0x32, "INT_THS_L_M").with_value_field(0, 8, "THS")
        r.define(0x33, "INT_THS_H_M").with_value_field(0, 7, "THS")

    # ------------------------------------------------------------------ state
    def _reset_accel_gyro(self) -> None:
        """Power-on state, or CTRL_REG8.SW_RESET: registers to their defaults, output
        stopped, FIFO empty."""
        self.stop_output()
        self.ag.reset()
        self.fifo: deque = deque()
        self.overrun = False
        self.output = (0, 0, 0, 0, 0, 0)   # gyro xyz, accel xyz (raw)
        self.unread = False
        self._sample_index = 0

    # ------------------------------------------------------------- I2C side
    def registers_at(self, address: int) -> RegisterMap:
        return self.ag if address == self.address else self.mag

    def subaddress_written(self, address: int, byte: int) -> None:
        super().subaddress_written(address, byte)
        self._increment[address] = bool(byte & AUTO_INCREMENT)

    def auto_increments(self, address: int, register: int) -> bool:
        return self._increment[address] or \
            (address == self.address and bool(self.ag.value("CTRL_REG8", "IF_ADD_INC")))

    # ------------------------------------------------------------- outputs
    def _data_available(self) -> bool:
        """STATUS_REG.XLDA/GDA: a sample not yet read (in FIFO mode: the FIFO holds one)."""
        if self._fifo_active():
            return bool(self.fifo)
        return self.unread

    def _unread_entries(self) -> int:
        return min(len(self.fifo), FIFO_DEPTH)

    def _at_watermark(self) -> bool:
        threshold = self.ag.value("FIFO_CTRL", "FTH")
        return bool(threshold) and len(self.fifo) >= threshold

    def _output_byte(self, index: int, high: int) -> int:
        sample = self.fifo[0] if self._fifo_active() and self.fifo else self.output
        return int16_byte(sample[index], high)

    def _sample_read(self, last_byte: int) -> None:
        """Reading OUT_Z_H_XL, the last byte of a sample, consumes it (pops the FIFO)."""
        if self._fifo_active():
            if self.fifo:
                self.fifo.popleft()
                self.overrun = False
        else:
            self.unread = False

    def _fifo_active(self) -> bool:
        return bool(self.ag.value("CTRL_REG9", "FIFO_EN")) and \
            self.ag.value("FIFO_CTRL", "FMODE") != FMODE_BYPASS

    def _fifo_mode_written(self, mode: int) -> None:
        if mode == FMODE_BYPASS:
            self.fifo.clear()            # bypass mode empties the FIFO
            self.overrun = False

    # ---------------------------------------------------------- data output
    def output_data_rate(self) -> Fraction | None:
        gyro_code = self.ag.value("CTRL_REG1_G", "ODR_G")
        if gyro_code in GYRO_ODR_HZ:
            return GYRO_ODR_HZ[gyro_code]      # gyro + accel: the accel follows the gyro
        return ACCEL_ODR_HZ.get(self.ag.value("CTRL_REG6_XL", "ODR_XL"))

    def sample_ready(self, time: int, accel_g: tuple, gyro_dps: tuple) -> None:
        accel_unit = self._accel_g_per_lsb()
        gyro_unit = GYRO_MDPS_PER_LSB[self.ag.value("CTRL_REG1_G", "FS_G")] / 1000.0
        sample = tuple(to_raw(v, gyro_unit) for v in gyro_dps) + \
            tuple(to_raw(v, accel_unit) for v in accel_g)
        self.record(time, sample[ACCEL:], accel_unit)
        if self._fifo_active():
            continuous = self.ag.value("FIFO_CTRL", "FMODE") == FMODE_CONTINUOUS
            if not self.fifo_store([sample], FIFO_DEPTH, overwrite_oldest=continuous):
                self.overrun = True      # FIFO mode: collection stops while full
            return
        if self.unread:
            self.dropped_samples += 1        # overwritten before it was read
        self.output, self.unread = sample, True

    def _accel_g_per_lsb(self) -> float:
        return ACCEL_MG_PER_LSB[self.ag.value("CTRL_REG6_XL", "FS_XL")] / 1000.0


def define_interrupt_config(regs, offset: int, name: str, suffix: str, bit6: str) -> None:
    """INT_GEN_CFG_XL / INT_GEN_CFG_G: per-axis high/low interrupt enables, AOI, and
    6D (accelerometer) or LIR_G (gyroscope) at bit 6."""
    register = regs.define(offset, name)
    for n, event in enumerate(f"{axis}{level}IE" for axis in AXES for level in "LH"):
        register.with_flag(n, event + suffix)
    register.with_flag(6, bit6).with_flag(7, "AOI" + suffix)


def define_interrupt_source(regs, offset: int, name: str, suffix: str) -> None:
    """INT_GEN_SRC_XL / INT_GEN_SRC_G (read-only): which threshold was crossed, IA."""
    register = regs.define(offset, name)
    for n, event in enumerate(f"{axis}{level}" for axis in AXES for level in "LH"):
        register.with_flag(n, event + suffix, mode=RO)
    register.with_flag(6, "IA" + suffix, mode=RO)
