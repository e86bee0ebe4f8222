"""nRF52840 CLOCK and POWER (one block at 0x40000000, IRQ 0).

HFCLKSTART/LFCLKSTART start the oscillators; the STARTED events follow after a
start-up time in virtual time. RTCs count only while LFCLK runs. POWER keeps
RESETREAS (SREQ after SYSRESETREQ), the retained GPREGRET registers, and turns a
SYSTEMOFF write into the end of the run.
"""
from __future__ import annotations

from .nrf_base import NrfPeripheral

HFXO_DEBOUNCE_UNIT_S = 16e-6
LFCLK_STARTUP_S = {0: 600e-6, 1: 0.25, 2: 600e-6}   # RC, Xtal, Synth (typical)
RESETREAS_SREQ, RESETREAS_LOCKUP = 1 << 2, 1 << 3


class ClockPower(NrfPeripheral):
    has_inten_register = False

    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.lfclk_started_at: int | None = None   # virtual time LFCLK began to run
        self.lfclk_listeners = []                  # callables(time) when LFCLK starts
        self._resetreas = 0
        r = self.regs
        self.task(0x000, "TASKS_HFCLKSTART", self._hfclk_start)
        self.task(0x004, "TASKS_HFCLKSTOP", self._hfclk_stop)
        self.task(0x008, "TASKS_LFCLKSTART", self._lfclk_start)
        self.task(0x00C, "TASKS_LFCLKSTOP", self._lfclk_stop)
        self.task(0x010, "TASKS_CAL", lambda: self._after(0.0, "EVENTS_DONE"))
        self.task(0x014, "TASKS_CTSTART", lambda: self.generate("EVENTS_CTSTARTED"))
        self.task(0x018, "TASKS_CTSTOP", lambda: self.generate("EVENTS_CTSTOPPED"))
        self.task(0x078, "TASKS_CONSTLAT", lambda: None)
        self.task(0x07C, "TASKS_LOWPWR", lambda: None)
        for offset, event in ((0x100, "EVENTS_HFCLKSTARTED"), (0x104, "EVENTS_LFCLKSTARTED"),
                              (0x108, "EVENTS_POFWARN"), (0x10C, "EVENTS_DONE"),
                              (0x110, "EVENTS_CTTO"), (0x114, "EVENTS_SLEEPENTER"),
                              (0x118, "EVENTS_SLEEPEXIT"), (0x11C, "EVENTS_USBDETECTED"),
                              (0x120, "EVENTS_USBREMOVED"), (0x124, "EVENTS_USBPWRRDY"),
                              (0x128, "EVENTS_CTSTARTED"), (0x12C, "EVENTS_CTSTOPPED")):
            self.event(offset, event)
        self.interrupts()
        r.define(0x400, "RESETREAS", read=lambda: self._resetreas, write=self._clear_resetreas)
        r.define(0x408, "HFCLKRUN", writable=0)
        r.define(0x40C, "HFCLKSTAT", writable=0)
        r.define(0x414, "LFCLKRUN", writable=0)
        r.define(0x418, "LFCLKSTAT", writable=0)
        r.define(0x41C, "LFCLKSRCCOPY", writable=0)
        r.define(0x500, "SYSTEMOFF", writable=0, write=self._system_off)
        r.define(0x510, "POFCON", writable=0xF1F)
        r.define(0x518, "LFCLKSRC", writable=0x30003)
        r.define(0x51C, "GPREGRET", writable=0xFF)
        r.define(0x520, "GPREGRET2", writable=0xFF)
        r.define(0x528, "HFXODEBOUNCE", reset=0x10, writable=0xFF)
        r.define(0x538, "CTIV", writable=0x7F)
        r.define(0x55C, "TRACECONFIG", writable=0x30003)
        r.define(0x578, "DCDCEN", writable=1)
        r.define(0x580, "DCDCEN0", writable=1)
        r.define(0x5B4, "LFRCMODE", writable=1)
        for n in range(9):
            r.define(0x900 + 0x10 * n, f"RAM[{n}].POWER", reset=0xFFFF)
            r.define(0x904 + 0x10 * n, f"RAM[{n}].POWERSET", writable=0)
            r.define(0x908 + 0x10 * n, f"RAM[{n}].POWERCLR", writable=0)
        self.finish_declaring()

    def after_reset(self) -> None:
        self._resetreas |= RESETREAS_SREQ   # a soft reset is the only reset the lab does

    def reset(self) -> None:
        retained = {name: self.regs.value(name) for name in ("GPREGRET", "GPREGRET2")}
        super().reset()
        for name, value in retained.items():
            self.regs.set(name, value)
        self.lfclk_started_at = None

    def lfclk_running(self) -> bool:
        return self.lfclk_started_at is not None

    # ------------------------------------------------------------ tasks
    def _after(self, seconds: float, event: str, then=None) -> None:
        def fire(time):
            if then:
                then(time)
            self.generate(event)
        self.schedule(self.now() + self.machine.cycles(seconds), fire)

    def _hfclk_start(self) -> None:
        self.regs.set("HFCLKRUN", 1)
        debounce = self.regs.value("HFXODEBOUNCE") * HFXO_DEBOUNCE_UNIT_S
        self._after(debounce, "EVENTS_HFCLKSTARTED",
                    lambda t: self.regs.set("HFCLKSTAT", (1 << 16) | 1))

    def _hfclk_stop(self) -> None:
        self.regs.set("HFCLKRUN", 0)
        self.regs.set("HFCLKSTAT", 0)

    def _lfclk_start(self) -> None:
        source = self.regs.value("LFCLKSRC") & 3
        self.regs.set("LFCLKSRCCOPY", source)
        self.regs.set("LFCLKRUN", 1)
        self._after(LFCLK_STARTUP_S.get(source, 600e-6), "EVENTS_LFCLKSTARTED",
                    lambda t: self._lfclk_running(t, source))

    def _lfclk_running(self, time: int, source: int) -> None:
        self.regs.set("LFCLKSTAT", (1 << 16) | source)
        if self.lfclk_started_at is None:
            self.lfclk_started_at = time
            for listener in self.lfclk_listeners:
                listener(time)

    def _lfclk_stop(self) -> None:
        self.regs.set("LFCLKRUN", 0)
        self.regs.set("LFCLKSTAT", 0)
        self.lfclk_started_at = None

    def _clear_resetreas(self, value: int) -> None:
        self._resetreas &= ~value

    def _system_off(self, value: int) -> None:
        if value & 1:
            self.machine.halt("done", "POWER.SYSTEMOFF")
