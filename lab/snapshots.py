"""Saving a run at a point and starting runs from a saved one (`lab run --save-at`,
`--load`, the Robot library's Save Snapshot / Load Snapshot, units from a snapshot).

The machine's own snapshot format is lab/engines/embedded/snapshot.py; this module
decides *when* to save and reads and writes the files.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import LabError
from .protocol import parse_line

EVENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SAVED_AT_EVENT = "snapshot point"


@dataclass(frozen=True)
class SavePoint:
    """Where to save: at a virtual time (seconds), or when the firmware prints its first
    `@lab EVENT` line."""
    seconds: float | None = None
    event: str | None = None

    @classmethod
    def parse(cls, text: str) -> "SavePoint":
        try:
            seconds = float(text)
        except ValueError:
            if not EVENT_NAME.fullmatch(text):
                raise LabError(f"--save-at {text!r}: give virtual seconds (e.g. 2.5) or the "
                               "name of an @lab event (e.g. listening)") from None
            return cls(event=text)
        if not seconds >= 0 or seconds == float("inf"):
            raise LabError(f"--save-at {text}: virtual seconds must be a finite number >= 0")
        return cls(seconds=seconds)

    def __str__(self) -> str:
        return f"{self.seconds:g} s" if self.seconds is not None else f"@lab {self.event}"


def run_to(session, point: SavePoint, limit_s: float) -> bool:
    """Run the session to `point` (never past `limit_s` virtual seconds in all); True
    when it got there (False: the run ended or timed out first)."""
    now = session.machine.seconds()
    if point.seconds is not None:
        if point.seconds > limit_s:
            return False
        reason = session.run(point.seconds - now) if point.seconds > now else None
        return reason is None
    def seen(text: str, time: float) -> bool:
        event = parse_line(text, time)
        return event is not None and event.name == point.event
    return session.run_until(seen, max(0.0, limit_s - now))


def save(session, path: Path) -> int:
    """Write the session's snapshot to `path` (whole or not at all); returns its size."""
    data = session.save_snapshot()
    write_atomically(Path(path), data)
    return len(data)


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise LabError(f"{path}: cannot write the snapshot ({error.strerror})") from None


def read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise LabError(f"{path}: cannot read the snapshot ({error.strerror})") from None


def load(session, path: Path) -> None:
    """Continue `session` from the snapshot in `path` (one-line LabError when it is
    corrupt, not a snapshot, or of another board or firmware)."""
    session.load_snapshot(read(path), what=str(path))
