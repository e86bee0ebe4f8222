"""RP2040 UART0/UART1 (0x40034000 / 0x40038000): Arm's PrimeCell PL011.

RP2040 datasheet §4.2 (UART), registers §4.2.8 (from the PL011 TRM):
  0x000 UARTDR    DATA [7:0]; reading pops the RX FIFO, with FE [8], PE [9], BE [10],
                  OE [11] of that character
  0x004 UARTRSR   the error bits of the last character read (write clears)
  0x018 UARTFR    CTS [0], BUSY [3], RXFE [4], TXFF [5], RXFF [6], TXFE [7]; reset 0x90
  0x024 UARTIBRD  BAUD_DIVINT [15:0];  0x028 UARTFBRD  BAUD_DIVFRAC [5:0]
  0x02C UARTLCR_H BRK [0], PEN [1], EPS [2], STP2 [3], FEN [4], WLEN [6:5], SPS [7]
  0x030 UARTCR    UARTEN [0], LBE [7], TXE [8], RXE [9] (reset 0x300), RTS [11] ...
  0x034 UARTIFLS  TXIFLSEL [2:0], RXIFLSEL [5:3]: 0 1/8, 1 1/4, 2 1/2 (reset), 3 3/4,
                  4 7/8 of the 32-entry FIFO
  0x038 UARTIMSC  mask; 0x03C UARTRIS raw; 0x040 UARTMIS masked; 0x044 UARTICR clear.
                  Bits: RX 4, TX 5, RT 6, FE 7, PE 8, BE 9, OE 10
  0x048 UARTDMACR; 0xFE0.. UARTPeriphID0-3 (0x11, 0x10, 0x34, 0x00), UARTPCellID0-3
Baud rate (§4.2.3.2): BAUDDIV = UARTCLK / (16 x baud) = IBRD + FBRD / 64, so a bit
lasts (64 x IBRD + FBRD) / 4 clk_peri cycles. A character is 1 start bit, WLEN + 5
data bits, a parity bit with PEN, 1 or 2 stop bits.
With FEN set the FIFOs are 32 deep, else 1 (a holding register). TX interrupt: set
when the TX FIFO drains to its trigger level or below, cleared by writing past it or
by UARTICR. RX interrupt: the RX FIFO reached its trigger level; RT: the FIFO holds
data and no character arrived for 32 bit periods. IRQ: UART0 20, UART1 21.
Modem lines, IrDA, break and DMA requests are not modelled.
"""
from __future__ import annotations

import logging
from collections import deque

from ..registers import RO, WO
from .rp2040_base import Rp2040Peripheral

log = logging.getLogger("lab.rp2040")

FIFO_DEPTH = 32
TRIGGER_EIGHTHS = (1, 2, 4, 6, 7)           # IFLS codes 0..4 -> eighths of the FIFO
RX, TX, RT, OE = 1 << 4, 1 << 5, 1 << 6, 1 << 10
INTERRUPTS = {"CTS": 1, "RX": 4, "TX": 5, "RT": 6, "FE": 7, "PE": 8, "BE": 9, "OE": 10}
PERIPH_ID = (0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1)
RX_TIMEOUT_BITS = 32


