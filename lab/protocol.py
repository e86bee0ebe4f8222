"""The firmware -> lab protocol: the one parser (specification: docs/protocol.md).

Firmware prints human-readable lines, and one machine-readable line per event:

    @lab <event> key=value key=value ...

Values are decimal or 0x-hex integers, decimal floats, or text (no spaces, or in
double quotes). Everything else on the UART is ordinary output.
"""
from __future__ import annotations

import re
import shlex
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


def parse_line(line: str, time: float | None = None) -> Event | None:
    """The event on `line`, or None when it is ordinary output or not well formed."""
    line = line.strip()
    if not line.startswith(PREFIX):
        return None
    try:
        words = shlex.split(line[len(PREFIX):])
    except ValueError:
        return None
    if not words or not _NAME.match(words[0]):
        return None
    fields = {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep or not _NAME.match(key):
            return None
        fields[key] = parse_value(value)
    return Event(words[0], fields, time)


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
