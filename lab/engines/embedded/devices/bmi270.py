"""Bosch BMI270 IMU (accelerometer + gyroscope) on I2C at 0x68 (0x69 with SDO high).

Source: Bosch Sensortec BMI270 datasheet BST-BMI270-DS000, "Register map" and the
registers' descriptions; start-up sequence from its "Quick start" section; summarised
with what the lab models in docs/reference/bmi270.md. The Arduino Nano 33 BLE Sense Rev2
wires it at 0x68 on the internal I2C bus (Arduino_BMI270_BMM150 library).

- CHIP_ID reads 0x24. CMD 0xB6 soft-resets the chip, 0xB0 flushes the FIFO.
- Initialisation: with PWR_CONF.adv_power_save cleared, the host writes INIT_CTRL = 0,
  uploads the 8 KiB configuration file through INIT_DATA (burst writes that stay on
  INIT_DATA; INIT_ADDR_0/1 give the word address each chunk starts at), then writes
  INIT_CTRL = 1. INTERNAL_STATUS.message reads 0x1 (init_ok) INIT_TIME_S later when all
  8192 bytes arrived, 0x2 (init_err) otherwise. The model checks the upload, not the
  configuration's content (the feature engine's program is not modelled), and, like
  the chip, measures nothing before its initialisation succeeded.
- Data: PWR_CTRL.acc_en / gyr_en start the accelerometer and gyroscope at ACC_CONF.acc_odr
  / GYR_CONF.gyr_odr (25/32 .. 1600 Hz, 25 .. 3200 Hz); ACC_RANGE (+-2/4/8/16 g) and
  GYR_RANGE (+-2000 .. 125 dps) give the scale: 32768 LSB per full scale. Both sensors
  share one output clock at the faster ODR (the slower one updates every n-th tick).
  STATUS.drdy_acc/drdy_gyr say a sample is new (cleared when its data is read),
  INT_STATUS_1 the data-ready, watermark and full interrupts (cleared on read).
- FIFO (6 KiB): FIFO_CONFIG_1 selects the sensors (fifo_acc_en, fifo_gyr_en) and header
  mode (fifo_header_en). Headerless frames are [gyr xyz][acc xyz]; header-mode frames
  start with 0x84 (acc), 0x88 (gyr) or 0x8C (both). FIFO_LENGTH counts the bytes unread;
  reading FIFO_DATA pops bytes (burst reads stay on FIFO_DATA). Reading past the end
  gives 0x80 in header mode (after one sensortime frame 0x44 + 3 bytes when
  fifo_time_en), 0x8000 per axis headerless. On a full FIFO, fifo_stop_on_full keeps the
  old frames (the new one is lost), otherwise the oldest frames make room; each lost
  frame counts in `dropped_samples`. FIFO_DOWNS (downsampling) is not modelled.
- Not modelled: the auxiliary interface (BMM150 behind it), the feature engine (step
  counter, gestures, FEATURES pages), self-test, NVM, temperature (reads 23 degC),
  the interrupt pins.
"""
from __future__ import annotations

from collections import deque
from fractions import Fraction

from ..registers import RC, RO, WO, RegisterMap
from .imu import ImuDevice, int16_byte, to_raw

CHIP_ID_VALUE = 0x24
CONFIG_FILE_BYTES = 8192
INIT_TIME_S = Fraction(20, 1000)          # the datasheet's wait before INTERNAL_STATUS
MESSAGE_NOT_INIT, MESSAGE_INIT_OK, MESSAGE_INIT_ERR = 0x0, 0x1, 0x2
FIFO_DATA, INIT_DATA = 0x26, 0x5E         # burst accesses stay on these registers
FIFO_BYTES = 6144
CMD_SOFT_RESET, CMD_FIFO_FLUSH = 0xB6, 0xB0
SENSORTIME_TICK_S = Fraction(1, 25600)    # 39.0625 us per LSB

# ACC_CONF.acc_odr / GYR_CONF.gyr_odr: 100 Hz * 2^(code - 8)
ACC_ODR_CODES = range(0x1, 0xD)           # 0.78 Hz .. 1600 Hz
GYR_ODR_CODES = range(0x6, 0xE)           # 25 Hz .. 3200 Hz
ACC_RANGE_G = {0: 2, 1: 4, 2: 8, 3: 16}
GYR_RANGE_DPS = {0: 2000, 1: 1000, 2: 500, 3: 250, 4: 125}
HEADER_ACC, HEADER_GYR, HEADER_EMPTY, HEADER_SENSORTIME = 0x84, 0x88, 0x80, 0x44


