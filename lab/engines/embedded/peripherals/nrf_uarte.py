"""nRF52840 UARTE (UART with EasyDMA), UARTE0 at 0x40002000 (IRQ 2).

TX: STARTTX reads TXD.MAXCNT bytes at TXD.PTR and sends them at the baud rate
(10 bit times per byte for 8N1); ENDTX fires when the last byte has left.
RX: bytes the host writes arrive one per byte time; with STARTRX they go to
RXD.PTR until RXD.MAXCNT (ENDRX), otherwise into the 4-byte RX FIFO (an
overflow sets ERRORSRC.OVERRUN). Listeners receive transmitted bytes with the
virtual time the last one completed.
"""
from __future__ import annotations

import logging
import math

from ..registers import RO, W1C
from .nrf_base import NrfPeripheral, define_psel

log = logging.getLogger("lab.uarte")

ENABLE_UARTE = 8
RX_FIFO_DEPTH = 4
BAUD_250000 = 0x04000000
STOP_BITS = {0: 1, 1: 2}    # CONFIG.STOP
# MDK baud codes -> actual baud (reference nrf52840.md, UARTE column)
BAUD = {0x0004F000: 1205, 0x0009D000: 2396, 0x0013B000: 4808, 0x00275000: 9598,
        0x003AF000: 14401, 0x004EA000: 19208, 0x0075C000: 28777, 0x00800000: 31250,
        0x009D0000: 38369, 0x00E50000: 55944, 0x00EB0000: 57554, 0x013A9000: 76923,
        0x01D60000: 115108, 0x01D7E000: 115942, 0x03B00000: 231884, 0x04000000: 250000,
        0x07400000: 457143, 0x0F000000: 941176, 0x10000000: 1000000}


