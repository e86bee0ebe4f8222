"""A firmware running on the embedded engine: the UART watched, events parsed.

`lab run` runs a session to its end; the Robot library drives one step by step
(run until a line appears, with timeouts in virtual seconds).
"""
from __future__ import annotations

import sys
import time
from typing import Callable

from ...elf import Firmware, read_firmware
from ...errors import LabError
from ... import energy
from ...footprint import of_build
from ... import led_matrix
from ...protocol import LineReader, parse_line
from ...results import (END_DONE, END_ERROR, END_EXIT, END_FAULT, END_TIMEOUT, FaultReport,
                        RunResult, Stream)
from .machine import Halt, Machine

CONDITION_MET = "condition"
FIRMWARE_ERROR = "firmware error"


class Session:
    def __init__(self, platform, elf_path, app: str | None = None,
                 echo: Callable[[str], None] | None = None, stop_on_done: bool = True,
                 strict_alignment: bool = False, audio=None, imu=None):
        self.platform = platform
        # an ELF's path, or its Firmware already read (units reuse one per process)
        self.firmware = elf_path if isinstance(elf_path, Firmware) else read_firmware(elf_path)
        self.app = app or self.firmware.path.parent.name
        self.machine = Machine(platform, strict_alignment=strict_alignment)
        self.machine.load(self.firmware)
        self.echo = echo
        self.stop_on_done = stop_on_done
        self.uart = []
        self.lines: list[tuple[float, str]] = []
        self.events = []
        self.done = False
        self._condition: Callable[[str, float], bool] | None = None
        self._reader = LineReader(self._on_line)
        self._attach_console()
        self.microphone = self.machine.peripherals.get(platform.microphone or "")
        self.imu = self._imu_device(required=False)
        if audio is not None:
            self.attach_audio(audio)
        if imu is not None:
            self.attach_imu(*imu if isinstance(imu, tuple) else (imu,))
        for button in platform.buttons:             # released: the pull resistor's level
            self.press_button(button.name, False)
        self.wall_s = 0.0
        self.run_info: dict = {}      # what a snapshot keeps of the run's set-up (runner)

    def _attach_console(self) -> None:
        console = self.machine.peripherals.get(self.platform.console)
        if console is not None:
            console.listeners.append(self._on_bytes)
        self.machine.semihosting.listeners.append(self._on_bytes)

    # ----------------------------------------------------------- sensors
    def attach_audio(self, feed) -> None:
        """What the board's microphone hears (a lab.sensors.audio.AudioFeed)."""
        name = self.platform.microphone
        if not name or name not in self.machine.peripherals:
            raise LabError(f"platform {self.platform.name} has no microphone to feed")
        self.microphone = self.machine.peripherals[name]
        self.microphone.attach(feed)

    def attach_imu(self, acceleration, angular_rate=None) -> None:
        """Feeds (lab.sensors.imu) for the board's IMU: acceleration in g, rate in dps."""
        device = self._imu_device()
        device.accel_feed = acceleration
        device.gyro_feed = angular_rate
        self.imu = device

    def _imu_device(self, required: bool = True):
        where = self.platform.imu or ""
        bus, _, name = where.partition(".")
        peripheral = self.machine.peripherals.get(bus)
        device = peripheral.device(name) if peripheral is not None else None
        if device is None and required:
            raise LabError(f"platform {self.platform.name} has no IMU to feed")
        return device

    # ----------------------------------------------------------- buttons
    def press_button(self, name: str, pressed: bool = True) -> None:
        """Press (or release) button `name` of the board: its pin reads the pressed
        level (low for an active-low button) from now on."""
        button = next((b for b in self.platform.buttons if b.name == name), None)
        if button is None:
            known = ", ".join(b.name for b in self.platform.buttons) or "none"
            raise LabError(f"platform {self.platform.name} has no button {name!r} "
                           f"(buttons: {known})")
        self.machine.peripherals[button.port].drive_input(button.pin,
                                                          int(pressed != button.active_low))

    # ------------------------------------------------------------- LEDs
    def led_trace(self, name: str) -> list[tuple[float, float]]:
        """(virtual seconds, brightness 0..1) each time LED `name` changes: from the PWM
        channel driving its pin when there is one, else from the GPIO level."""
        led = next((l for l in self.platform.leds if l.name == name), None)
        if led is None:
            known = ", ".join(l.name for l in self.platform.leds) or "none"
            raise LabError(f"platform {self.platform.name} has no LED {name!r} (LEDs: {known})")
        gpio = self.machine.peripherals[led.port]
        pin = 32 * gpio.options.get("port", 0) + led.pin     # PSEL numbering: port, pin
        trace = []
        for peripheral in self.machine.peripherals.values():
            trace += [(t, duty) for t, duty in peripheral.duty_history(pin)
                      if duty is not None]
        if not trace:
            trace = [(t, float(level)) for t, level in gpio.history.get(led.pin, [])]
        trace.sort()
        return [(self.machine.seconds(t), 1.0 - value if led.active_low else value)
                for t, value in trace]

    # ---------------------------------------------------------- profile
    def enable_profile(self) -> None:
        """Count cycles per translated block from now on (see profile())."""
        self.machine.core.enable_profile()

    def profile(self) -> list[list]:
        """[[function, cycles, instructions, blocks run]], most cycles first (ELF symbols)."""
        from ...profile import functions
        return [list(row) for row in functions(self.machine.core.read_profile(), self.firmware)]

    # ----------------------------------------------------------- UART
    def _on_bytes(self, data: bytes, cycles: int) -> None:
        self.uart.append(data.decode("utf-8", errors="replace"))
        self._reader.feed(data, self.machine.seconds(cycles))

    def _on_line(self, text: str, seconds: float) -> None:
        self.lines.append((seconds, text))
        if self.echo:
            self.echo(text)
        event = parse_line(text, seconds)
        if event is not None:
            self.events.append(event)
            if event.name == "done":
                self.done = True
                if self.stop_on_done:
                    self.machine.halt(Halt.DONE)
            elif event.name == "error" and self.stop_on_done:
                self.machine.halt(FIRMWARE_ERROR)   # it said it cannot go on
        if self._condition and self._condition(text, seconds):
            self.machine.halt(CONDITION_MET)

    def partial_line(self) -> str:
        """What the UART printed since its last newline (a prompt, say)."""
        return self._reader.pending()

    def write_uart(self, text: str) -> None:
        """Types `text` on the board's console: its UART, or the semihosting console of
        boards without one (MPS2, generic)."""
        console = self.machine.peripherals.get(self.platform.console)
        if console is None:
            self.machine.semihosting.write_from_host(text.encode())
            return
        console.write_from_host(text.encode())

    # ------------------------------------------------------------ run
    def run(self, seconds: float) -> str | None:
        """Run for `seconds` of virtual time; returns why it stopped early, or None."""
        limit = self.machine.now() + self.machine.cycles(seconds)
        started = time.monotonic()
        try:
            reason = self.machine.run(limit)
        finally:
            self.wall_s += time.monotonic() - started
        return reason

    def run_until(self, condition: Callable[[str, float], bool], timeout_s: float) -> bool:
        """Run until a UART line satisfies `condition(text, time)`; False on timeout
        (or if the firmware ended first)."""
        self._condition = condition
        try:
            reason = self.run(timeout_s)
        finally:
            self._condition = None
        return reason == CONDITION_MET

    # -------------------------------------------------------- snapshots
    def save_snapshot(self) -> bytes:
        """The machine, and what the run printed so far, as bytes (Renode's Save)."""
        return self.machine.save_snapshot(extra={
            "uart": self.uart, "lines": self.lines, "events": self.events, "done": self.done,
            "partial_line": bytes(self._reader._partial), "run_info": self.run_info})

    def load_snapshot(self, data: bytes, what: str = "snapshot") -> None:
        """Continue from a snapshot (the same platform and firmware): the run goes on
        exactly as the saved one would have, its UART history included."""
        extra = self.machine.load_snapshot(data, what) or {}
        self.uart = list(extra.get("uart", []))
        self.lines = list(extra.get("lines", []))
        self.events = list(extra.get("events", []))
        self.done = bool(extra.get("done", False))
        self._reader._partial = bytearray(extra.get("partial_line", b""))
        self.run_info = dict(extra.get("run_info") or {})

    # ---------------------------------------------------------- result
    def result(self, end: str | None = None) -> RunResult:
        """Everything the run did, as data: analysis and reports need nothing else."""
        machine = self.machine
        flash, ram = self.platform.region("flash"), self.platform.region("ram")
        sizes = self.firmware.sizes((flash.base, flash.size), (ram.base, ram.size))
        footprint = of_build(self.firmware.path, self.platform)
        sizes["footprint"] = footprint.to_dict() if footprint else None
        events = [e.to_dict() for e in self.events]
        result = RunResult(
            platform=self.platform.name, app=self.app, engine="embedded",
            end=end or self._end_reason(events), virtual_s=round(machine.seconds(), 9),
            instructions=machine.instructions(), cycles=machine.active_cycles(),
            uart="".join(self.uart) + self._reader.pending(), events=events,
            fault=self._fault_report(), exit_code=machine.semihosting.exit_code,
            firmware={"elf": str(self.firmware.path), **sizes}, wall_s=round(self.wall_s, 3),
            clock_hz=machine.clock_hz, resets=machine.resets, streams=self._streams(),
            leds={led.name: [[round(t, 9), round(v, 6)] for t, v in self.led_trace(led.name)]
                  for led in self.platform.leds},
            matrix=led_matrix.frames(machine, self.platform.led_matrix, machine.now()),
            recordings=self._recordings(), memory=machine.stack_watch.report(),
            timing=self.platform.timing)
        result.energy = energy.estimate(self.platform.power, machine.clock_hz, result.cycles,
                                        result.virtual_s, result.stages)
        return result

    def _fault_report(self) -> FaultReport | None:
        f = self.machine.fault
        if f is None:
            return None
        return FaultReport(
            kind=f.kind, reasons=f.reasons, pc=f.pc, lr=f.lr,
            pc_function=f.functions.get("pc"), lr_function=f.functions.get("lr"),
            cfsr=f.cfsr, hfsr=f.hfsr, mmfar=f.mmfar, bfar=f.bfar, detail=f.detail,
            virtual_s=self.machine.seconds(f.time))

    def _streams(self) -> dict[str, Stream]:
        streams = {}
        microphone, imu = self.microphone, self.imu
        if microphone is not None and (microphone.source is not None or
                                       microphone.captured_samples):
            started = microphone.captured_samples > 0
            streams["audio"] = Stream(
                source=microphone.source.source if microphone.source else "(silence)",
                rate_hz=round(microphone.sample_rate(), 6) if started else None,
                start_s=round(self.machine.seconds(microphone.start_time), 9) if started else None,
                samples=microphone.captured_samples, dropped=microphone.dropped_samples,
                busy_cycles_at_start=microphone.start_active_cycles if started else None)
        if imu is not None and (imu.accel_feed is not None or imu.produced_samples):
            times, _ = imu.delivered_acceleration()
            rate = imu.output_data_rate()
            streams["imu"] = Stream(
                source=imu.accel_feed.source if imu.accel_feed else "(lying still)",
                rate_hz=float(rate) if rate else None,
                start_s=round(self.machine.seconds(times[0]), 9) if len(times) else None,
                samples=imu.produced_samples, dropped=imu.dropped_samples)
        return streams

    def _recordings(self) -> dict:
        """What the sensors delivered, sample by sample (for the results folder)."""
        recordings = {}
        microphone, imu = self.microphone, self.imu
        if microphone is not None and microphone.captured_samples:
            recordings["audio"] = (microphone.delivered_audio(), microphone.sample_rate())
        if imu is not None and imu.produced_samples:
            times, values = imu.delivered_acceleration()
            recordings["imu"] = (times / self.machine.clock_hz, values)
        return recordings

    def _end_reason(self, events) -> str:
        machine = self.machine
        if machine.halt_reason in (Halt.FAULT, Halt.LOCKUP):
            return END_FAULT
        if any(e["event"] == "error" for e in events):
            return END_ERROR            # the firmware said it could not go on
        if machine.halt_reason == Halt.EXIT:
            return END_DONE if machine.semihosting.exit_code == 0 else END_EXIT
        if self.done or machine.halt_reason == Halt.DONE:
            return END_DONE
        return END_TIMEOUT

    def close(self) -> None:
        self.machine.close()


def print_line(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
