"""Robot Framework keywords for the lab: `Library    lab.robot`.

Keyword names follow Renode's, so suites written for Renode read the same; every
timeout is in virtual seconds of the simulated board (a 30 s wait on an idle
firmware takes milliseconds of wall time). Example:

    *** Settings ***
    Library    lab.robot

    *** Test Cases ***
    Hello Prints Its Banner
        Create Machine    nrf52840
        Load Firmware     hello
        Create Terminal Tester
        Start Emulation
        Wait For Line On Uart    hello from nrf52840    timeout=5
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from robot.api import logger
from robot.utils import is_truthy, timestr_to_secs

from . import platforms
from .build import build
from .errors import LabError

DEFAULT_TIMEOUT_S = 8.0
SPEECH_RATE_HZ = 16000          # what the boards' microphones deliver to micro_speech


class LabKeywords:
    """Virtual MCU Lab keywords: machines, firmware, sensor feeds, UART and LED testers,
    inference and cycle checks. Timeouts are virtual seconds."""

    ROBOT_LIBRARY_SCOPE = "SUITE"
    ROBOT_LIBRARY_DOC_FORMAT = "TEXT"

    def __init__(self):
        self._platform = None
        self._elf = None
        self._app = None
        self._feeds = {}
        self._session = None
        self._started = False
        self._line_index = 0
        self._timeout = DEFAULT_TIMEOUT_S
        self._failing: list[tuple[str, bool]] = []
        self._led = None
        self._led_timeout = DEFAULT_TIMEOUT_S
        self._provided: dict[str, tuple] = {}
        self._gdb = None               # (server, target, connect timeout) until GDB is served

    # ------------------------------------------------------------ machine
    def create_machine(self, platform: str = "nrf52840"):
        """Creates a virtual board from `platforms/<platform>.yaml` (e.g. nrf52840)."""
        self.close_machine()
        self._platform = platforms.load(platform)
        self._elf = self._app = None
        self._feeds = {}
        self._failing = []

    def load_firmware(self, app_or_elf: str, *defines: str):
        """Builds an app (name under firmware/apps, or a source folder) for the machine's
        platform, or takes an ELF file. Extra arguments are C defines `NAME=VALUE`."""
        platform = self._require_platform()
        path = Path(app_or_elf)
        if path.suffix == ".elf":
            if not path.is_file():
                raise AssertionError(f"no such ELF file: {app_or_elf}")
            self._elf, self._app = path, path.stem
        else:
            built = build(app_or_elf, platform, defines=list(defines))
            self._elf, self._app = built.elf, built.app
            logger.info(built.summary())
        self._discard_session()

    def feed_audio(self, file: str, on_end: str = "silence"):
        """What the microphone hears: a WAV (any rate), raw s16le PCM, or a folder of WAVs.
        `on_end`: silence, loop or end (the run ends when the audio does)."""
        from .sensors.audio import AudioFeed
        self._feeds["audio"] = AudioFeed.from_path(file, on_end=on_end)
        self._attach_feeds()

    def feed_acceleration(self, file: str, on_end: str = "hold"):
        """What the accelerometer feels: CSV `t,ax,ay,az` (s, g), Renode sample text
        (one `x y z` per output tick) or RESD. `on_end`: hold, loop or end."""
        from .sensors import imu
        self._feeds["imu"] = (imu.load_acceleration(file, on_end),
                              imu.load_angular_rate(file, on_end))
        self._attach_feeds()

    def start_emulation(self):
        """Starts the machine. It then runs while keywords wait (in virtual time)."""
        self._session_or_new()
        self._started = True

    def reset_emulation(self):
        """Power-cycles the machine: firmware reloaded, RAM cleared, time back to zero,
        testers rewound. Feeds start again from their beginning."""
        self._discard_session()
        for feed in self._feeds.values():
            for part in feed if isinstance(feed, tuple) else (feed,):
                if hasattr(part, "position"):
                    part.position = 0
        self._started = False
        self._line_index = 0

    def close_machine(self):
        """Releases the machine (Suite Teardown does this too)."""
        self._discard_session()
        self._started = False

    def run_for(self, seconds):
        """Lets the machine run for `seconds` of virtual time."""
        self._run(lambda text, time: False, timestr_to_secs(seconds))

    def press_button(self, button: str, duration="100ms"):
        """Presses the board's `button` (e.g. `a` on the micro:bit v2), holds it for
        `duration` of virtual time, and releases it."""
        session = self._require_started()
        try:
            session.press_button(button, True)
        except LabError as error:
            raise AssertionError(str(error)) from None
        self.run_for(duration)
        session.press_button(button, False)

    # --------------------------------------------------------------- UART
    def create_terminal_tester(self, uart: str = "", defaultTimeout=DEFAULT_TIMEOUT_S,
                               timeout=None):
        """Watches the board's console UART. `defaultTimeout` (virtual seconds) applies
        to waits without their own timeout."""
        self._require_platform()
        self._timeout = timestr_to_secs(timeout if timeout is not None else defaultTimeout)
        self._line_index = len(self._session.lines) if self._session else 0

    def wait_for_line_on_uart(self, text: str, timeout=None, treatAsRegex=False,
                              pauseEmulation=False):
        """Runs until a UART line contains `text` (or matches it as a regex); returns the
        line. Lines already matched by an earlier wait are not looked at again."""
        matcher = self._matcher(text, treatAsRegex)
        found = self._wait_for_line(matcher, self._seconds(timeout))
        if found is None:
            raise AssertionError(f"no UART line {'matching' if is_truthy(treatAsRegex) else 'containing'} "
                                 f"{text!r} within {self._seconds(timeout):g} virtual s"
                                 f"{self._tail()}")
        return found

    def wait_for_prompt_on_uart(self, prompt: str, timeout=None, treatAsRegex=False):
        """Runs until `prompt` appears on the UART, also in a line not yet ended."""
        matcher = self._matcher(prompt, treatAsRegex)
        session = self._require_started()

        def seen(text, time):
            return matcher(session.partial_line()) or matcher(text)

        if matcher(session.partial_line()):
            return prompt
        if self._wait_for_line(matcher, self._seconds(timeout), extra=seen) is None and \
                not matcher(session.partial_line()):
            raise AssertionError(f"no prompt {prompt!r} within {self._seconds(timeout):g} "
                                 f"virtual s{self._tail()}")
        return prompt

    def should_not_be_on_uart(self, text: str, timeout=None, treatAsRegex=False):
        """Runs for `timeout` virtual seconds and fails if a line contains `text`."""
        matcher = self._matcher(text, treatAsRegex)
        found = self._wait_for_line(matcher, self._seconds(timeout))
        if found is not None:
            raise AssertionError(f"UART line {found!r} contains {text!r}")

    def write_line_to_uart(self, text: str = ""):
        """Types `text` and a newline into the board's console UART."""
        self._require_started().write_uart(text + "\n")

    def register_failing_uart_string(self, text: str, treatAsRegex=False):
        """Any later wait fails at once when a UART line contains `text`."""
        self._failing.append((text, is_truthy(treatAsRegex)))

    # ---------------------------------------------------------------- LEDs
    def create_led_tester(self, led: str = "led1", defaultTimeout=DEFAULT_TIMEOUT_S):
        """Watches one of the board's LEDs (names in the platform file: led1, led2 ...)."""
        platform = self._require_platform()
        names = [l.name for l in platform.leds]
        led = led.rsplit(".", 1)[-1]
        if led not in names:
            raise AssertionError(f"{platform.name} has no LED {led!r}; LEDs: {', '.join(names)}")
        self._led = led
        self._led_timeout = timestr_to_secs(defaultTimeout)

    def assert_led_state(self, state, timeout=0):
        """Runs up to `timeout` virtual seconds until the LED is on (`true`) or off."""
        want = is_truthy(state)
        session = self._require_started()
        deadline = session.machine.seconds() + timestr_to_secs(timeout)
        while self._led_on() != want:
            left = deadline - session.machine.seconds()
            if left <= 0 or self._run_until_led_changes(left) is None:
                raise AssertionError(f"LED {self._led} is {'on' if self._led_on() else 'off'}, "
                                     f"expected {'on' if want else 'off'}")

    def assert_led_is_blinking(self, testDuration, onDuration, offDuration, tolerance=0.05,
                               pauseEmulation=True):
        """Runs `testDuration` virtual seconds; the LED must blink with on and off phases of
        the given lengths (seconds), within `tolerance` (relative)."""
        start, end, trace = self._observe_led(testDuration)
        on, off = self._phases(trace, start, end)
        if len(on) < 1 or len(off) < 1:
            raise AssertionError(f"LED {self._led} did not blink in {end - start:g} virtual s")
        tol = float(tolerance)
        for kind, phases, expected in (("on", on, float(onDuration)), ("off", off, float(offDuration))):
            bad = [p for p in phases if abs(p - expected) > tol * expected]
            if bad:
                raise AssertionError(f"LED {self._led} {kind} for {bad[0]:.6f} s, expected "
                                     f"{expected:g} s +-{tol:.0%}")

    def assert_led_duty_cycle(self, testDuration, expectedDutyCycle, tolerance=0.05):
        """Runs `testDuration` virtual seconds; the LED's mean brightness (its duty cycle)
        must be `expectedDutyCycle` +- `tolerance`."""
        start, end, trace = self._observe_led(testDuration)
        duty = self._mean_brightness(trace, start, end)
        if abs(duty - float(expectedDutyCycle)) > float(tolerance):
            raise AssertionError(f"LED {self._led} duty cycle {duty:.4f}, expected "
                                 f"{float(expectedDutyCycle):g} +-{float(tolerance):g}")
        return duty

    # ----------------------------------------------------------- lab checks
    def wait_for_inference(self, label: str, timeout=None):
        """Runs until the firmware reports an inference or detection of `label`
        (`@lab detection label=...` or `@lab inference label=...`); returns its fields."""
        def is_it(text):
            event = _event_of(text)
            return event is not None and event.name in ("detection", "inference", "gesture") \
                and str(event.get("label")) == label
        found = self._wait_for_line(is_it, self._seconds(timeout))
        if found is None:
            raise AssertionError(f"no inference of {label!r} within {self._seconds(timeout):g} "
                                 f"virtual s{self._tail()}")
        return _event_of(found).fields

    def cycles_should_be_below(self, stage: str, limit):
        """Every cycle count reported so far for `stage` is below `limit`: the
        `cycles_<stage>=N` fields of the firmware's events (docs/protocol.md)."""
        from .protocol import stage_cycles
        values = stage_cycles(self._require_started().events).get(stage, [])
        if not values:
            raise AssertionError(f"no cycle count for stage {stage!r} yet")
        worst = max(values)
        if worst >= int(limit):
            raise AssertionError(f"stage {stage!r} took {worst} cycles, limit {int(limit)}")

    def stack_should_be_below(self, limit, phase=None):
        """The deepest stack of the run so far (or of one phase: `init`, `inference`,
        `ISR <handler>`), as the engine measured it, is below `limit` bytes."""
        memory = self._require_started().result().memory or {}
        if phase is None:
            depth, what = memory.get("high_water"), "the stack"
        else:
            depth = ((memory.get("phases") or {}).get(phase) or {}).get("max")
            what = f"the stack of {phase}"
            if depth is None:
                known = ", ".join(memory.get("phases") or {}) or "none yet"
                raise AssertionError(f"no stack measurement for phase {phase!r} "
                                     f"(phases: {known})")
        if depth is None:
            raise AssertionError("no stack measurement (the embedded engine measures it)")
        if depth >= int(limit):
            raise AssertionError(f"{what} reached {depth} bytes, limit {int(limit)}")

    def no_samples_should_be_dropped(self):
        """Fails when the microphone or the IMU lost samples the firmware did not collect."""
        result = self._require_started().result()
        dropped = {kind: s.dropped for kind, s in result.streams.items() if s.dropped}
        if dropped:
            raise AssertionError(", ".join(f"dropped {kind} samples = {n}"
                                           for kind, n in dropped.items()))

    def run_scenario(self, name: str, platform: str = ""):
        """Runs scenarios/<name>.yaml (on `platform`, or every platform it lists), writes its
        results folder, and fails naming each expectation that did not hold."""
        from . import scenarios
        from .scenario_run import run_scenario

        path = scenarios.find(name)
        if path is None:
            raise AssertionError(f"no scenario {name!r}; scenarios: "
                                 f"{', '.join(scenarios.available())}")
        failures = []
        try:
            scenario = scenarios.load(path)
            outcomes = [run_scenario(scenario, target)
                        for target in ([platform] if platform else scenario.platforms)]
        except LabError as error:
            raise AssertionError(str(error)) from None
        for outcome, target in zip(outcomes, [o.platform for o in outcomes]):
            logger.info(f"{name} on {target}: results in {outcome.folder}")
            for check in outcome.checks:
                logger.info(check.line())
            failures += outcome.failures()
        if failures:
            raise AssertionError("; ".join(failures))

    def log_run_result(self):
        """Logs the UART output, events and any fault of the current run."""
        if self._session is None:
            logger.info("no run")
            return
        result = self._session.result()
        logger.info(f"end={result.end} virtual_s={result.virtual_s} "
                    f"instructions={result.instructions}")
        if result.fault:
            logger.info(f"fault: {result.fault.summary()}")
        logger.info("UART:\n" + result.uart)

    def enable_profiler(self, path: str):
        """Writes a profile (cycles per function) to `path` when the machine is released."""
        self._profile_path = path
        if self._session is not None:
            self._session.enable_profile()

    def start_gdb_server(self, port=3333, wait=True, connectTimeout=60, timeout=60):
        """Serves GDB's remote protocol on 127.0.0.1:`port` (0: any free port) and returns
        the port. The core stays halted until GDB runs it; GDB may run it for up to
        `timeout` virtual seconds. With `wait` (default) this keyword waits for GDB
        (`connectTimeout` wall seconds) and serves it until it detaches; with
        `wait=false` it returns at once and the next keyword that runs the machine
        serves GDB first (start the GDB client in between, e.g. with `Start Process`).
        The machine then goes on where GDB left it."""
        from .debug.gdbserver import GdbServer
        from .debug.target import DebugTarget

        session = self._session_or_new()
        self._started = True
        self._close_gdb()
        target = DebugTarget(session, session.machine.now() +
                             session.machine.cycles(timestr_to_secs(timeout)))
        try:
            server = GdbServer(target, int(port), client_timeout_s=timestr_to_secs(
                connectTimeout))
        except LabError as exc:
            target.close()
            raise AssertionError(str(exc)) from None
        self._gdb = (server, target, timestr_to_secs(connectTimeout))
        logger.info(f"GDB server on 127.0.0.1:{server.port}")
        if is_truthy(wait):
            self._serve_gdb()
        return server.port

    def _serve_gdb(self) -> None:
        """Serve the GDB client Start Gdb Server is waiting for, until it leaves."""
        if self._gdb is None:
            return
        server, target, connect_s = self._gdb
        try:
            if not server.accept(connect_s):
                raise AssertionError(f"no GDB connected to 127.0.0.1:{server.port} within "
                                     f"{connect_s:g} s")
            logger.info(f"GDB session: {server.serve()}")
        finally:
            self._close_gdb()

    def _close_gdb(self) -> None:
        if self._gdb is not None:
            server, target, _ = self._gdb
            server.close()
            target.close()
            self._gdb = None

    def run_result(self):
        """The run so far as the lab's results dictionary (as `lab run --json` prints)."""
        return self._require_started().result().to_dict()

    # ------------------------------------------------------------ snapshots
    def save_snapshot(self, path: str = ""):
        """Saves the whole running machine (CPU, memory, peripherals, pending events,
        sensor feeds, the UART so far) to `path`, a new temporary file when empty;
        returns the path. `Load Snapshot` continues from there exactly (Renode's Save)."""
        from .snapshots import write_atomically
        data = self._require_started().save_snapshot()
        target = Path(path) if path else Path(tempfile.mkdtemp(prefix="lab-robot-")) / \
            f"{self._app or 'machine'}.snapshot"
        write_atomically(target, data)
        logger.info(f"saved {len(data)} bytes at {self._session.machine.seconds():.6f} "
                    f"virtual s to {target}")
        return str(target)

    def load_snapshot(self, path: str):
        """Replaces the machine by the one saved in `path` and starts it: it runs on as
        the saved one would have (Renode's Load). The machine must have the board and
        firmware it was saved with (Create Machine, Load Firmware); testers then see
        what the firmware prints from the snapshot on."""
        from .snapshots import read
        try:
            data = read(Path(path))
        except LabError as error:
            raise AssertionError(str(error)) from None
        self._start_from(data, path, line_index=None)

    def provides(self, name: str):
        """Renode's Provides: saves the running machine as `name` for the tests of this
        suite that `Requires` it (so they skip the steps that got it there)."""
        session = self._require_started()
        self._provided[name] = (session.save_snapshot(), self._platform, self._elf,
                                self._app, self._line_index)

    def requires(self, name: str):
        """Renode's Requires: continues from the machine an earlier test `Provides` as
        `name`: its board, firmware, state and testers' position, exactly."""
        if name not in self._provided:
            raise AssertionError(f"no test provided {name!r}: a test with `Provides  {name}` "
                                 "must run (and pass) first")
        data, self._platform, self._elf, self._app, line_index = self._provided[name]
        self._start_from(data, f"the state {name!r}", line_index)

    def _start_from(self, data: bytes, what: str, line_index: int | None) -> None:
        self._discard_session()
        session = self._session_or_new()
        try:
            session.load_snapshot(data, what=str(what))
        except LabError as error:
            self._discard_session()
            raise AssertionError(str(error)) from None
        self._started = True
        self._line_index = len(session.lines) if line_index is None else line_index

    # ------------------------------------------------------------ internals
    def _require_platform(self):
        if self._platform is None:
            raise AssertionError("no machine: use `Create Machine` first")
        return self._platform

    def _session_or_new(self):
        if self._session is None:
            from .engines.embedded.session import Session
            if self._elf is None:
                raise AssertionError("no firmware: use `Load Firmware` first")
            self._session = Session(self._platform, self._elf, app=self._app,
                                    stop_on_done=False)
            if getattr(self, "_profile_path", None):
                self._session.enable_profile()
            self._attach_feeds()
        return self._session

    def _require_started(self):
        if not self._started:
            raise AssertionError("the emulation is not started: use `Start Emulation`")
        return self._session_or_new()

    def _attach_feeds(self) -> None:
        if self._session is None:
            return
        if "audio" in self._feeds:
            self._session.attach_audio(self._feeds["audio"])
        if "imu" in self._feeds:
            self._session.attach_imu(*self._feeds["imu"])

    def _discard_session(self) -> None:
        self._close_gdb()
        if self._session is not None:
            if getattr(self, "_profile_path", None):
                from .profile import write_profile
                write_profile(self._session.profile(), self._profile_path)
            self._session.close()
            self._session = None

    def _seconds(self, timeout) -> float:
        return self._timeout if timeout in (None, "") else timestr_to_secs(timeout)

    @staticmethod
    def _matcher(text: str, regex):
        if is_truthy(regex):
            pattern = re.compile(text)
            return lambda line: pattern.search(line) is not None
        return lambda line: text in line

    def _failing_line(self, line: str) -> bool:
        """A registered failing string, or the firmware's own `@lab error` event."""
        event = _event_of(line)
        return (event is not None and event.name == "error") or \
            any((re.search(t, line) if rx else t in line) for t, rx in self._failing)

    def _wait_for_line(self, matcher, timeout_s: float, extra=None) -> str | None:
        session = self._require_started()
        while self._line_index < len(session.lines):        # lines already received
            text = session.lines[self._line_index][1]
            self._line_index += 1
            if matcher(text):
                return text
            self._check_failing(text)
        hit = {}

        def condition(text, time):
            if matcher(text) or self._failing_line(text) or (extra and extra(text, time)):
                hit.setdefault("line", text)
                return True
            return False

        self._run(condition, timeout_s)
        while self._line_index < len(session.lines):
            text = session.lines[self._line_index][1]
            self._line_index += 1
            if matcher(text):
                return text
            self._check_failing(text)
        return None

    def _check_failing(self, text: str) -> None:
        if self._failing_line(text):
            raise AssertionError(f"failing string on UART: {text!r}")

    def _run(self, condition, seconds: float) -> None:
        session = self._require_started()
        self._serve_gdb()
        session.run_until(condition, seconds)
        fault = session.machine.fault
        if fault is not None and session.machine.halt_reason in ("fault", "lockup"):
            session.machine.halt_reason = None
            raise AssertionError(f"the firmware faulted: {session.result().fault.summary()}")

    def _tail(self) -> str:
        lines = [t for _, t in self._session.lines[-5:]] if self._session else []
        return "; last lines: " + " | ".join(lines) if lines else "; nothing on the UART"

    # LED helpers
    def _require_led(self):
        if self._led is None:
            raise AssertionError("no LED tester: use `Create Led Tester` first")
        return self._led

    def _led_on(self) -> bool:
        trace = self._require_started().led_trace(self._require_led())
        return bool(trace) and trace[-1][1] >= 0.5

    def _run_until_led_changes(self, seconds: float):
        session = self._require_started()
        before = len(session.led_trace(self._led))
        end = session.machine.seconds() + seconds
        step = max(seconds / 50, 1e-4)
        while session.machine.seconds() < end:
            self._run(lambda text, time: False, min(step, end - session.machine.seconds()))
            if len(session.led_trace(self._led)) != before:
                return True
        return None

    def _observe_led(self, duration):
        session = self._require_started()
        self._require_led()
        start = session.machine.seconds()
        self._run(lambda text, time: False, timestr_to_secs(duration))
        return start, session.machine.seconds(), session.led_trace(self._led)

    @staticmethod
    def _levels_between(trace, start, end):
        """[(t0, t1, brightness)] covering [start, end)."""
        current = 0.0
        for time, value in trace:
            if time <= start:
                current = value
        spans, cursor = [], start
        for time, value in trace:
            if start < time < end:
                spans.append((cursor, time, current))
                cursor, current = time, value
        spans.append((cursor, end, current))
        return spans

    def _phases(self, trace, start, end):
        on, off = [], []
        spans = self._levels_between(trace, start, end)
        merged = []
        for t0, t1, value in spans:
            state = value >= 0.5
            if merged and merged[-1][2] == state:
                merged[-1] = (merged[-1][0], t1, state)
            else:
                merged.append((t0, t1, state))
        for t0, t1, state in merged[1:-1]:      # whole phases only
            (on if state else off).append(t1 - t0)
        return on, off

    def _mean_brightness(self, trace, start, end) -> float:
        spans = self._levels_between(trace, start, end)
        total = sum(t1 - t0 for t0, t1, _ in spans)
        return sum((t1 - t0) * value for t0, t1, value in spans) / total if total else 0.0

    # ------------------------------------------------------ data for suites
    # Suites make their own inputs in their Suite Setup (nothing is prepared for them and
    # nothing is written into the source tree): an app's ELF for `sysbus LoadELF`, and
    # recordings in Renode's formats for `pdm SetInputFile` and `FeedAccelerationSample`.
    def build_elf(self, app: str, platform: str = "nrf52840", *defines: str):
        """Builds an app (name under firmware/apps, or a source folder) for `platform`
        through the lab's build cache and returns its ELF's path, for suites that load
        firmware as Renode does (`Execute Command    sysbus LoadELF @${ELF}`). Extra
        arguments are C defines `NAME=VALUE`."""
        try:
            built = build(app, platforms.load(platform), defines=list(defines))
        except LabError as error:
            raise AssertionError(str(error)) from None
        logger.info(built.summary())
        return str(built.elf)

    def test_recording(self, kind: str, label: str):
        """The first committed test recording of `label` (sorted by name): kind `speech`
        (a WAV under data/test/speech/<label>) or `gestures` (a CSV under
        data/test/gestures/<label>)."""
        suffix = {"speech": "wav", "gestures": "csv"}.get(kind)
        if suffix is None:
            raise AssertionError(f"no test recordings of kind {kind!r}; kinds: speech, gestures")
        found = sorted((platforms.ROOT / "data" / "test" / kind / label).glob(f"*.{suffix}"))
        if not found:
            raise AssertionError(f"no committed {kind} recording labelled {label!r}")
        return str(found[0])

    def write_renode_pcm(self, wav: str, name: str = "", lead_in=0, folder: str = ""):
        """Writes a WAV as Renode's microphone input (`pdm SetInputFile`: raw s16le PCM,
        mono, 16 kHz) after `lead_in` seconds of digital silence, into `folder` (default:
        this suite's own temporary folder); returns the file's path."""
        from .sensors.convert import convert
        target = self._suite_file(name or Path(wav).stem + ".s16le.pcm", folder)
        try:
            convert(wav, target, rate=SPEECH_RATE_HZ)
        except LabError as error:
            raise AssertionError(str(error)) from None
        silence = bytes(2 * int(round(timestr_to_secs(lead_in) * SPEECH_RATE_HZ)))
        target.write_bytes(silence + target.read_bytes())
        return str(target)

    def write_renode_sample_text(self, recording: str, name: str = "", rate=119.0,
                                 folder: str = ""):
        """Writes an accelerometer recording (CSV in g or milli-g at any rate, sample text
        or RESD) as Renode's sensor sample text (`FeedAccelerationSample @file`): `#`
        comment lines, then `x y z` in g, one line per `rate` Hz tick, each sample of a
        slower recording repeated until the next; returns the file's path."""
        from .sensors.convert import convert
        target = self._suite_file(name or Path(recording).stem + ".data", folder)
        try:
            what = convert(recording, target, rate=float(rate))
        except LabError as error:
            raise AssertionError(str(error)) from None
        logger.info(f"{target}: {what}")
        return str(target)

    def suite_data_folder(self):
        """This suite's own temporary folder (removed when the run ends): where the
        keywords above write by default, and a place for profiles and other outputs
        that must not land in the source tree."""
        if getattr(self, "_data_folder", None) is None:
            self._data_folder = tempfile.TemporaryDirectory(prefix="lab-robot-")
        return self._data_folder.name

    def _suite_file(self, name: str, folder: str) -> Path:
        directory = Path(folder or self.suite_data_folder())
        directory.mkdir(parents=True, exist_ok=True)
        return directory / name

    # ----------------------------------------------- Renode monitor commands
    def execute_command(self, command: str):
        """Understands the Renode monitor commands Renode suites use for the Arduino Nano 33
        BLE (Sense) and maps them onto the lab; see `robot/renode_compat.resource`."""
        from .renode_compat import execute
        return execute(self, command)


def _event_of(text: str):
    from .protocol import parse_line
    return parse_line(text)


# Robot imports a module as a library through the class named like the module.
robot = LabKeywords
