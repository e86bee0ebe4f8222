"""nRF52840 RTC0-2: a 24-bit COUNTER on the 32.768 kHz LFCLK (f = 32768 / (PRESCALER + 1)).

The counter is computed from virtual time, never ticked. LFCLK edge k after it
started falls at cycle ceil(k * core_hz / 32768): exact integer arithmetic, so a
64 MHz core sees the true 1953.125-cycle tick pattern. The RTC counts only while
LFCLK runs (started through CLOCK). COMPARE[n] fires when COUNTER becomes CC[n];
TICK (on every increment) and OVRFLW are scheduled only when enabled in INTEN or
EVTEN, as the hardware only generates those then.
"""
from __future__ import annotations

from ....errors import LabError
from ..registers import RO
from .nrf_base import NrfPeripheral
from .nrf_clock_power import ClockPower

LFCLK_HZ = 32768
COUNTER_MASK = 0xFFFFFF
TRIGOVRFLW_COUNT = 0xFFFFF0


class Rtc(NrfPeripheral):
    has_inten_register = False

    def __init__(self, machine, name, base, irq=None, channels: int = 4, **options):
        super().__init__(machine, name, base, irq, **options)
        self.channels = channels
        self.clock: ClockPower | None = None
        self.task(0x000, "TASKS_START", self._start)
        self.task(0x004, "TASKS_STOP", self._stop)
        self.task(0x008, "TASKS_CLEAR", lambda: self._set_counter(0))
        self.task(0x00C, "TASKS_TRIGOVRFLW", lambda: self._set_counter(TRIGOVRFLW_COUNT))
        self.event(0x100, "EVENTS_TICK")
        self.event(0x104, "EVENTS_OVRFLW")
        for n in range(channels):
            self.event(0x140 + 4 * n, f"EVENTS_COMPARE[{n}]")
        r = self.regs
        evten = r.define(0x340, "EVTEN", write=lambda v: self._reschedule()) \
            .with_flag(0, "TICK").with_flag(1, "OVRFLW")
        for n in range(channels):
            evten.with_flag(16 + n, f"COMPARE[{n}]")
        r.define_set(0x344, "EVTENSET", of="EVTEN")
        r.define_clear(0x348, "EVTENCLR", of="EVTEN")
        r.define(0x504, "COUNTER").with_value_field(0, 24, mode=RO, value=self.counter)
        r.define(0x508, "PRESCALER").with_value_field(0, 12, write=lambda v: self._reschedule())
        for n in range(channels):
            r.define(0x540 + 4 * n, f"CC[{n}]") \
                .with_value_field(0, 24, "COMPARE", write=lambda v: self._reschedule())
        self._clear_state()

    def connect_board(self, platform) -> None:
        """The LFCLK source is the platform's `clock:` option (the CLOCK peripheral's
        name); without one the RTC counts from reset, as if LFCLK always ran."""
        source = self.options.get("clock")
        if source is None:
            return
        clock = self.machine.peripherals.get(source)
        if not isinstance(clock, ClockPower):
            raise LabError(f"{platform.name}: {self.name}'s clock {source!r} is not a CLOCK "
                           "peripheral of the SoC")
        self.clock = clock
        clock.lfclk_listeners.append(self._lfclk_started)

    def _lfclk_started(self, time: int) -> None:
        self.anchor_edge = 0       # a started RTC counts from LFCLK's first edge
        self._reschedule()

    def _clear_state(self) -> None:
        self.running = False
        self.anchor_edge = 0      # LFCLK edge index at which COUNTER was anchor_count
        self.anchor_count = 0
        self._events_pending = []
        self._scheduled_periodic = (False, False)   # TICK, OVRFLW being scheduled

    def reset(self) -> None:
        for event in self._events_pending:
            event.cancel()
        super().reset()
        self._clear_state()

    # ------------------------------------------------------------ time math
    def _lfclk_origin(self) -> int | None:
        if self.clock is None:
            return 0
        return self.clock.lfclk_started_at

    def _edge_at(self, time: int) -> int:
        """LFCLK edges since LFCLK started, up to `time`."""
        origin = self._lfclk_origin()
        return (time - origin) * LFCLK_HZ // self.machine.clock_hz

    def _time_of_edge(self, edge: int) -> int:
        origin = self._lfclk_origin()
        hz = self.machine.clock_hz
        return origin + (edge * hz + LFCLK_HZ - 1) // LFCLK_HZ

    def _divider(self) -> int:
        return self.regs.value("PRESCALER") + 1

    def _counting(self) -> bool:
        return self.running and self._lfclk_origin() is not None

    def counter(self) -> int:
        if not self._counting():
            return self.anchor_count
        increments = (self._edge_at(self.now()) - self.anchor_edge) // self._divider()
        return (self.anchor_count + max(0, increments)) & COUNTER_MASK

    def _time_of_count(self, increments: int) -> int:
        return self._time_of_edge(self.anchor_edge + increments * self._divider())

    # ------------------------------------------------------------ tasks
    def _start(self) -> None:
        if self.running:
            return
        self.running = True
        self._anchor()

    def _stop(self) -> None:
        self.anchor_count = self.counter()
        self.running = False
        self._reschedule()

    def _set_counter(self, value: int) -> None:
        self.anchor_count = value
        self._anchor()

    def _anchor(self) -> None:
        """COUNTER = anchor_count from the current LFCLK edge on."""
        self.anchor_edge = self._edge_at(self.now()) if self._counting() else 0
        self._reschedule()

    # ---------------------------------------------------------- events
    def interrupt_enable_written(self) -> None:
        super().interrupt_enable_written()
        if self._periodic_events() != self._scheduled_periodic:
            self._reschedule()        # TICK or OVRFLW enabled or disabled

    def _periodic_events(self) -> tuple[bool, bool]:
        return self._enabled("TICK"), self._enabled("OVRFLW")

    def _enabled(self, event: str) -> bool:
        """TICK and OVRFLW are generated when routed to the IRQ (INTEN) or to PPI (EVTEN)."""
        return self.interrupt_enabled(f"EVENTS_{event}") or bool(self.regs.value("EVTEN", event))

    def _reschedule(self) -> None:
        for event in self._events_pending:
            event.cancel()
        self._events_pending = []
        self._scheduled_periodic = self._periodic_events()
        if not self._counting():
            return
        now_count = self.counter()
        elapsed = (self._edge_at(self.now()) - self.anchor_edge) // self._divider()
        for n in range(self.channels):
            target = self.regs.value(f"CC[{n}]")
            steps = (target - now_count) & COUNTER_MASK or COUNTER_MASK + 1
            self._at(elapsed + steps, self._compare, n)
        if self._enabled("OVRFLW"):
            steps = (0 - now_count) & COUNTER_MASK or COUNTER_MASK + 1
            self._at(elapsed + steps, self._overflow)
        if self._enabled("TICK"):
            self._at(elapsed + 1, self._tick)

    def _at(self, increments: int, callback, *args) -> None:
        self._events_pending.append(self.schedule(self._time_of_count(increments), callback,
                                                  *args))

    def _compare(self, time: int, n: int) -> None:
        self.generate(f"EVENTS_COMPARE[{n}]")
        self._reschedule()

    def _overflow(self, time: int) -> None:
        self.generate("EVENTS_OVRFLW")
        self._reschedule()

    def _tick(self, time: int) -> None:
        self.generate("EVENTS_TICK")
        self._reschedule()
