"""nRF52840 TWIM (I2C master with EasyDMA), TWIM0 at 0x40003000 (IRQ 3).

A transfer is a sequence of phases on the I2C bus the board description populates:
STARTTX sends the address and TXD.MAXCNT bytes from RAM, STARTRX reads RXD.MAXCNT
bytes into RAM. Each phase takes 9 bit times per byte (address included) at
FREQUENCY. At its end LASTTX/LASTRX fire and their SHORTS run (LASTTX_STARTRX makes a
repeated start, *_STOP a stop condition, *_SUSPEND a pause). An address no device
answers gives ERRORSRC.ANACK and ERROR; the bus then waits for STOP.
"""
from __future__ import annotations

import logging
import math

from ..devices import device_class
from ..devices.i2c import I2CDevice
from ..registers import RO, W1C
from .nrf_base import NrfPeripheral, define_psel

log = logging.getLogger("lab.twim")

ENABLE_TWIM = 6
FREQUENCY_K250 = 0x04000000
FREQUENCIES = {0x01980000: 100_000, FREQUENCY_K250: 250_000, 0x06400000: 400_000}
LIST_ARRAYLIST = 1
BITS_PER_BYTE = 9   # 8 data bits and the acknowledge


class Twim(NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, devices=(), **options):
        super().__init__(machine, name, base, irq, **options)
        self.device_specs = list(devices)
        self.devices: dict[int, I2CDevice] = {}
        self.task(0x000, "TASKS_STARTRX", lambda: self._start_phase(read=True))
        self.task(0x008, "TASKS_STARTTX", lambda: self._start_phase(read=False))
        self.task(0x014, "TASKS_STOP", self._stop)
        self.task(0x01C, "TASKS_SUSPEND", self._suspend)
        self.task(0x020, "TASKS_RESUME", lambda: None)
        for offset, event in ((0x104, "EVENTS_STOPPED"), (0x124, "EVENTS_ERROR"),
                              (0x148, "EVENTS_SUSPENDED"), (0x14C, "EVENTS_RXSTARTED"),
                              (0x150, "EVENTS_TXSTARTED"), (0x15C, "EVENTS_LASTRX"),
                              (0x160, "EVENTS_LASTTX")):
            self.event(offset, event)
        self.shortcut(7, "LASTTX_STARTRX", "EVENTS_LASTTX", lambda: self._start_phase(read=True))
        self.shortcut(8, "LASTTX_SUSPEND", "EVENTS_LASTTX", self._suspend)
        self.shortcut(9, "LASTTX_STOP", "EVENTS_LASTTX", self._stop)
        self.shortcut(10, "LASTRX_STARTTX", "EVENTS_LASTRX", lambda: self._start_phase(read=False))
        self.shortcut(11, "LASTRX_SUSPEND", "EVENTS_LASTRX", self._suspend)
        self.shortcut(12, "LASTRX_STOP", "EVENTS_LASTRX", self._stop)
        r = self.regs
        r.define(0x4C4, "ERRORSRC").with_flag(0, "OVERRUN", mode=W1C) \
            .with_flag(1, "ANACK", mode=W1C).with_flag(2, "DNACK", mode=W1C)
        r.define(0x500, "ENABLE").with_value_field(0, 4)
        define_psel(r, 0x508, "PSEL.SCL")
        define_psel(r, 0x50C, "PSEL.SDA")
        r.define(0x524, "FREQUENCY").with_value_field(0, 32, reset=FREQUENCY_K250)
        for prefix, offset in (("RXD", 0x534), ("TXD", 0x544)):
            r.define(offset, f"{prefix}.PTR").with_value_field(0, 32)
            r.define(offset + 4, f"{prefix}.MAXCNT").with_value_field(0, 16)
            r.define(offset + 8, f"{prefix}.AMOUNT").with_value_field(0, 16, mode=RO)
            r.define(offset + 12, f"{prefix}.LIST").with_value_field(0, 3)
        r.define(0x588, "ADDRESS").with_value_field(0, 7)
        self._clear_state()

    def connect_board(self, platform) -> None:
        for spec in self.device_specs:
            spec = dict(spec)
            device = device_class(spec.pop("model"), platform.path)(self.machine, **spec)
            self.attach_device(device)

    def attach_device(self, device: I2CDevice) -> None:
        for address in device.addresses:
            self.devices[address] = device

    def device(self, name: str) -> I2CDevice | None:
        return next((d for d in self.devices.values() if d.name == name), None)

    def _clear_state(self) -> None:
        self._busy = None          # the scheduled end of the phase on the bus
        self._stop_pending = False
        self._holding = None       # address of the device the bus is held with

    def reset(self) -> None:
        if self._busy:
            self._busy.cancel()
        super().reset()
        self._clear_state()

    # ------------------------------------------------------------------ timing
    def bit_cycles(self) -> float:
        code = self.regs.value("FREQUENCY")
        hz = FREQUENCIES.get(code) or max(1, code * 16_000_000 // (1 << 32))
        return self.machine.clock_hz / hz

    def _after_bits(self, bits: int) -> int:
        return self.now() + math.ceil(bits * self.bit_cycles())

    # ------------------------------------------------------------------ phases
    def _start_phase(self, read: bool) -> None:
        if self.regs.value("ENABLE") != ENABLE_TWIM or self._busy is not None:
            return
        prefix = "RXD" if read else "TXD"
        address = self.regs.value("ADDRESS")
        count = self.regs.value(f"{prefix}.MAXCNT")
        self.generate("EVENTS_RXSTARTED" if read else "EVENTS_TXSTARTED")
        device = self.devices.get(address)
        acknowledged = device is not None and device.i2c_start(address, read)
        if not acknowledged:
            self._busy = self.schedule(self._after_bits(BITS_PER_BYTE + 1), self._address_nack,
                                       read)
            return
        self._holding = address
        bits = 1 + BITS_PER_BYTE * (1 + count)   # start, address, data bytes
        self._busy = self.schedule(self._after_bits(bits), self._finish_phase, read, device,
                                   address, count)

    def _address_nack(self, time: int, read: bool) -> None:
        self._busy = None
        self.regs.set("ERRORSRC", 1, "ANACK")
        self.regs.set("RXD.AMOUNT" if read else "TXD.AMOUNT", 0)
        self.generate("EVENTS_ERROR")
        if self._stop_pending:
            self._stop()

    def _finish_phase(self, time: int, read: bool, device, address: int, count: int) -> None:
        self._busy = None
        prefix = "RXD" if read else "TXD"
        pointer = self.regs.value(f"{prefix}.PTR")
        if count and not self.in_data_ram(pointer, count):
            log.warning("%s: %s.PTR 0x%08X is not in Data RAM: nothing transferred", self.name,
                        prefix, pointer)
            count = 0
        if read:
            self.dma_write(pointer, bytes(device.i2c_read(address) & 0xFF for _ in range(count)))
        else:
            for byte in self.dma_read(pointer, count):
                if not device.i2c_write(address, byte):
                    self.regs.set("ERRORSRC", 1, "DNACK")
                    self.generate("EVENTS_ERROR")
                    break
        self.regs.set(f"{prefix}.AMOUNT", count)
        if self.regs.value(f"{prefix}.LIST") == LIST_ARRAYLIST:   # move on to the next item
            self.regs.set(f"{prefix}.PTR", pointer + count)
        self.generate("EVENTS_LASTRX" if read else "EVENTS_LASTTX")   # runs the SHORTS
        if self._stop_pending and self._busy is None:
            self._stop()

    def _stop(self) -> None:
        if self._busy is not None:          # stop after the byte on the bus
            self._stop_pending = True
            return
        self._stop_pending = False
        if self._holding is not None:
            device = self.devices.get(self._holding)
            if device:
                device.i2c_stop(self._holding)
            self._holding = None
        self._busy = self.schedule(self._after_bits(1), self._stopped)

    def _stopped(self, time: int) -> None:
        self._busy = None
        self.generate("EVENTS_STOPPED")

    def _suspend(self) -> None:
        self.generate("EVENTS_SUSPENDED")
