"""nRF52840 CLOCK and POWER (one block at 0x40000000, IRQ 0).

HFCLKSTART/LFCLKSTART start the oscillators; the STARTED events follow after a
start-up time in virtual time. RTCs count only while LFCLK runs. POWER keeps
RESETREAS (SREQ after SYSRESETREQ), the retained GPREGRET registers, and turns a
SYSTEMOFF write into the end of the run.
"""
from __future__ import annotations

from ..registers import RO, W1C, WO
from .nrf_base import NrfPeripheral

HFXO_DEBOUNCE_UNIT_S = 16e-6
LFCLK_SRC_RC, LFCLK_SRC_XTAL, LFCLK_SRC_SYNTH = 0, 1, 2
LFCLK_STARTUP_S = {LFCLK_SRC_RC: 600e-6, LFCLK_SRC_XTAL: 0.25, LFCLK_SRC_SYNTH: 600e-6}
HFCLK_SRC_XTAL = 1
RAM_BLOCKS, RAM_SECTIONS = 9, 16
# Kept through a soft reset: the reset reasons (until firmware clears them) and the
# general-purpose retention registers.
RETAINED = ("RESETREAS", "GPREGRET", "GPREGRET2")


class ClockPower(NrfPeripheral):
    has_inten_register = False

    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.lfclk_started_at: int | None = None   # virtual time LFCLK began to run
        self.lfclk_listeners = []                  # callables(time) when LFCLK starts
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
        r = self.regs
        r.define(0x400, "RESETREAS") \
            .with_flag(0, "RESETPIN", mode=W1C).with_flag(1, "DOG", mode=W1C) \
            .with_flag(2, "SREQ", mode=W1C).with_flag(3, "LOCKUP", mode=W1C) \
            .with_flag(16, "OFF", mode=W1C).with_flag(17, "LPCOMP", mode=W1C) \
            .with_flag(18, "DIF", mode=W1C).with_flag(19, "NFC", mode=W1C) \
            .with_flag(20, "VBUS", mode=W1C)
        r.define(0x408, "HFCLKRUN").with_flag(0, "STATUS", mode=RO)
        r.define(0x40C, "HFCLKSTAT").with_flag(0, "SRC", mode=RO).with_flag(16, "STATE", mode=RO)
        r.define(0x414, "LFCLKRUN").with_flag(0, "STATUS", mode=RO)
        r.define(0x418, "LFCLKSTAT") \
            .with_value_field(0, 2, "SRC", mode=RO).with_flag(16, "STATE", mode=RO)
        r.define(0x41C, "LFCLKSRCCOPY").with_value_field(0, 2, "SRC", mode=RO)
        r.define(0x500, "SYSTEMOFF").with_flag(0, mode=WO, write=self._system_off)
        r.define(0x510, "POFCON").with_flag(0, "POF").with_value_field(1, 4, "THRESHOLD") \
            .with_value_field(8, 4, "THRESHOLDVDDH")
        r.define(0x518, "LFCLKSRC").with_value_field(0, 2, "SRC") \
            .with_flag(16, "BYPASS").with_flag(17, "EXTERNAL")
        r.define(0x51C, "GPREGRET").with_value_field(0, 8)
        r.define(0x520, "GPREGRET2").with_value_field(0, 8)
        r.define(0x528, "HFXODEBOUNCE").with_value_field(0, 8, reset=0x10)
        r.define(0x538, "CTIV").with_value_field(0, 7)
        r.define(0x55C, "TRACECONFIG").with_value_field(0, 2, "TRACEPORTSPEED") \
            .with_value_field(16, 2, "TRACEMUX")
        r.define(0x578, "DCDCEN").with_flag(0)
        r.define(0x580, "DCDCEN0").with_flag(0)
        r.define(0x5B4, "LFRCMODE").with_flag(0, "MODE").with_flag(16, "STATUS", mode=RO)
        for n in range(RAM_BLOCKS):
            r.define(0x900 + 0x10 * n, f"RAM[{n}].POWER") \
                .with_flags(0, RAM_SECTIONS, "S{}POWER", reset=0xFFFF) \
                .with_flags(16, RAM_SECTIONS, "S{}RETENTION")
            r.define_set(0x904 + 0x10 * n, f"RAM[{n}].POWERSET", of=f"RAM[{n}].POWER")
            r.define_clear(0x908 + 0x10 * n, f"RAM[{n}].POWERCLR", of=f"RAM[{n}].POWER")

    def after_reset(self) -> None:
        self.regs.set("RESETREAS", 1, "SREQ")   # a soft reset is the only reset the lab does

    def reset(self) -> None:
        retained = {name: self.regs.value(name) for name in RETAINED}
        super().reset()
        for name, value in retained.items():
            self.regs.set(name, value)
        self.lfclk_started_at = None

    # ------------------------------------------------------------ tasks
    def _after(self, seconds: float, event: str, then=None, *args) -> None:
        """Generate `event` after `seconds`, calling then(time, *args) first."""
        self.schedule(self.now() + self.machine.cycles(seconds), self._started, event, then,
                      *args)

    def _started(self, time: int, event: str, then, *args) -> None:
        if then:
            then(time, *args)
        self.generate(event)

    def _hfclk_start(self) -> None:
        self.regs.set("HFCLKRUN", 1, "STATUS")
        debounce = self.regs.value("HFXODEBOUNCE") * HFXO_DEBOUNCE_UNIT_S
        self._after(debounce, "EVENTS_HFCLKSTARTED", self._hfclk_running)

    def _hfclk_running(self, time: int) -> None:
        self.regs.set("HFCLKSTAT", HFCLK_SRC_XTAL, "SRC")
        self.regs.set("HFCLKSTAT", 1, "STATE")

    def _hfclk_stop(self) -> None:
        self.regs.set("HFCLKRUN", 0)
        self.regs.set("HFCLKSTAT", 0)

    def _lfclk_start(self) -> None:
        source = self.regs.value("LFCLKSRC", "SRC")
        self.regs.set("LFCLKSRCCOPY", source, "SRC")
        self.regs.set("LFCLKRUN", 1, "STATUS")
        self._after(LFCLK_STARTUP_S.get(source, LFCLK_STARTUP_S[LFCLK_SRC_RC]),
                    "EVENTS_LFCLKSTARTED", self._lfclk_running, source)

    def _lfclk_running(self, time: int, source: int) -> None:
        self.regs.set("LFCLKSTAT", source, "SRC")
        self.regs.set("LFCLKSTAT", 1, "STATE")
        if self.lfclk_started_at is None:
            self.lfclk_started_at = time
            for listener in self.lfclk_listeners:
                listener(time)

    def _lfclk_stop(self) -> None:
        self.regs.set("LFCLKRUN", 0)
        self.regs.set("LFCLKSTAT", 0)
        self.lfclk_started_at = None

    def _system_off(self, value: int) -> None:
        if value:
            self.machine.halt("done", "POWER.SYSTEMOFF")