class Uarte(NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.listeners = []   # callables(data: bytes, time: int)
        self.rx_listeners = []   # callables(byte: int, time: int) as each byte arrives
        self._warned = set()
        self.task(0x000, "TASKS_STARTRX", self._start_rx)
        self.task(0x004, "TASKS_STOPRX", self._stop_rx)
        self.task(0x008, "TASKS_STARTTX", self._start_tx)
        self.task(0x00C, "TASKS_STOPTX", self._stop_tx)
        self.task(0x02C, "TASKS_FLUSHRX", self._flush_rx)
        for offset, event in ((0x100, "EVENTS_CTS"), (0x104, "EVENTS_NCTS"),
                              (0x108, "EVENTS_RXDRDY"), (0x110, "EVENTS_ENDRX"),
                              (0x11C, "EVENTS_TXDRDY"), (0x120, "EVENTS_ENDTX"),
                              (0x124, "EVENTS_ERROR"), (0x144, "EVENTS_RXTO"),
                              (0x14C, "EVENTS_RXSTARTED"), (0x150, "EVENTS_TXSTARTED"),
                              (0x158, "EVENTS_TXSTOPPED")):
            self.event(offset, event)
        self.shortcut(5, "ENDRX_STARTRX", "EVENTS_ENDRX", self._start_rx)
        self.shortcut(6, "ENDRX_STOPRX", "EVENTS_ENDRX", self._stop_rx)
        r = self.regs
        r.define(0x480, "ERRORSRC") \
            .with_flag(0, "OVERRUN", mode=W1C).with_flag(1, "PARITY", mode=W1C) \
            .with_flag(2, "FRAMING", mode=W1C).with_flag(3, "BREAK", mode=W1C)
        r.define(0x500, "ENABLE").with_value_field(0, 4)
        for offset, pin in ((0x508, "RTS"), (0x50C, "TXD"), (0x510, "CTS"), (0x514, "RXD")):
            define_psel(r, offset, f"PSEL.{pin}")
        r.define(0x524, "BAUDRATE").with_value_field(0, 32, reset=BAUD_250000)
        for prefix, offset in (("RXD", 0x534), ("TXD", 0x544)):
            r.define(offset, f"{prefix}.PTR").with_value_field(0, 32)
            r.define(offset + 4, f"{prefix}.MAXCNT").with_value_field(0, 16)
            r.define(offset + 8, f"{prefix}.AMOUNT").with_value_field(0, 16, mode=RO)
        r.define(0x56C, "CONFIG").with_flag(0, "HWFC").with_value_field(1, 3, "PARITY") \
            .with_flag(4, "STOP")
        self._clear_state()

    def _clear_state(self) -> None:
        self._tx = None            # (start time, data, end event) while sending
        self._rx_active = False
        self._rx_ptr = self._rx_max = self._rx_count = 0
        self._rx_fifo: list[int] = []
        self._host_queue: list[int] = []
        self._rx_event = None

    def reset(self) -> None:
        super().reset()
        if self._tx:
            self._tx[2].cancel()
        if self._rx_event:
            self._rx_event.cancel()
        self._clear_state()

    # ------------------------------------------------------------ timing
    def baud(self) -> float:
        code = self.regs.value("BAUDRATE")
        return BAUD.get(code) or max(1.0, code * 16_000_000 / 2 ** 32)

    def byte_cycles(self) -> int:
        """Start bit, 8 data bits, the parity bit when included, the stop bits."""
        parity = 1 if self.regs.value("CONFIG", "PARITY") else 0
        bits = 1 + 8 + parity + STOP_BITS[self.regs.value("CONFIG", "STOP")]
        return math.ceil(bits * self.machine.clock_hz / self.baud())

    def enabled(self) -> bool:
        return self.regs.value("ENABLE") == ENABLE_UARTE

    # ---------------------------------------------------------------- TX
    def _start_tx(self) -> None:
        if not self.enabled() or self._tx:
            return
        pointer, count = self.regs.value("TXD.PTR"), self.regs.value("TXD.MAXCNT")
        self.generate("EVENTS_TXSTARTED")
        if count and not self.in_data_ram(pointer, count):
            self._warn(f"TXD.PTR 0x{pointer:08X} is not in Data RAM: EasyDMA cannot read "
                       "it on hardware, nothing is sent")
            data = b""
        else:
            data = self.dma_read(pointer, count)
        start = self.now()
        end = self.schedule(start + len(data) * self.byte_cycles(), self._tx_done)
        self._tx = (start, data, end)

    def _tx_done(self, time: int) -> None:
        _, data, _ = self._tx
        self._finish_tx(data, time)

    def _finish_tx(self, data: bytes, time: int) -> None:
        self._tx = None
        self.regs.set("TXD.AMOUNT", len(data))
        if data:
            for listener in self.listeners:
                listener(data, time)
            self.generate("EVENTS_TXDRDY")
        self.generate("EVENTS_ENDTX")

    def finish_after_halt(self) -> None:
        """EasyDMA keeps sending after the core faults: the bytes the firmware handed
        over before the fault leave at their scheduled time, so its last line is seen."""
        if self._tx:
            _, data, end = self._tx
            end.cancel()
            self._finish_tx(data, end.time)

    def _stop_tx(self) -> None:
        if self._tx:
            start, data, end = self._tx
            end.cancel()
            now = self.now()
            sent = min(len(data), (now - start) // self.byte_cycles())
            self._finish_tx(data[:sent], now)
        self.generate("EVENTS_TXSTOPPED")

    # ---------------------------------------------------------------- RX
    def write_from_host(self, data: bytes) -> None:
        """Bytes typed into the board's serial port: they arrive at the baud rate."""
        self._host_queue.extend(data)
        if self._rx_event is None:
            self._schedule_next_byte()

    def _schedule_next_byte(self) -> None:
        if self._host_queue:
            self._rx_event = self.schedule(self.now() + self.byte_cycles(), self._byte_arrives)
        else:
            self._rx_event = None

    def _byte_arrives(self, time: int) -> None:
        byte = self._host_queue.pop(0)
        for listener in self.rx_listeners:
            listener(byte, time)
        if self.enabled():
            if self._rx_active and self._rx_count < self._rx_max:
                self._store(byte)
            elif len(self._rx_fifo) < RX_FIFO_DEPTH:
                self._rx_fifo.append(byte)
            else:
                self.regs.set("ERRORSRC", 1, "OVERRUN")
                self.generate("EVENTS_ERROR")
        self._schedule_next_byte()

    def _store(self, byte: int) -> None:
        self.dma_write(self._rx_ptr + self._rx_count, bytes([byte]))
        self._rx_count += 1
        self.regs.set("RXD.AMOUNT", self._rx_count)
        self.generate("EVENTS_RXDRDY")
        if self._rx_count >= self._rx_max:
            self._rx_active = False
            self.generate("EVENTS_ENDRX")

    def _start_rx(self) -> None:
        if not self.enabled():
            return
        self._rx_ptr, self._rx_max = self.regs.value("RXD.PTR"), self.regs.value("RXD.MAXCNT")
        self._rx_count = 0
        self.regs.set("RXD.AMOUNT", 0)
        if self._rx_max and not self.in_data_ram(self._rx_ptr, self._rx_max):
            self._warn(f"RXD.PTR 0x{self._rx_ptr:08X} is not in Data RAM")
            self._rx_max = 0
        self._rx_active = self._rx_max > 0
        self.generate("EVENTS_RXSTARTED")
        while self._rx_fifo and self._rx_active:
            self._store(self._rx_fifo.pop(0))

    def _stop_rx(self) -> None:
        if self._rx_active:
            self._rx_active = False
            self.generate("EVENTS_ENDRX")
        self.generate("EVENTS_RXTO")

    def _flush_rx(self) -> None:
        self._rx_ptr, self._rx_max = self.regs.value("RXD.PTR"), self.regs.value("RXD.MAXCNT")
        self._rx_count = 0
        self._rx_active = True
        while self._rx_fifo and self._rx_count < self._rx_max:
            self._store(self._rx_fifo.pop(0))
        if self._rx_active:
            self._rx_active = False
            self.generate("EVENTS_ENDRX")

    def _warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            log.warning("%s: %s", self.name, message)
