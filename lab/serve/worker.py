"""One run of `lab serve` in a process of its own: `python -m lab.serve.worker RUN_FOLDER`.

RUN_FOLDER/request.json says what to run (the server checked it). The worker prepares
it (build, inputs), runs it and writes the results folder into RUN_FOLDER (result.json,
uart.log, microphone.wav, imu.csv, report.html), as `lab run` does for a scenario.

While it runs it prints one JSON message per line on stdout, which the server relays to
the page: {"type": "start" | "uart" | "event" | "progress" | "spectrum" | "motion" |
"note" | "end", ...} (docs/serve.md). Live sensor data come in on stdin
(lab.serve.channel). SIGINT stops the run; what ran is kept (end `interrupted`).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

from ..errors import LabError
from ..results import END_DONE
from . import channel
from .requests import RunRequest, prepare, public_message
from .taps import AudioTap, MotionTap

MAX_UART_MESSAGES = 20000      # a firmware printing without end floods no page


class Emitter:
    """JSON lines to the server, on the process's real stdout (anything else that prints
    goes to stderr, the run's log)."""

    def __init__(self):
        self._out = os.fdopen(os.dup(1), "w", buffering=1)
        os.dup2(2, 1)
        self._lock = threading.Lock()
        self.uart_lines = 0

    def __call__(self, message: dict) -> None:
        line = json.dumps(message, separators=(",", ":"))
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()

    def uart(self, text: str) -> None:
        from ..protocol import parse_line

        self.uart_lines += 1
        if self.uart_lines <= MAX_UART_MESSAGES:
            self({"type": "uart", "text": text})
        elif self.uart_lines == MAX_UART_MESSAGES + 1:
            self({"type": "note", "text": f"more than {MAX_UART_MESSAGES} UART lines: the "
                                          "rest is in the results (uart.log)"})
        event = parse_line(text)
        if event is not None:
            self({"type": "event", "event": event.to_dict()})


class NoteHandler(logging.Handler):
    """The lab's warnings (a WAV resampled, ...) shown on the page."""

    def __init__(self, emit):
        super().__init__(logging.WARNING)
        self.emit_message = emit

    def emit(self, record) -> None:
        self.emit_message({"type": "note", "text": record.getMessage()})


def live_feeds(request: RunRequest) -> dict:
    from ..sensors.live import LiveAudioFeed, LiveMotionFeed

    feeds = {}
    if "audio" in request.live:
        feeds["audio"] = LiveAudioFeed(source="live microphone (browser)")
    if "imu" in request.live:
        feeds["imu"] = LiveMotionFeed(source="live motion (browser)")
    return feeds


def receive_live(feeds: dict, stream) -> None:
    """Push frames from the server into the live feeds, until stdin closes."""
    try:
        for kind, payload in channel.read_frames(stream):
            if kind == channel.AUDIO and "audio" in feeds:
                samples, rate = channel.decode_audio(payload)
                feeds["audio"].push(samples, rate)
            elif kind == channel.MOTION and "imu" in feeds:
                feeds["imu"].push(channel.decode_motion(payload).tolist())
            elif kind == channel.END:
                ended = {"audio": "audio", "motion": "imu"}.get(payload.decode())
                if ended in feeds:
                    feeds[ended].close()
    finally:
        for feed in feeds.values():
            feed.close()


def run(request: RunRequest, folder: Path, emit: Emitter) -> dict:
    """Prepare, run, write the results folder; the `end` message."""
    from .. import scenarios
    from ..report import write_all
    from ..runner import execute

    feeds = live_feeds(request)
    if feeds:
        stdin = open(0, "rb", buffering=0, closefd=False)     # raw: no lock at exit
        threading.Thread(target=receive_live, args=(feeds, stdin), daemon=True).start()
    emit({"type": "status", "status": "building"})
    prepared, name, expect = prepare(request, folder, feeds)
    taps = _tap(prepared.plan, emit)
    platform = prepared.platform
    emit({"type": "start", "app": name, "platform": platform.name,
          "clock_hz": platform.cpu.clock_hz, "leds": [led.name for led in platform.leds],
          "timeout_s": prepared.timeout_s, "live": request.live})
    result = execute(prepared, echo=emit.uart, progress=lambda done, total: emit(
        {"type": "progress", "virtual_s": round(done, 3), "total_s": round(total, 3)}))
    for tap in taps:
        tap.flush()
    if request.elf:
        result.app = Path(request.elf).name
    checks = scenarios.check(expect, result)
    write_all(folder, SimpleNamespace(name=name, expect=expect), result, checks)
    failed = [c.line() for c in checks if not c.passed]
    return {"type": "end", "status": "done" if result.end == END_DONE and not failed
            else "failed", "end": result.end, "error": _problem(result, failed),
            "live": {kind: _live_summary(feed) for kind, feed in feeds.items()}}


def _tap(plan, emit) -> list:
    taps = []
    if plan.audio is not None:
        plan.audio = AudioTap(plan.audio, emit)
        taps.append(plan.audio)
    if plan.imu is not None and plan.imu[0] is not None:
        plan.imu = (MotionTap(plan.imu[0], emit), plan.imu[1])
        taps.append(plan.imu[0])
    return taps


def _problem(result, failed_checks: list[str]) -> str | None:
    if result.fault:
        return f"fault: {result.fault.summary()}"
    if result.end == "error":
        fields = next((e for e in result.events if e["event"] == "error"), {})
        return "the firmware reported an error: " + " ".join(
            f"{k}={v}" for k, v in fields.items() if k not in ("event", "t"))
    if result.end == "interrupted":
        return "stopped before the end"
    if result.end != END_DONE:
        return f"no `@lab done` within {result.virtual_s:g} virtual seconds ({result.end})"
    return f"failed: {failed_checks[0]}" if failed_checks else None


def _live_summary(feed) -> dict:
    return {"received_samples": feed.received_samples, "stalls": feed.stalls,
            "skipped_s": round(feed.skipped_s, 3)}


def follow_the_server(grace_s: float = 10.0) -> None:
    """End this run if the server that started it goes away (killed, say): a run has
    its own session, so nothing else would stop it. SIGINT first (what ran is kept)."""
    import signal
    import time

    server = os.getppid()

    def watch():
        while os.getppid() == server:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(grace_s)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str]) -> int:
    folder = Path(argv[0]).resolve()
    follow_the_server()
    emit = Emitter()
    logging.basicConfig(format="lab: %(message)s", level=logging.WARNING)
    logging.getLogger("lab").addHandler(NoteHandler(emit))
    request = RunRequest.load(folder)
    try:
        end = run(request, folder, emit)
    except LabError as error:
        end = {"type": "end", "status": "failed", "end": None,
               "error": public_message(str(error), folder)}
    except KeyboardInterrupt:
        end = {"type": "end", "status": "failed", "end": "interrupted",
               "error": "stopped before the run began"}
    emit(end)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
