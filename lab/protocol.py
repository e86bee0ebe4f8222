"""The firmware -> lab protocol: the one parser (specification: docs/protocol.md).

Firmware prints human-readable lines, and one machine-readable line per event:

    @lab <event> key=value key=value ...

Values are decimal or 0x-hex integers, decimal floats, or text (no spaces, or in
double quotes: a quoted value is always text). Everything else on the UART is
ordinary output.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

PREFIX = "@lab "
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_INT = re.compile(r"^[+-]?\d+$")
_HEX = re.compile(r"^0[xX][0-9A-Fa-f]+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


@dataclass
class Event:
    name: str
    fields: dict = field(default_factory=dict)
    time: float | None = None     # virtual seconds when the line arrived

    def __getitem__(self, key):
        return self.fields[key]

    def get(self, key, default=None):
        return self.fields.get(key, default)

    def to_dict(self) -> dict:
        return {"event": self.name, "t": self.time, **self.fields}


def parse_value(text: str):
    if _INT.match(text):
        return int(text)
    if _HEX.match(text):
        return int(text, 16)
    if _FLOAT.match(text):
        return float(text)
    return text


_EVENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_FIELD = re.compile(r'\s+([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|[^\s"]+)')


def parse_line(line: str, time: float | None = None) -> Event | None:
    """The event on `line`, or None when it is ordinary output or not well formed."""
    line = line.strip()
    if not line.startswith(PREFIX):
        return None
    rest = line[len(PREFIX):]
    name = _EVENT.match(rest)
    if name is None:
        return None
    fields, position = {}, name.end()
    while position < len(rest):
        field = _FIELD.match(rest, position)
        if field is None:
            return None
        key, value = field.groups()
        if value.startswith('"'):
            fields[key] = re.sub(r'\\(.)', r"\1", value[1:-1])   # quoted: always text
        else:
            fields[key] = parse_value(value)
        position = field.end()
    return Event(name.group(), fields, time)


class LineReader:
    """Assembles UART bytes into lines, each with the virtual time it completed."""

    def __init__(self, on_line):
        self._on_line = on_line
        self._partial = bytearray()

    def feed(self, data: bytes, time: float) -> None:
        for byte in data:
            if byte == 0x0A:
                text = self._partial.decode("utf-8", errors="replace").rstrip("\r")
                self._partial.clear()
                self._on_line(text, time)
            else:
                self._partial.append(byte)

    def pending(self) -> str:
        return self._partial.decode("utf-8", errors="replace")


STAGE_PREFIX = "cycles_"


def stage_cycles(events) -> dict[str, list[int]]:
    """{stage: [cycles, ...]} from the events (dicts or Events) in order: a stage's cycle
    count is the field `cycles_<stage>=N` of the event that ends it (docs/protocol.md)."""
    stages: dict[str, list[int]] = {}
    for event in events:
        values = event.fields if isinstance(event, Event) else event
        for key, value in values.items():
            if key.startswith(STAGE_PREFIX) and isinstance(value, int):
                stages.setdefault(key[len(STAGE_PREFIX):], []).append(value)
    return stages
