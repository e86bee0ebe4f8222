"""RP2040 IO_BANK0 (0x40014000): function select of GPIO0..29, and the pins' levels.

RP2040 datasheet §2.19.2 (function select, table 289) and §2.19.6.1 (registers):
  0x000 + 8n GPIOn_STATUS  OUTFROMPERI [8], OUTTOPAD [9], OEFROMPERI [12], OETOPAD [13],
                           INFROMPAD [17], INTOPROC [19] (read-only)
  0x004 + 8n GPIOn_CTRL    FUNCSEL [4:0] (reset 0x1F: null), OUTOVER [9:8],
                           OEOVER [13:12], INOVER [17:16], IRQOVER [29:28]
Functions: F1 SPI, F2 UART, F3 I2C, F4 PWM, F5 SIO, F6/F7 PIO, F8 clock, F9 USB.
Overrides: OUTOVER 0 peripheral, 1 inverted, 2 low, 3 high; OEOVER 0 peripheral,
1 inverted, 2 disabled, 3 enabled; INOVER the same as OUTOVER for the input.

The model records every change of a pin's driven level (SIO or an override) with its
virtual time: LED traces. A pin whose function is PWM reports the duty of its PWM
channel (duty_history) instead. GPIO interrupts (INTR/INTE, PROC0_INTS) are not
modelled.
"""
from __future__ import annotations

from ..registers import RO
from .rp2040_base import Rp2040Peripheral

GPIOS = 30
FUNC_UART, FUNC_PWM, FUNC_SIO, FUNC_NULL = 2, 4, 5, 0x1F
OVER_NORMAL, OVER_INVERT, OVER_LOW, OVER_HIGH = 0, 1, 2, 3


class IoBank0(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.history: dict[int, list[tuple[int, int]]] = {}   # pin -> [(time, level)]
        self.external: dict[int, int] = {}                   # pin -> level driven outside
        self.sio = self.pwm = self.pads = None
        for n in range(GPIOS):
            self.regs.define(0x000 + 8 * n, f"GPIO{n}_STATUS") \
                .with_flag(8, "OUTFROMPERI", mode=RO, value=lambda n=n: self._peripheral(n)[0]) \
                .with_flag(9, "OUTTOPAD", mode=RO, value=lambda n=n: self._pad(n)[0]) \
                .with_flag(12, "OEFROMPERI", mode=RO, value=lambda n=n: self._peripheral(n)[1]) \
                .with_flag(13, "OETOPAD", mode=RO, value=lambda n=n: self._pad(n)[1]) \
                .with_flag(17, "INFROMPAD", mode=RO, value=lambda n=n: self._input(n)) \
                .with_flag(19, "INTOPROC", mode=RO, value=lambda n=n: self._input(n))
            self.regs.define(0x004 + 8 * n, f"GPIO{n}_CTRL", write=lambda v: self.pins_changed()) \
                .with_value_field(0, 5, "FUNCSEL", reset=FUNC_NULL) \
                .with_value_field(8, 2, "OUTOVER").with_value_field(12, 2, "OEOVER") \
                .with_value_field(16, 2, "INOVER").with_value_field(28, 2, "IRQOVER")
        self._levels: dict[int, int] = {}

    def connect_board(self, platform) -> None:
        self.sio = self.link(platform, "sio")
        self.pwm = self.link(platform, "pwm")
        self.pads = self.link(platform, "pads")

    def function(self, pin: int) -> int:
        return self.regs.value(f"GPIO{pin}_CTRL", "FUNCSEL")

    # ---------------------------------------------------------- levels
    def _peripheral(self, pin: int) -> tuple[int, int]:
        """(out, oe) the selected function drives (only SIO is followed level by level)."""
        if self.function(pin) == FUNC_SIO and self.sio is not None:
            return self.sio.output(pin)
        return 0, 0

    def _pad(self, pin: int) -> tuple[int, int]:
        """(out, oe) after the overrides: what reaches the pad."""
        out, oe = self._peripheral(pin)
        out = _override(out, self.regs.value(f"GPIO{pin}_CTRL", "OUTOVER"))
        oe = _override(oe, self.regs.value(f"GPIO{pin}_CTRL", "OEOVER"))
        if self.pads is not None and self.pads.output_disabled(pin):
            oe = 0
        return out, oe

    def _input(self, pin: int) -> int:
        out, oe = self._pad(pin)
        level = out if oe else self.external.get(pin)
        if level is None:
            level = self.pads.pull(pin) if self.pads is not None else 0
        return _override(level or 0, self.regs.value(f"GPIO{pin}_CTRL", "INOVER"))

    def input_levels(self) -> int:
        return sum(self._input(pin) << pin for pin in range(GPIOS))

    def drive_input(self, pin: int, level: int) -> None:
        self.external[pin] = 1 if level else 0

    def pins_changed(self) -> None:
        """SIO or a CTRL register changed: record the pins whose driven level changed."""
        time = self.now()
        levels = {}
        for pin in range(GPIOS):
            if self.function(pin) == FUNC_PWM:
                continue
            out, oe = self._pad(pin)
            if oe:
                levels[pin] = out
        for pin, level in levels.items():
            if self._levels.get(pin) != level:
                self.history.setdefault(pin, []).append((time, level))
        self._levels = levels

    def duty_history(self, pin: int) -> list[tuple[int, float | None]]:
        if self.pwm is None or not 0 <= pin < GPIOS or self.function(pin) != FUNC_PWM:
            return []
        return self.pwm.channel_duty_history(pin)

    def reset(self) -> None:
        super().reset()
        self.pins_changed()


def _override(value: int, override: int) -> int:
    """Apply an OUTOVER/OEOVER/INOVER setting to a level."""
    if override == OVER_INVERT:
        return value ^ 1
    if override == OVER_LOW:
        return 0
    if override == OVER_HIGH:
        return 1
    return value