def odr_hz(code: int) -> Fraction:
    return Fraction(100) * Fraction(2) ** (code - 8)


class Bmi270(ImuDevice):
    def __init__(self, machine, name: str = "imu", address: int = 0x68, axes=None):
        super().__init__(machine, name, (address,), axes)
        self.address = address
        self.regs = RegisterMap(f"{name} (BMI270)", width=8)
        self._declare()
        self._power_on()

    # ------------------------------------------------------------- registers
    def _declare(self) -> None:
        r = self.regs
        r.define(0x00, "CHIP_ID").with_value_field(0, 8, mode=RO, reset=CHIP_ID_VALUE)
        r.define(0x02, "ERR_REG").with_flag(0, "fatal_err", mode=RO) \
            .with_value_field(1, 4, "internal_err", mode=RO).with_flag(6, "fifo_err", mode=RO) \
            .with_flag(7, "aux_err", mode=RO)
        r.define(0x03, "STATUS").with_flag(2, "aux_busy", mode=RO) \
            .with_flag(4, "cmd_rdy", mode=RO, reset=1).with_flag(5, "drdy_aux", mode=RO) \
            .with_flag(6, "drdy_gyr", mode=RO).with_flag(7, "drdy_acc", mode=RO)
        for n in range(8):                                   # DATA_0..7: the aux sensor
            r.define(0x04 + n, f"DATA_{n}").with_value_field(0, 8, mode=RO)
        self._define_data(0x0C, "ACC", 0)
        self._define_data(0x12, "GYR", 1)
        for n in range(3):
            r.define(0x18 + n, f"SENSORTIME_{n}").with_value_field(
                0, 8, mode=RO, value=lambda n=n: self._sensortime() >> (8 * n) & 0xFF)
        r.define(0x1B, "EVENT").with_flag(0, "por_detected", mode=RC, reset=1) \
            .with_value_field(2, 3, "error_code", mode=RO)
        r.define(0x1C, "INT_STATUS_0").with_value_field(0, 8, mode=RC)
        r.define(0x1D, "INT_STATUS_1").with_flag(0, "ffull_int", mode=RC) \
            .with_flag(1, "fwm_int", mode=RC).with_flag(2, "err_int", mode=RC) \
            .with_flag(5, "aux_drdy_int", mode=RC).with_flag(6, "gyr_drdy_int", mode=RC) \
            .with_flag(7, "acc_drdy_int", mode=RC)
        r.define(0x21, "INTERNAL_STATUS") \
            .with_value_field(0, 4, "message", mode=RO, value=self._init_message) \
            .with_flag(5, "axes_remap_error", mode=RO).with_flag(6, "odr_50hz_error", mode=RO)
        r.define(0x22, "TEMPERATURE_0").with_value_field(0, 8, mode=RO)   # 0: 23 degC
        r.define(0x23, "TEMPERATURE_1").with_value_field(0, 8, mode=RO)
        r.define(0x24, "FIFO_LENGTH_0").with_value_field(
            0, 8, "fifo_byte_counter_7_0", mode=RO, value=lambda: self._fifo_length() & 0xFF)
        r.define(0x25, "FIFO_LENGTH_1").with_value_field(
            0, 6, "fifo_byte_counter_13_8", mode=RO, value=lambda: self._fifo_length() >> 8)
        r.define(FIFO_DATA, "FIFO_DATA").with_value_field(0, 8, mode=RO,
                                                          value=self._fifo_peek_byte,
                                                          read=lambda v: self._fifo_pop_byte())
        r.define(0x40, "ACC_CONF") \
            .with_value_field(0, 4, "acc_odr", reset=0x8, write=lambda v: self._config()) \
            .with_value_field(4, 3, "acc_bwp", reset=0x2).with_flag(7, "acc_filter_perf", reset=1)
        r.define(0x41, "ACC_RANGE").with_value_field(0, 2, "acc_range", reset=0x2)
        r.define(0x42, "GYR_CONF") \
            .with_value_field(0, 4, "gyr_odr", reset=0x9, write=lambda v: self._config()) \
            .with_value_field(4, 2, "gyr_bwp", reset=0x2).with_flag(6, "gyr_noise_perf") \
            .with_flag(7, "gyr_filter_perf", reset=1)
        r.define(0x43, "GYR_RANGE").with_value_field(0, 3, "gyr_range").with_flag(3, "ois_range")
        r.define(0x44, "AUX_CONF").with_value_field(0, 4, "aux_odr", reset=0x6) \
            .with_value_field(4, 4, "aux_offset", reset=0x4)
        r.define(0x45, "FIFO_DOWNS").with_value_field(0, 3, "gyr_fifo_downs") \
            .with_flag(3, "gyr_fifo_filt_data", reset=1).with_value_field(4, 3, "acc_fifo_downs") \
            .with_flag(7, "acc_fifo_filt_data", reset=1)
        r.define(0x46, "FIFO_WTM_0").with_value_field(0, 8, "fifo_water_mark_7_0")
        r.define(0x47, "FIFO_WTM_1").with_value_field(0, 5, "fifo_water_mark_12_8")
        r.define(0x48, "FIFO_CONFIG_0").with_flag(0, "fifo_stop_on_full") \
            .with_flag(1, "fifo_time_en", reset=1)
        r.define(0x49, "FIFO_CONFIG_1").with_value_field(0, 2, "fifo_tag_int1_en") \
            .with_value_field(2, 2, "fifo_tag_int2_en") \
            .with_flag(4, "fifo_header_en", reset=1).with_flag(5, "fifo_aux_en") \
            .with_flag(6, "fifo_acc_en").with_flag(7, "fifo_gyr_en")
        for offset, name in ((0x53, "INT1_IO_CTRL"), (0x54, "INT2_IO_CTRL"), (0x55, "INT_LATCH"),
                             (0x56, "INT1_MAP_FEAT"), (0x57, "INT2_MAP_FEAT"),
                             (0x58, "INT_MAP_DATA")):
            r.define(offset, name).with_value_field(0, 8)
        r.define(0x59, "INIT_CTRL").with_value_field(0, 8, write=self._init_ctrl_written)
        r.define(0x5B, "INIT_ADDR_0").with_value_field(0, 4, "base_0_3",
                                                       write=lambda v: self._init_address())
        r.define(0x5C, "INIT_ADDR_1").with_value_field(0, 8, "base_11_4",
                                                       write=lambda v: self._init_address())
        r.define(INIT_DATA, "INIT_DATA").with_value_field(0, 8, mode=WO,
                                                          write=self._init_data_written)
        r.define(0x5F, "INTERNAL_ERROR").with_flag(1, "int_err_1", mode=RO) \
            .with_flag(2, "int_err_2", mode=RO).with_flag(4, "feat_eng_disabled", mode=RO)
        r.define(0x6B, "IF_CONF").with_flag(0, "spi3").with_flag(1, "spi3_ois") \
            .with_flag(4, "ois_en").with_flag(5, "aux_en")
        r.define(0x7C, "PWR_CONF").with_flag(0, "adv_power_save", reset=1) \
            .with_flag(1, "fifo_self_wake_up", reset=1).with_flag(2, "fup_en")
        r.define(0x7D, "PWR_CTRL").with_flag(0, "aux_en") \
            .with_flag(1, "gyr_en", write=lambda v: self._config()) \
            .with_flag(2, "acc_en", write=lambda v: self._config()).with_flag(3, "temp_en")
        r.define(0x7E, "CMD").with_value_field(0, 8, mode=WO, write=self._command)

    def _define_data(self, offset: int, sensor: str, which: int) -> None:
        """ACC_X_LSB .. ACC_Z_MSB (DATA_8..13), GYR_X_LSB .. (DATA_14..19): int16 LE."""
        for axis, name in enumerate("XYZ"):
            for high, half in enumerate(("LSB", "MSB")):
                self.regs.define(offset + 2 * axis + high, f"{sensor}_{name}_{half}") \
                    .with_value_field(0, 8, mode=RO,
                                      value=lambda w=which, a=axis, h=high: self._data_byte(w, a, h),
                                      read=lambda v, w=which: self._data_read(w))

    # ----------------------------------------------------------------- state
    def _power_on(self) -> None:
        """Power-on or CMD soft reset: registers to their defaults, the configuration
        file gone, sensors off, FIFO empty."""
        self.stop_output()
        self.regs.reset()
        self.config_image = bytearray(CONFIG_FILE_BYTES)
        self.config_written = set()           # byte offsets the host wrote
        self._init_write_at = 0
        self._init_result = MESSAGE_NOT_INIT
        self._init_ready_at = None
        self.data = [(0, 0, 0), (0, 0, 0)]     # acc, gyr raw (chip axes)
        self._fifo_clear()
        self._tick_count = 0

    def _fifo_clear(self) -> None:
        self.fifo: deque[bytearray] = deque()
        self._fifo_bytes = 0
        self._sensortime_frame: bytearray | None = None
        self._overread = 0                      # bytes read past the end (headerless)

    # ----------------------------------------------------------- I2C side
    def auto_increments(self, address: int, register: int) -> bool:
        return register not in (FIFO_DATA, INIT_DATA)

    # -------------------------------------------------------- initialisation
    def _init_address(self) -> None:
        """INIT_ADDR_1:INIT_ADDR_0 is a word (2-byte) address in the configuration."""
        words = self.regs.value("INIT_ADDR_1") << 4 | self.regs.value("INIT_ADDR_0")
        self._init_write_at = 2 * words

    def _init_data_written(self, byte: int) -> None:
        if self._init_write_at < CONFIG_FILE_BYTES and self.regs.value("INIT_CTRL") == 0:
            self.config_image[self._init_write_at] = byte
            self.config_written.add(self._init_write_at)
        self._init_write_at += 1

    def _init_ctrl_written(self, value: int) -> None:
        if value == 0:                       # the upload starts
            self.config_written.clear()
            self._init_write_at = 0
            self._init_result = MESSAGE_NOT_INIT
            self._init_ready_at = None
            return
        complete = len(self.config_written) == CONFIG_FILE_BYTES
        power_save = self.regs.value("PWR_CONF", "adv_power_save")
        self._init_result = MESSAGE_INIT_OK if complete and not power_save else MESSAGE_INIT_ERR
        self._init_ready_at = self.machine.now() + int(INIT_TIME_S * self.machine.clock_hz)

    def _init_message(self) -> int:
        if self._init_ready_at is None or self.machine.now() < self._init_ready_at:
            return MESSAGE_NOT_INIT
        return self._init_result

    def initialised(self) -> bool:
        return self._init_message() == MESSAGE_INIT_OK

    def _command(self, value: int) -> None:
        if value == CMD_SOFT_RESET:
            self._power_on()
        elif value == CMD_FIFO_FLUSH:
            self._fifo_clear()

    # ------------------------------------------------------------ output
    def _enabled(self) -> tuple[bool, bool]:
        return (bool(self.regs.value("PWR_CTRL", "acc_en")),
                bool(self.regs.value("PWR_CTRL", "gyr_en")))

    def sensor_odr(self, which: int) -> Fraction | None:
        """The accelerometer's (0) or gyroscope's (1) ODR, None while it is off."""
        if not self._enabled()[which]:
            return None
        code = self.regs.value("ACC_CONF", "acc_odr") if which == 0 else \
            self.regs.value("GYR_CONF", "gyr_odr")
        valid = ACC_ODR_CODES if which == 0 else GYR_ODR_CODES
        return odr_hz(code) if code in valid else None

    def output_data_rate(self) -> Fraction | None:
        """The accelerometer's ODR (what `--imu` feeds), else the gyroscope's."""
        if self._init_ready_at is None or self._init_result != MESSAGE_INIT_OK:
            return None
        rates = [self.sensor_odr(0), self.sensor_odr(1)]
        running = [rate for rate in rates if rate is not None]
        return max(running) if running else None

    def _config(self) -> None:
        if self._init_result == MESSAGE_INIT_OK:
            self._tick_count = 0
            self.restart_output()

    def sample_ready(self, time: int, accel_g: tuple, gyro_dps: tuple) -> None:
        self._tick_count += 1
        clock = self._odr
        fresh = []
        for which in (0, 1):
            rate = self.sensor_odr(which)
            fresh.append(rate is not None and self._tick_count % int(clock / rate) == 0)
        if fresh[0]:
            g_per_lsb = ACC_RANGE_G[self.regs.value("ACC_RANGE", "acc_range")] / 32768
            self.data[0] = tuple(to_raw(v, g_per_lsb) for v in accel_g)
            self.record(time, self.data[0], g_per_lsb)
            self._data_ready("drdy_acc", "acc_drdy_int")
        if fresh[1]:
            range_dps = GYR_RANGE_DPS.get(self.regs.value("GYR_RANGE", "gyr_range"), 2000)
            self.data[1] = tuple(to_raw(v, range_dps / 32768) for v in gyro_dps)
            self._data_ready("drdy_gyr", "gyr_drdy_int")
        self._fifo_write(fresh)

    def _data_ready(self, status: str, interrupt: str) -> None:
        if self.regs.value("STATUS", status) and not self._fifo_enabled() and status == "drdy_acc":
            self.dropped_samples += 1        # the previous sample was never read
        self.regs.set("STATUS", 1, status)
        self.regs.set("INT_STATUS_1", 1, interrupt)

    def _data_byte(self, which: int, axis: int, high: int) -> int:
        return int16_byte(self.data[which][axis], high)

    def _data_read(self, which: int) -> None:
        self.regs.set("STATUS", 0, "drdy_acc" if which == 0 else "drdy_gyr")

    def _sensortime(self) -> int:
        seconds = Fraction(self.machine.now(), self.machine.clock_hz)
        return int(seconds / SENSORTIME_TICK_S) & 0xFFFFFF

    # -------------------------------------------------------------- FIFO
    def _fifo_enabled(self) -> bool:
        return bool(self.regs.value("FIFO_CONFIG_1", "fifo_acc_en") or
                    self.regs.value("FIFO_CONFIG_1", "fifo_gyr_en"))

    def _fifo_write(self, fresh: list[bool]) -> None:
        acc_in = bool(self.regs.value("FIFO_CONFIG_1", "fifo_acc_en"))
        gyr_in = bool(self.regs.value("FIFO_CONFIG_1", "fifo_gyr_en"))
        header = self.regs.value("FIFO_CONFIG_1", "fifo_header_en")
        acc, gyr = acc_in and fresh[0], gyr_in and fresh[1]
        if not (acc or gyr):
            return
        if not header and (acc_in and not acc or gyr_in and not gyr):
            return            # headerless frames hold every selected sensor: equal ODRs
        frame = bytearray([HEADER_EMPTY | (HEADER_GYR & 0x08 if gyr else 0) |
                           (HEADER_ACC & 0x04 if acc else 0)]) if header else bytearray()
        for included, which in ((gyr, 1), (acc, 0)):        # frame order: gyr, then acc
            if included:
                for value in self.data[which]:
                    frame += (value & 0xFFFF).to_bytes(2, "little")
        self._fifo_push(frame, acc)

    def _fifo_push(self, frame: bytearray, has_acc: bool) -> None:
        while self._fifo_bytes + len(frame) > FIFO_BYTES:
            self.regs.set("INT_STATUS_1", 1, "ffull_int")
            if self.regs.value("FIFO_CONFIG_0", "fifo_stop_on_full"):
                self.dropped_samples += int(has_acc)
                return                               # the new frame is lost
            oldest = self.fifo.popleft()
            self._fifo_bytes -= len(oldest)
            self.dropped_samples += int(oldest[0] & 0x04 != 0 if self._header_mode() else 1)
        self.fifo.append(frame)
        self._fifo_bytes += len(frame)
        self._sensortime_frame = None
        self._overread = 0
        if self._fifo_bytes >= self._watermark() > 0:
            self.regs.set("INT_STATUS_1", 1, "fwm_int")

    def _header_mode(self) -> bool:
        return bool(self.regs.value("FIFO_CONFIG_1", "fifo_header_en"))

    def _watermark(self) -> int:
        return self.regs.value("FIFO_WTM_1") << 8 | self.regs.value("FIFO_WTM_0")

    def _fifo_length(self) -> int:
        return self._fifo_bytes

    def _fifo_peek_byte(self) -> int:
        if self.fifo:
            return self.fifo[0][0]
        if self._header_mode():
            if self._sensortime_frame is None and self.regs.value("FIFO_CONFIG_0",
                                                                  "fifo_time_en"):
                self._sensortime_frame = bytearray([HEADER_SENSORTIME]) + \
                    self._sensortime().to_bytes(3, "little")
            if self._sensortime_frame:
                return self._sensortime_frame[0]
            return HEADER_EMPTY
        return 0x80 if self._overread & 1 else 0x00      # 0x8000 per axis, little endian

    def _fifo_pop_byte(self) -> None:
        if self.fifo:
            head = self.fifo[0]
            del head[0]
            self._fifo_bytes -= 1
            if not head:
                self.fifo.popleft()
        elif self._sensortime_frame:
            del self._sensortime_frame[0]
        elif not self._header_mode():
            self._overread += 1