class Uart(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.listeners = []          # callables(data: bytes, time: int), per character sent
        self.clocks = None
        self._warned = False
        r = self.regs
        r.define(0x000, "UARTDR").with_value_field(0, 12, value=self._peek_rx,
                                                   read=lambda v: self._pop_rx(),
                                                   write=self._push_tx)
        r.define(0x004, "UARTRSR").with_value_field(0, 4, write=lambda v: self.regs.set("UARTRSR", 0))
        r.define(0x018, "UARTFR") \
            .with_flag(3, "BUSY", mode=RO, value=lambda: int(bool(self._tx or self._sending))) \
            .with_flag(4, "RXFE", mode=RO, value=lambda: int(not self._rx)) \
            .with_flag(5, "TXFF", mode=RO, value=lambda: int(len(self._tx) >= self._depth())) \
            .with_flag(6, "RXFF", mode=RO, value=lambda: int(len(self._rx) >= self._depth())) \
            .with_flag(7, "TXFE", mode=RO, value=lambda: int(not self._tx))
        r.define(0x020, "UARTILPR").with_value_field(0, 8)
        r.define(0x024, "UARTIBRD").with_value_field(0, 16, "BAUD_DIVINT")
        r.define(0x028, "UARTFBRD").with_value_field(0, 6, "BAUD_DIVFRAC")
        r.define(0x02C, "UARTLCR_H").with_flag(0, "BRK").with_flag(1, "PEN") \
            .with_flag(2, "EPS").with_flag(3, "STP2").with_flag(4, "FEN") \
            .with_value_field(5, 2, "WLEN").with_flag(7, "SPS")
        r.define(0x030, "UARTCR", write=lambda v: self._start_next()) \
            .with_flag(0, "UARTEN").with_flag(1, "SIREN").with_flag(2, "SIRLP") \
            .with_flag(7, "LBE").with_flag(8, "TXE", reset=1).with_flag(9, "RXE", reset=1) \
            .with_flag(10, "DTR").with_flag(11, "RTS").with_flag(14, "RTSEN") \
            .with_flag(15, "CTSEN")
        r.define(0x034, "UARTIFLS").with_value_field(0, 3, "TXIFLSEL", reset=2) \
            .with_value_field(3, 3, "RXIFLSEL", reset=2)
        imsc = r.define(0x038, "UARTIMSC", write=lambda v: self._update_irq())
        ris = r.define(0x03C, "UARTRIS")
        mis = r.define(0x040, "UARTMIS")
        icr = r.define(0x044, "UARTICR", write=self._clear_interrupts)
        for field, bit in INTERRUPTS.items():
            imsc.with_flag(bit, f"{field}IM")
            ris.with_flag(bit, f"{field}RIS", mode=RO)
            mis.with_flag(bit, f"{field}MIS", mode=RO,
                          value=lambda bit=bit: self._masked() >> bit & 1)
            icr.with_flag(bit, f"{field}IC", mode=WO)
        r.define(0x048, "UARTDMACR").with_flag(0, "RXDMAE").with_flag(1, "TXDMAE") \
            .with_flag(2, "DMAONERR")
        for n, value in enumerate(PERIPH_ID):
            r.define(0xFE0 + 4 * n, f"ID{n}").with_value_field(0, 8, mode=RO, reset=value)
        self._clear_state()

    def _clear_state(self) -> None:
        self._tx: deque[int] = deque()
        self._rx: deque[int] = deque()   # (byte | error bits << 8)
        self._sending = None             # the event ending the character on the wire
        self._host_queue: deque[int] = deque()
        self._rx_event = None
        self._timeout_event = None

    def connect_board(self, platform) -> None:
        self.clocks = self.link(platform, "clocks")

    def reset(self) -> None:
        for event in (self._sending, self._rx_event, self._timeout_event):
            if event is not None:
                event.cancel()
        super().reset()
        self._clear_state()
        self.set_irq(False)

    # ----------------------------------------------------------- timing
    def _depth(self) -> int:
        return FIFO_DEPTH if self.regs.value("UARTLCR_H", "FEN") else 1

    def _bit_cycles(self) -> float | None:
        """One bit on the wire in core cycles; None while the UART cannot run."""
        divisor = 64 * self.regs.value("UARTIBRD") + self.regs.value("UARTFBRD")
        peri_hz = self.clocks.frequency("peri") if self.clocks is not None else \
            self.machine.clock_hz
        if not divisor or not peri_hz:
            return None
        return divisor / 4 * self.machine.clock_hz / peri_hz

    def _character_bits(self) -> int:
        """Start bit, 5-8 data bits, the parity bit, 1 or 2 stop bits."""
        r = self.regs
        return 1 + 5 + r.value("UARTLCR_H", "WLEN") + r.value("UARTLCR_H", "PEN") + \
            1 + r.value("UARTLCR_H", "STP2")

    def _character_cycles(self) -> int | None:
        bit = self._bit_cycles()
        return None if bit is None else round(bit * self._character_bits())

    # -------------------------------------------------------------- TX
    def _push_tx(self, value: int) -> None:
        if len(self._tx) < self._depth():
            self._tx.append(value & 0xFF)
        self._tx_level_changed(rising=True)
        self._start_next()

    def _transmitting(self) -> bool:
        cr = self.regs
        return bool(cr.value("UARTCR", "UARTEN") and cr.value("UARTCR", "TXE"))

    def _start_next(self) -> None:
        if self._sending is not None or not self._tx or not self._transmitting():
            return
        cycles = self._character_cycles()
        if cycles is None:
            if not self._warned:
                self._warned = True
                log.warning("%s: no baud rate or clk_peri stopped: nothing is sent",
                            self.name)
            return
        byte = self._tx.popleft()
        self._tx_level_changed(rising=False)
        self._sending = self.schedule(self.now() + cycles, self._sent, byte)

    def _sent(self, time: int, byte: int) -> None:
        self._sending = None
        for listener in self.listeners:
            listener(bytes([byte]), time)
        if self.regs.value("UARTCR", "LBE"):
            self._receive(byte)
        self._start_next()

    def _tx_trigger(self) -> int:
        if not self.regs.value("UARTLCR_H", "FEN"):
            return 0
        return FIFO_DEPTH * TRIGGER_EIGHTHS[min(self.regs.value("UARTIFLS", "TXIFLSEL"), 4)] // 8

    def _tx_level_changed(self, rising: bool) -> None:
        at_or_below = len(self._tx) <= self._tx_trigger()
        if at_or_below and not rising:
            self._raise(TX)
        elif not at_or_below and rising:
            self._lower(TX)

    def finish_after_halt(self) -> None:
        """The FIFO keeps draining after the core stops: deliver what it holds."""
        time = self.now()
        pending = list(self._tx)
        self._tx.clear()
        for byte in pending:
            for listener in self.listeners:
                listener(bytes([byte]), time)

    # -------------------------------------------------------------- RX
    def write_from_host(self, data: bytes) -> None:
        """Bytes typed into the board's serial port: they arrive at the baud rate."""
        self._host_queue.extend(data)
        if self._rx_event is None:
            self._schedule_arrival()

    def _schedule_arrival(self) -> None:
        cycles = self._character_cycles() or round(self.machine.clock_hz * 10 / 115200)
        self._rx_event = self.schedule(self.now() + cycles, self._arrive)

    def _arrive(self, time: int) -> None:
        self._rx_event = None
        if self._host_queue:
            self._receive(self._host_queue.popleft())
        if self._host_queue:
            self._schedule_arrival()

    def _receive(self, byte: int) -> None:
        cr = self.regs
        if not (cr.value("UARTCR", "UARTEN") and cr.value("UARTCR", "RXE")):
            return
        if len(self._rx) >= self._depth():
            self.regs.set("UARTRSR", self.regs.value("UARTRSR") | 1 << 3)   # overrun
            self._raise(OE)
        else:
            self._rx.append(byte)
        if len(self._rx) >= self._rx_trigger():
            self._raise(RX)
        self._restart_timeout()

    def _rx_trigger(self) -> int:
        if not self.regs.value("UARTLCR_H", "FEN"):
            return 1
        return FIFO_DEPTH * TRIGGER_EIGHTHS[min(self.regs.value("UARTIFLS", "RXIFLSEL"), 4)] // 8

    def _restart_timeout(self) -> None:
        if self._timeout_event is not None:
            self._timeout_event.cancel()
        bit = self._bit_cycles()
        self._timeout_event = None if bit is None else self.schedule(
            self.now() + round(bit * RX_TIMEOUT_BITS), self._timed_out)

    def _timed_out(self, time: int) -> None:
        self._timeout_event = None
        if self._rx:
            self._raise(RT)

    def _peek_rx(self) -> int:
        return self._rx[0] if self._rx else 0

    def _pop_rx(self) -> None:
        if self._rx:
            self._rx.popleft()
        if len(self._rx) < self._rx_trigger():
            self._lower(RX)
        if not self._rx:
            self._lower(RT)
        else:
            self._restart_timeout()

    # -------------------------------------------------------- interrupts
    def _raise(self, bits: int) -> None:
        self.regs.set("UARTRIS", self.regs.value("UARTRIS") | bits)
        self._update_irq()

    def _lower(self, bits: int) -> None:
        self.regs.set("UARTRIS", self.regs.value("UARTRIS") & ~bits)
        self._update_irq()

    def _clear_interrupts(self, value: int) -> None:
        """UARTICR: each 1 clears that raw interrupt."""
        self._lower(value)

    def _masked(self) -> int:
        return self.regs.value("UARTRIS") & self.regs.value("UARTIMSC")

    def _update_irq(self) -> None:
        self.set_irq(bool(self._masked()))
