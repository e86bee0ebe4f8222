"""RP2040 PWM (0x40050000): eight slices, two channels (A, B) each.

RP2040 datasheet §4.5 (PWM), registers §4.5.3. Slice n's registers at 0x14 x n:
  CHn_CSR  EN [0], PH_CORRECT [1], A_INV [2], B_INV [3], DIVMODE [5:4]
           (0 free-running), PH_RET [6], PH_ADV [7]
  CHn_DIV  FRAC [3:0], INT [11:4] (reset 0x10: divide by 1; INT 0 means 256)
  CHn_CTR  [15:0] the counter
  CHn_CC   A [15:0], B [31:16] compare values
  CHn_TOP  [15:0] wrap value, reset 0xFFFF
  0xA0 EN (the slices' CSR.EN bits in one register), 0xA4 INTR (wrap flags, write 1
  to clear), 0xA8 INTE, 0xAC INTF, 0xB0 INTS = (INTR | INTF) & INTE
§4.5.2: the counter counts 0..TOP and wraps (phase-correct: up then down), one count
per (INT + FRAC/16) clk_sys cycles; output A is high while CTR < CC.A (inverted by
A_INV), the same for B. CC and TOP are double-buffered: a new value takes effect
when the counter next wraps (at once while the slice is disabled). GPIO (§4.5.2.1):
channel A of slice n drives GPIO 2n and 2n+16, channel B GPIO 2n+1 and 2n+17.

The model records each channel's duty with the virtual time it took effect (the
LED brightness trace). IRQ PWM_IRQ_WRAP (4): INTR is computed from virtual time;
an event is scheduled per wrap only while that slice's INTE bit is set. The gated
and edge-counting DIVMODEs and PH_RET/PH_ADV are stored, not modelled.
"""
from __future__ import annotations

from ..registers import RO, W1C
from .rp2040_base import Rp2040Peripheral

SLICES = 8
SLICE_STRIDE = 0x14
DIVMODE_FREE_RUNNING = 0


