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

from .nrf_base import NrfPeripheral

log = logging.getLogger("lab.twim")

ENABLE_TWIM = 6
FREQUENCIES = {0x01980000: 100_000, 0x04000000: 250_000, 0x06400000: 400_000}
ERROR_OVERRUN, ERROR_ANACK, ERROR_DNACK = 1, 2, 4
BITS_PER_BYTE = 9   # 8 data bits and the acknowledge


class I2CDevice:
    """What a device on the bus implements. Addresses are 7-bit."""

    addresses: tuple[int, ...] = ()

    def i2c_start(self, address: int, read: bool) -> bool:
        """A (repeated) start addressed to `address`; True to acknowledge."""
        return address in self.addresses

    def i2c_write(self, address: int, byte: int) -> bool:
        return True

    def i2c_read(self, address: int) -> int:
        return 0xFF

    def i2c_stop(self, address: int) -> None:
        pass


class Twim(NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, devices=(), **options):
        super().__init__(machine, name, base, irq, **options)
        self.device_specs = list(devices)
        self.devices: dict[int, I2CDevice] = {}
        r = self.regs
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
        self.shortcut(7, "EVENTS_LASTTX", lambda: self._start_phase(read=True))
        self.shortcut(8, "EVENTS_LASTTX", self._suspend)
        self.shortcut(9, "EVENTS_LASTTX", self._stop)
        self.shortcut(10, "EVENTS_LASTRX", lambda: self._start_phase(read=False))
        self.shortcut(11, "EVENTS_LASTRX", self._suspend)
        self.shortcut(12, "EVENTS_LASTRX", self._stop)
        self.interrupts()
        r.define(0x4C4, "ERRORSRC", read=lambda: self._errors, write=self._clear_errors)
        self._strobes.add(0x4C4)
        r.define(0x500, "ENABLE", writable=0xF)
        r.define(0x508, "PSEL.SCL", reset=0xFFFFFFFF)
        r.define(0x50C, "PSEL.SDA", reset=0xFFFFFFFF)
        r.define(0x524, "FREQUENCY", reset=0x04000000)
        for prefix, base_offset in (("RXD", 0x534), ("TXD", 0x544)):
            r.define(base_offset, f"{prefix}.PTR")
            r.define(base_offset + 4, f"{prefix}.MAXCNT", writable=0xFFFF)
            r.define(base_offset + 8, f"{prefix}.AMOUNT", writable=0)
            r.define(base_offset + 12, f"{prefix}.LIST", writable=7)
        r.define(0x588, "ADDRESS", writable=0x7F)
        self.finish_declaring()
        self._clear_state()

    def connect_board(self, platform) -> None:
        from ..devices import device_class
        for spec in self.device_specs:
            spec = dict(spec)
            device = device_class(spec.pop("model"), platform.path)(self.machine, **spec)
            self.attach_device(device)

    def attach_device(self, device: I2CDevice) -> None:
        for address in device.addresses:
            self.devices[address] = device

    def device(self, name: str):
        for device in self.devices.values():
            if getattr(device, "name", None) == name:
                return device
        return None

    def _clear_state(self) -> None:
        self._errors = 0
        self._busy = None          # the scheduled end of the phase on the bus
        self._stop_pending = False
        self._holding = None       # address of the device the bus is held with

    def reset(self) -> None:
        if getattr(self, "_busy", None):
            self._busy.cancel()
        super().reset()
        self._clear_state()

    def _clear_errors(self, value: int) -> None:
        self._errors &= ~value

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
            self._busy = self.schedule(self._after_bits(BITS_PER_BYTE + 1),
                                       lambda t: self._address_nack(read))
            return
        self._holding = address
        bits = 1 + BITS_PER_BYTE * (1 + count)   # start, address, data bytes
        self._busy = self.schedule(self._after_bits(bits),
                                   lambda t: self._finish_phase(read, device, address, count))

    def _address_nack(self, read: bool) -> None:
        self._busy = None
        self._errors |= ERROR_ANACK
        self.regs.set("RXD.AMOUNT" if read else "TXD.AMOUNT", 0)
        self.generate("EVENTS_ERROR")
        if self._stop_pending:
            self._stop()

    def _finish_phase(self, read: bool, device, address: int, count: int) -> None:
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
                    self._errors |= ERROR_DNACK
                    self.generate("EVENTS_ERROR")
                    break
        self.regs.set(f"{prefix}.AMOUNT", count)
        if self.regs.value(f"{prefix}.LIST") == 1:   # ArrayList: move on to the next item
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
