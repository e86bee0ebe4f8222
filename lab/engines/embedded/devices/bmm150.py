"""Bosch BMM150 magnetometer on I2C at 0x10 (0x10-0x13 by its CSB/SDO pins).

Source: Bosch Sensortec BMM150 datasheet (BST-BMM150-DS001), "Register map" and the
registers' descriptions; summarised in docs/reference/bmm150.md. The Arduino Nano 33
BLE Sense Rev2 has it at 0x10 on the internal I2C bus, next to the BMI270
(Arduino_BMI270_BMM150 talks to it directly on Wire1).

- Power: after power-on the chip is in suspend mode: every register but the power
  control register (0x4B) reads 0x00 and ignores writes. Setting 0x4B's power control
  bit moves it to sleep mode; CHIP_ID (0x40) then reads 0x32. Soft reset (0x4B bits 7
  and 1, which read 0 again) restores the defaults and leaves it in sleep mode.
- Operation (0x4C): opmode normal (00) measures at the data rate (10, 2, 6, 8, 15, 20,
  25, 30 Hz for codes 0..7), forced (01) measures once and returns to sleep, sleep (11).
  Each measurement sets the data-ready bit (RHALL_LSB bit 0), cleared when the data
  registers are read.
- No magnetic field is modelled: DATAX/Y/Z read 0 and RHALL a fixed resistance; the
  trim registers (0x5D-0x71) read 0, so drivers that compensate with them report an
  overflow value. Interrupts, self-test and the repetition settings' timing are stored,
  not acted on.
"""
from __future__ import annotations

import math
from fractions import Fraction

from ..registers import RO, RegisterMap
from .i2c import RegisterDevice

CHIP_ID_VALUE = 0x32
DATA_RATE_HZ = {0: 10, 1: 2, 2: 6, 3: 8, 4: 15, 5: 20, 6: 25, 7: 30}
OPMODE_NORMAL, OPMODE_FORCED, OPMODE_SLEEP = 0, 1, 3
POWER_CONTROL = 0x4B
RHALL_AT_REST = 6000              # a plausible Hall resistance reading (no field modelled)


class Bmm150(RegisterDevice):
    def __init__(self, machine, name: str = "magnetometer", address: int = 0x10):
        super().__init__((address,))
        self.machine = machine
        self.name = name
        self.measurements = 0
        self.regs = RegisterMap(f"{name} (BMM150)", width=8)
        self._declare()
        self._event = None
        self._powered = False
        self.regs.reset()

    def _declare(self) -> None:
        r = self.regs
        r.define(0x40, "CHIP_ID").with_value_field(0, 8, mode=RO, reset=CHIP_ID_VALUE)
        for offset, name in ((0x42, "DATAX_LSB"), (0x43, "DATAX_MSB"), (0x44, "DATAY_LSB"),
                             (0x45, "DATAY_MSB"), (0x46, "DATAZ_LSB"), (0x47, "DATAZ_MSB")):
            r.define(offset, name).with_value_field(0, 8, mode=RO,
                                                    read=lambda v: self._data_read())
        r.define(0x48, "RHALL_LSB").with_flag(0, "data_ready", mode=RO) \
            .with_value_field(2, 6, "rhall_5_0", mode=RO, reset=RHALL_AT_REST & 0x3F)
        r.define(0x49, "RHALL_MSB").with_value_field(0, 8, mode=RO,
                                                    reset=RHALL_AT_REST >> 6,
                                                    read=lambda v: self._data_read())
        r.define(0x4A, "INTERRUPT_STATUS").with_value_field(0, 8, mode=RO)
        r.define(POWER_CONTROL, "POWER_CONTROL") \
            .with_flag(0, "power_control", write=self._power_control_written) \
            .with_flag(1, "soft_reset_1", write=lambda v: v and self._soft_reset()) \
            .with_flag(2, "spi3en") \
            .with_flag(7, "soft_reset_7", write=lambda v: v and self._soft_reset())
        r.define(0x4C, "OP_MODE").with_flag(0, "self_test") \
            .with_value_field(1, 2, "opmode", reset=OPMODE_SLEEP,
                              write=lambda v: self._mode_written()) \
            .with_value_field(3, 3, "data_rate", write=lambda v: self._mode_written()) \
            .with_value_field(6, 2, "adv_st")
        r.define(0x4D, "INT_ENABLE").with_value_field(0, 8, reset=0x3F)
        r.define(0x4E, "INT_CONFIG").with_value_field(0, 8, reset=0x07)
        r.define(0x4F, "LOW_THRESHOLD").with_value_field(0, 8)
        r.define(0x50, "HIGH_THRESHOLD").with_value_field(0, 8)
        r.define(0x51, "REP_XY").with_value_field(0, 8)
        r.define(0x52, "REP_Z").with_value_field(0, 8)
        for offset in range(0x5D, 0x72):                 # trim data (NVM): not modelled
            r.define(offset, f"TRIM_{offset:02X}").with_value_field(0, 8, mode=RO)

    # ------------------------------------------------------------- power
    def _power_control_written(self, value: int) -> None:
        self._powered = bool(value)
        if not self._powered:                  # suspend: everything back to its reset
            self._stop()
            self.regs.reset()

    def _soft_reset(self) -> None:
        self._stop()
        self.regs.reset()
        self.regs.set("POWER_CONTROL", 1, "power_control")      # sleep mode
        self._powered = True

    # ----------------------------------------------------------- I2C side
    def registers_accessible(self, address: int) -> bool:
        """Suspend mode: only the power control register answers."""
        return self._powered or self._pointer[address] == POWER_CONTROL

    # ------------------------------------------------------ measurements
    def _mode_written(self) -> None:
        self._stop()
        mode = self.regs.value("OP_MODE", "opmode")
        if mode == OPMODE_NORMAL:
            self._schedule(1, Fraction(DATA_RATE_HZ[self.regs.value("OP_MODE", "data_rate")]),
                           self.machine.now())
        elif mode == OPMODE_FORCED:
            self._schedule(1, Fraction(DATA_RATE_HZ[0]), self.machine.now(), once=True)

    def _schedule(self, tick: int, rate: Fraction, start: int, once: bool = False) -> None:
        time = start + math.ceil(Fraction(tick * self.machine.clock_hz) / rate)
        self._event = self.machine.scheduler.at(time, self._measured, tick, rate, start, once)

    def _measured(self, _time: int, tick: int, rate: Fraction, start: int,
                  once: bool) -> None:
        self.measurements += 1
        self.regs.set("RHALL_LSB", 1, "data_ready")
        if once:                                   # forced mode: back to sleep
            self._event = None
            self.regs.set("OP_MODE", OPMODE_SLEEP, "opmode")
        else:
            self._schedule(tick + 1, rate, start)

    def _stop(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None

    def _data_read(self) -> None:
        self.regs.set("RHALL_LSB", 0, "data_ready")