class Pwm(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        r = self.regs
        for n in range(SLICES):
            at = SLICE_STRIDE * n
            r.define(at + 0x0, f"CH{n}_CSR", write=lambda v, n=n: self._record_outputs(n)) \
                .with_flag(0, "EN", change=lambda old, new, n=n: self._enable(n, new)) \
                .with_flag(1, "PH_CORRECT").with_flag(2, "A_INV").with_flag(3, "B_INV") \
                .with_value_field(4, 2, "DIVMODE").with_flag(6, "PH_RET").with_flag(7, "PH_ADV")
            r.define(at + 0x4, f"CH{n}_DIV", write=lambda v, n=n: self._record_outputs(n)) \
                .with_value_field(0, 4, "FRAC").with_value_field(4, 8, "INT", reset=1)
            r.define(at + 0x8, f"CH{n}_CTR").with_value_field(
                0, 16, value=lambda n=n: self._counter(n), write=lambda v, n=n: self._set_counter(n, v))
            r.define(at + 0xC, f"CH{n}_CC", write=lambda v, n=n: self._buffered_written(n)) \
                .with_value_field(0, 16, "A").with_value_field(16, 16, "B")
            r.define(at + 0x10, f"CH{n}_TOP", write=lambda v, n=n: self._buffered_written(n)) \
                .with_value_field(0, 16, reset=0xFFFF)
        r.define(0xA0, "EN").with_value_field(0, SLICES, value=self._enabled_bits,
                                               write=self._write_enables)
        r.define(0xA4, "INTR", write=self._clear_interrupts) \
            .with_value_field(0, SLICES, mode=W1C, value=self._raw_interrupts)
        r.define(0xA8, "INTE").with_value_field(0, SLICES, write=lambda v: self._rearm_irqs())
        r.define(0xAC, "INTF").with_value_field(0, SLICES, write=lambda v: self._update_irq())
        r.define(0xB0, "INTS").with_value_field(0, SLICES, mode=RO, value=self._status)
        self._clear_state()

    def _clear_state(self) -> None:
        self._anchor = [0] * SLICES          # virtual time the counter was last at 0
        self._cleared = [0] * SLICES         # virtual time of the last INTR clear per slice
        self._effective = [(0xFFFF, 0, 0)] * SLICES   # (TOP, CC.A, CC.B) the counter uses
        self._pending = [None] * SLICES      # (wrap time, (TOP, CC.A, CC.B)) written since
        self._wrap_events = [None] * SLICES
        self._duty: dict[tuple[int, int], list[tuple[int, float | None]]] = {}

    def reset(self) -> None:
        for event in self._wrap_events:
            if event is not None:
                event.cancel()
        super().reset()
        self._clear_state()
        self.set_irq(False)

    # ---------------------------------------------------------------- timing
    def _running(self, n: int) -> bool:
        return bool(self.regs.value(f"CH{n}_CSR", "EN"))

    def _tick_cycles(self, n: int) -> float:
        """Core (clk_sys) cycles per count: INT + FRAC / 16, INT 0 meaning 256."""
        return (self.regs.value(f"CH{n}_DIV", "INT") or 256) + \
            self.regs.value(f"CH{n}_DIV", "FRAC") / 16

    def _period(self, n: int) -> float:
        """Core cycles from one wrap to the next, with the TOP in effect."""
        top = self._in_effect(n)[0]
        counts = (top + 1) * (2 if self.regs.value(f"CH{n}_CSR", "PH_CORRECT") else 1)
        return counts * self._tick_cycles(n)

    def _wraps_until(self, n: int, time: int) -> int:
        return int((time - self._anchor[n]) // self._period(n))

    def _next_wrap(self, n: int) -> int:
        return self._anchor[n] + int(-(-(self._wraps_until(n, self.now()) + 1) *
                                     self._period(n) // 1))

    def _counter(self, n: int) -> int:
        if not self._running(n):
            return self.regs.value(f"CH{n}_CTR")
        top = self.regs.value(f"CH{n}_TOP")
        counts = int((self.now() - self._anchor[n]) / self._tick_cycles(n))
        if self.regs.value(f"CH{n}_CSR", "PH_CORRECT"):
            position = counts % (2 * (top + 1))
            return position if position <= top else 2 * (top + 1) - 1 - position
        return counts % (top + 1)

    def _set_counter(self, n: int, value: int) -> None:
        self.regs.set(f"CH{n}_CTR", value)
        self._anchor[n] = self.now() - round(value * self._tick_cycles(n))

    # ------------------------------------------------------------- enabling
    def _enable(self, n: int, enabled: int) -> None:
        if enabled:
            self._set_counter(n, self.regs.value(f"CH{n}_CTR"))
            self._cleared[n] = self.now()
        else:
            self.regs.set(f"CH{n}_CTR", self._counter_when_stopping(n))
        self._effective[n], self._pending[n] = self._written(n), None   # latched at once
        self._record_outputs(n)
        self._rearm_irqs()

    def _counter_when_stopping(self, n: int) -> int:
        self.regs.set(f"CH{n}_CSR", 1, "EN")        # read the counter as it ran
        value = self._counter(n)
        self.regs.set(f"CH{n}_CSR", 0, "EN")
        return value

    def _enabled_bits(self) -> int:
        return sum(self.regs.value(f"CH{n}_CSR", "EN") << n for n in range(SLICES))

    def _write_enables(self, bits: int) -> None:
        for n in range(SLICES):
            before = self.regs.value(f"CH{n}_CSR", "EN")
            if before != bits >> n & 1:
                self.regs.set(f"CH{n}_CSR", bits >> n & 1, "EN")
                self._enable(n, bits >> n & 1)

    # ----------------------------------------------------------- outputs
    def _written(self, n: int) -> tuple[int, int, int]:
        r = self.regs
        return r.value(f"CH{n}_TOP"), r.value(f"CH{n}_CC", "A"), r.value(f"CH{n}_CC", "B")

    def _in_effect(self, n: int) -> tuple[int, int, int]:
        """(TOP, CC.A, CC.B) the counter uses now: a buffered write takes over at its wrap
        (the counter's period restarts there)."""
        pending = self._pending[n]
        if pending is not None and pending[0] <= self.now():
            self._anchor[n] = pending[0]
            self._effective[n], self._pending[n] = pending[1], None
        return self._effective[n]

    def _buffered_written(self, n: int) -> None:
        """CC or TOP written: latched at the next wrap while running, at once otherwise."""
        if self._running(n):
            self._in_effect(n)
            self._pending[n] = (self._next_wrap(n), self._written(n))
        else:
            self._effective[n], self._pending[n] = self._written(n), None
        self._record_outputs(n)

    def _record_outputs(self, n: int) -> None:
        """Both channels' duty from now (CSR and DIV act at once), and from the wrap that
        latches a pending CC/TOP."""
        self._record_duty(n, self.now(), self._in_effect(n))
        if self._pending[n] is not None:
            self._record_duty(n, *self._pending[n])

    def _record_duty(self, n: int, time: int, values: tuple[int, int, int]) -> None:
        r = self.regs
        top, cc_a, cc_b = values
        for channel, compare, invert in ((0, cc_a, "A_INV"), (1, cc_b, "B_INV")):
            duty = None
            if self._running(n) and r.value(f"CH{n}_CSR", "DIVMODE") == DIVMODE_FREE_RUNNING:
                duty = min(compare, top + 1) / (top + 1)
                duty = 1.0 - duty if r.value(f"CH{n}_CSR", invert) else duty
            self._record(n, channel, time, duty)

    def _record(self, n: int, channel: int, time: int, duty: float | None) -> None:
        history = self._duty.setdefault((n, channel), [])
        while history and history[-1][0] >= time:      # superseded before it applied
            history.pop()
        if not history or history[-1][1] != duty:
            history.append((time, duty))

    def channel_duty_history(self, gpio: int) -> list[tuple[int, float | None]]:
        """[(time, duty)] of the channel that drives `gpio` when its function is PWM."""
        return list(self._duty.get(((gpio >> 1) % SLICES, gpio & 1), []))

    # --------------------------------------------------------- interrupts
    def _raw_interrupts(self) -> int:
        now = self.now()
        bits = self.regs["INTR"].value
        for n in range(SLICES):
            if self._running(n) and self._wraps_until(n, now) > \
                    self._wraps_until(n, self._cleared[n]):
                bits |= 1 << n
        return bits

    def _clear_interrupts(self, written: int) -> None:
        """INTR written: each 1 clears that slice's flag, and the wraps before now."""
        now = self.now()
        for n in range(SLICES):
            if written >> n & 1:
                self._cleared[n] = now
        self.regs.set("INTR", self.regs["INTR"].value & ~written)
        self._rearm_irqs()

    def _status(self) -> int:
        return (self._raw_interrupts() | self.regs.value("INTF")) & self.regs.value("INTE")

    def _rearm_irqs(self) -> None:
        for n in range(SLICES):
            if self._wrap_events[n] is not None:
                self._wrap_events[n].cancel()
                self._wrap_events[n] = None
            if self._running(n) and self.regs.value("INTE") >> n & 1:
                self._wrap_events[n] = self.schedule(self._next_wrap(n), self._wrapped, n)
        self._update_irq()

    def _wrapped(self, time: int, n: int) -> None:
        self._wrap_events[n] = None
        self.regs.set("INTR", self.regs.value("INTR") | 1 << n)
        self._update_irq()

    def _update_irq(self) -> None:
        self.set_irq(bool(self._status()))
