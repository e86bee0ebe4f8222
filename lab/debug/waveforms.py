"""`lab run --vcd FILE`: the board's signals as a Value Change Dump (IEEE 1364 §18) that
GTKWave or Surfer open, in virtual time (timescale 1 ns).

- every GPIO pin the firmware drove (an LED's name is added to its pin's name),
- each PWM-driven pin's duty cycle (a real variable, 0..1),
- the console UART's TX and RX lines as levels: start bit, 8 data bits LSB first,
  parity, stop bits, at the UARTE's baud rate (idle high),
- each peripheral's interrupt line into the NVIC.

GPIO levels and PWM duties come from the models' own histories after the run; UART
bytes and interrupt lines are recorded from the models' listeners while it runs.
"""
from __future__ import annotations

from pathlib import Path

from vcd import VCDWriter

TIMESCALE = "1 ns"
EVEN_PARITY = 0x7           # CONFIG.PARITY: parity bit included (even)


class WaveformRecorder:
    def __init__(self, session, path: Path):
        self.session = session
        self.machine = session.machine
        self.path = Path(path)
        self._uart = self.machine.peripherals.get(session.platform.console or "")
        self._serial: dict[str, list[tuple[int, int]]] = {"tx": [], "rx": []}
        self._irqs: dict[int, list[tuple[int, int]]] = {}
        if self._uart is not None:
            self._uart.listeners.append(self._on_tx)
            if hasattr(self._uart, "rx_listeners"):
                self._uart.rx_listeners.append(self._on_rx)
        self.machine.exceptions.irq_listeners.append(self._on_irq)

    # ------------------------------------------------------------ recording
    def _on_tx(self, data: bytes, end: int) -> None:
        byte_cycles = self._uart.byte_cycles()
        start = end - len(data) * byte_cycles
        for i, byte in enumerate(data):
            self._frame("tx", byte, start + i * byte_cycles)

    def _on_rx(self, byte: int, end: int) -> None:
        self._frame("rx", byte, end - self._uart.byte_cycles())

    def _frame(self, line: str, byte: int, start: int) -> None:
        """One UART frame's levels from `start` (cycles), each bit at its exact time."""
        uart = self._uart
        bits = [0] + [(byte >> i) & 1 for i in range(8)]
        if uart.regs.value("CONFIG", "PARITY") == EVEN_PARITY:
            bits.append(bin(byte).count("1") & 1)
        bits += [1] * (1 + uart.regs.value("CONFIG", "STOP"))
        cycles_per_bit = self.machine.clock_hz / uart.baud()
        changes = self._serial[line]
        for k, level in enumerate(bits):
            if not changes or changes[-1][1] != level:
                changes.append((start + round(k * cycles_per_bit), level))

    def _on_irq(self, irq: int, level: bool, time: int) -> None:
        self._irqs.setdefault(irq, []).append((time, int(level)))

    # -------------------------------------------------------------- writing
    def close(self) -> None:
        machine = self.machine
        if self._uart is not None:
            self._uart.listeners.remove(self._on_tx)
            if hasattr(self._uart, "rx_listeners"):
                self._uart.rx_listeners.remove(self._on_rx)
        machine.exceptions.irq_listeners.remove(self._on_irq)
        self.write()

    def signals(self) -> list[tuple[str, str, str, object, list]]:
        """(scope, name, VCD type, initial value, [(cycles, value)]) of every signal."""
        signals = []
        leds = {(led.port, led.pin): led.name for led in self.session.platform.leds}
        psels = []                                # every pin, in PSEL numbering
        for name, peripheral in self.machine.peripherals.items():
            history = getattr(peripheral, "history", None)
            if isinstance(history, dict) and hasattr(peripheral, "pins"):
                port = peripheral.options.get("port", 0)
                psels += [32 * port + pin for pin in range(peripheral.pins)]
                for pin in sorted(set(history) | {p for (g, p) in leds if g == name}):
                    label = f"P{port}_{pin:02d}" + (f"_{leds[(name, pin)]}"
                                                   if (name, pin) in leds else "")
                    signals.append((name, label, "wire", "z", history.get(pin, [])))
        for name, peripheral in self.machine.peripherals.items():
            for psel in psels:
                duties = [(t, d) for t, d in peripheral.duty_history(psel) if d is not None]
                if duties:
                    signals.append((name, f"P{psel // 32}_{psel % 32:02d}_duty", "real", 0.0,
                                    duties))
        if self._uart is not None:
            for line in ("tx", "rx"):
                signals.append((self._uart.name, line, "wire", 1, self._serial[line]))
        for spec in self.session.platform.peripherals:
            if spec.irq is not None and spec.name in self.machine.peripherals:
                signals.append(("irq", f"{spec.name}_irq{spec.irq}", "wire", 0,
                                self._irqs.get(spec.irq, [])))
        return signals

    def write(self) -> None:
        clock = self.machine.clock_hz
        ns = lambda cycles: (2 * cycles * 10**9 + clock) // (2 * clock)   # noqa: E731
        signals = self.signals()
        with open(self.path, "w") as out:
            writer = VCDWriter(out, timescale=TIMESCALE, date="",
                               comment=f"Virtual MCU Lab: {self.session.app} on "
                                       f"{self.session.platform.name}, virtual time")
            changes = []
            for order, (scope, name, kind, init, values) in enumerate(signals):
                var = writer.register_var(f"board.{scope}", name, kind, size=1 if kind ==
                                          "wire" else None, init=init)
                changes += [(time, order, var, value) for time, value in values]
            changes.sort(key=lambda change: (change[0], change[1]))
            for time, _, var, value in changes:
                writer.change(var, ns(time), value)
            writer.close(ns(max(self.machine.now(), changes[-1][0] if changes else 0)))
