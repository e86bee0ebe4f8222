"""Renode Sensor Data (RESD) files: read and write.

Layout (little-endian; Renode's LowLevelRESDParser and renode-docs basic/resd.md):

    file    "RESD", version u8 (= 1), 3 zero bytes, then blocks until the end
    block   block_type u8, sample_type u16, channel u16, data_size u64,
            then data_size bytes:
              start_time u64 ns                  (both block types)
              period u64 ns                      (constant frequency only)
              metadata: size u64, then entries   (key C string, type u8, value)
              samples                            (arbitrary: timestamp u64 ns + sample)

Sample types handled here: temperature (1 x i32 milli-degC), acceleration
(3 x i32 micro-g), angular rate (3 x i32 in 1e-5 rad/s). Times are virtual
nanoseconds counted from the start of the file.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lab.errors import LabError

MAGIC = b"RESD"
VERSION = 1

BLOCK_ARBITRARY_TIMESTAMP = 1
BLOCK_CONSTANT_FREQUENCY = 2

TEMPERATURE = 0x0001
ACCELERATION = 0x0002
ANGULAR_RATE = 0x0003

# sample type -> (name, int32 values per sample, unit of one LSB)
SAMPLE_TYPES = {
    TEMPERATURE: ("temperature", 1, "milli-degC"),
    ACCELERATION: ("acceleration", 3, "micro-g"),
    ANGULAR_RATE: ("angular_rate", 3, "1e-5 rad/s"),
}

_BLOCK_HEADER = struct.Struct("<BHHQ")

# Metadata value types as Renode's MetadataValueType numbers them.
_METADATA_FORMATS = {
    "int8": (0x01, "<b"), "uint8": (0x02, "<B"), "int16": (0x03, "<h"),
    "uint16": (0x04, "<H"), "int32": (0x05, "<i"), "uint32": (0x06, "<I"),
    "int64": (0x07, "<q"), "uint64": (0x08, "<Q"), "float": (0x09, "<f"),
    "double": (0x0A, "<d"), "string": (0x0B, None), "blob": (0x0C, None),
}
_METADATA_KINDS = {code: (kind, fmt) for kind, (code, fmt) in _METADATA_FORMATS.items()}


class ResdError(LabError):
    """A RESD file that cannot be read or written; the message names the file."""


class Typed(NamedTuple):
    """A metadata value with an explicit RESD type, e.g. Typed("uint16", 3)."""
    kind: str
    value: object


@dataclass
class Block:
    """One block: samples of one type on one channel.

    `samples` is an int32 array of shape (n, values per sample) in the sample
    type's unit. A constant-frequency block has `period_ns`; an arbitrary
    timestamp block has `timestamps_ns` (absolute, one per sample).
    """
    sample_type: int
    samples: np.ndarray
    start_time_ns: int = 0
    period_ns: int | None = None
    timestamps_ns: np.ndarray | None = None
    channel: int = 0
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        width = _sample_width(self.sample_type, "block")
        self.samples = np.asarray(self.samples, dtype=np.int64).reshape(-1, width)
        if (self.period_ns is None) == (self.timestamps_ns is None):
            raise ResdError("a RESD block needs exactly one of period_ns and timestamps_ns")
        if self.timestamps_ns is not None:
            self.timestamps_ns = np.asarray(self.timestamps_ns, dtype=np.uint64)
            if len(self.timestamps_ns) != len(self.samples):
                raise ResdError("a RESD block needs one timestamp per sample")
        elif len(self.samples) > 1 and self.period_ns <= 0:
            raise ResdError("a constant-frequency RESD block needs a period > 0 ns")

    @property
    def block_type(self) -> int:
        return BLOCK_CONSTANT_FREQUENCY if self.period_ns is not None else BLOCK_ARBITRARY_TIMESTAMP

    @property
    def name(self) -> str:
        return SAMPLE_TYPES[self.sample_type][0]

    def times_ns(self) -> np.ndarray:
        """Time of every sample, in ns from the start of the file."""
        if self.timestamps_ns is not None:
            return self.timestamps_ns.astype(np.int64)
        return self.start_time_ns + self.period_ns * np.arange(len(self.samples), dtype=np.int64)

    def sample_at(self, time_ns: int) -> np.ndarray | None:
        """The sample a sensor shows at `time_ns`: the latest one not after it.

        None before the block starts or after its last sample period ends.
        """
        times = self.times_ns()
        if len(times) == 0 or time_ns < times[0]:
            return None
        index = int(np.searchsorted(times, time_ns, side="right")) - 1
        if self.period_ns is not None and time_ns >= times[-1] + self.period_ns:
            return None
        return self.samples[index]


def acceleration_block(samples_g, rate_hz: float, start_time_ns: int = 0, channel: int = 0,
                       metadata: dict | None = None) -> Block:
    """A constant-frequency acceleration block from an (n, 3) array in g."""
    micro_g = np.rint(np.asarray(samples_g, dtype=np.float64) * 1e6)
    return Block(ACCELERATION, micro_g, start_time_ns=start_time_ns,
                 period_ns=round(1e9 / rate_hz), channel=channel, metadata=metadata or {})


# ---------------------------------------------------------------- writing

def encode(blocks: list[Block]) -> bytes:
    parts = [MAGIC, bytes([VERSION, 0, 0, 0])]
    for block in blocks:
        parts.append(_encode_block(block))
    return b"".join(parts)


def write(path: str | Path, blocks: list[Block]) -> None:
    Path(path).write_bytes(encode(blocks))


def _encode_block(block: Block) -> bytes:
    if np.any(block.samples < -2**31) or np.any(block.samples >= 2**31):
        raise ResdError(f"{block.name} samples do not fit in int32")
    samples = block.samples.astype("<i4")
    subheader = struct.pack("<Q", block.start_time_ns)
    if block.period_ns is not None:
        subheader += struct.pack("<Q", block.period_ns)
        payload = samples.tobytes()
    else:
        record = np.dtype([("t", "<u8"), ("v", "<i4", samples.shape[1])])
        rows = np.empty(len(samples), dtype=record)
        rows["t"] = block.timestamps_ns
        rows["v"] = samples
        payload = rows.tobytes()
    metadata = _encode_metadata(block.metadata)
    data = subheader + struct.pack("<Q", len(metadata)) + metadata + payload
    header = _BLOCK_HEADER.pack(block.block_type, block.sample_type, block.channel, len(data))
    return header + data


def _encode_metadata(metadata: dict) -> bytes:
    out = bytearray()
    for key, value in metadata.items():
        kind, value = value if isinstance(value, Typed) else (_infer_kind(value), value)
        if kind not in _METADATA_FORMATS:
            raise ResdError(f"unknown RESD metadata type {kind!r} for key {key!r}")
        code, fmt = _METADATA_FORMATS[kind]
        out += key.encode("ascii") + b"\0" + bytes([code])
        if kind == "string":
            out += value.encode("utf-8") + b"\0"
        elif kind == "blob":
            out += struct.pack("<I", len(value)) + bytes(value)
        else:
            out += struct.pack(fmt, value)
    return bytes(out)


def _infer_kind(value) -> str:
    if isinstance(value, bool):
        return "uint8"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "blob"
    raise ResdError(f"no RESD metadata type for a {type(value).__name__}; use Typed(kind, value)")


# ---------------------------------------------------------------- reading

def read(path: str | Path) -> list[Block]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ResdError(f"{path}: cannot read RESD file: {error.strerror}") from error
    return decode(data, source=str(path))


def decode(data: bytes, source: str = "<bytes>") -> list[Block]:
    reader = _Reader(data, source)
    _check_file_header(reader)
    blocks = []
    while reader.remaining():
        blocks.append(_decode_block(reader, index=len(blocks)))
    return blocks


class _Reader:
    """A cursor over the file's bytes that names the file in every error."""

    def __init__(self, data: bytes, source: str):
        self.data, self.source, self.offset = data, source, 0

    def remaining(self) -> int:
        return len(self.data) - self.offset

    def fail(self, problem: str):
        raise ResdError(f"{self.source}: {problem}")

    def take(self, size: int, what: str) -> bytes:
        if size > self.remaining():
            self.fail(f"{what} at offset {self.offset} needs {size} bytes, "
                      f"only {self.remaining()} left (truncated file?)")
        chunk = self.data[self.offset:self.offset + size]
        self.offset += size
        return chunk

    def unpack(self, fmt: str, what: str):
        values = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))
        return values[0] if len(values) == 1 else values

    def c_string(self, end: int, what: str) -> bytes:
        stop = self.data.find(b"\0", self.offset, end)
        if stop < 0:
            self.fail(f"{what} at offset {self.offset} has no terminating zero byte")
        text = self.data[self.offset:stop]
        self.offset = stop + 1
        return text


def _check_file_header(reader: _Reader) -> None:
    magic = reader.data[:4]
    if magic != MAGIC:
        reader.fail(f"not a RESD file: starts with {magic!r}, expected {MAGIC!r}")
    reader.offset = 4
    version = reader.unpack("<B", "version")
    if version != VERSION:
        reader.fail(f"RESD version {version} is not supported (only {VERSION})")
    if reader.take(3, "header padding") != b"\0\0\0":
        reader.fail("RESD header padding is not three zero bytes")


def _decode_block(reader: _Reader, index: int) -> Block:
    block_offset = reader.offset
    block_type, sample_type, channel, size = reader.unpack("<BHHQ", f"block {index} header")
    if size > reader.remaining():
        reader.fail(f"block {index} at offset {block_offset} claims {size} data bytes, "
                    f"past the end of the file ({reader.remaining()} left)")
    end = reader.offset + size
    where = f"block {index} at offset {block_offset}"
    if block_type not in (BLOCK_ARBITRARY_TIMESTAMP, BLOCK_CONSTANT_FREQUENCY):
        reader.fail(f"{where}: unknown block type {block_type}")
    if sample_type not in SAMPLE_TYPES:
        reader.fail(f"{where}: unsupported sample type 0x{sample_type:04x}")
    start = reader.unpack("<Q", f"{where} start time")
    period = reader.unpack("<Q", f"{where} period") if block_type == BLOCK_CONSTANT_FREQUENCY else None
    metadata = _decode_metadata(reader, end, where)
    width = SAMPLE_TYPES[sample_type][1]
    record = np.dtype([("t", "<u8"), ("v", "<i4", (width,))]) if period is None \
        else np.dtype([("v", "<i4", (width,))])
    payload = end - reader.offset
    if payload < 0 or payload % record.itemsize:
        reader.fail(f"{where}: {payload} sample bytes is not a whole number of "
                    f"{record.itemsize}-byte samples")
    rows = np.frombuffer(reader.take(payload, f"{where} samples"), dtype=record)
    return Block(sample_type, rows["v"].reshape(-1, width), start_time_ns=start,
                 period_ns=period, timestamps_ns=None if period is not None else rows["t"].copy(),
                 channel=channel, metadata=metadata)


def _decode_metadata(reader: _Reader, block_end: int, where: str) -> dict:
    size = reader.unpack("<Q", f"{where} metadata size")
    end = reader.offset + size
    if end > block_end:
        reader.fail(f"{where}: metadata of {size} bytes runs past the end of the block")
    metadata = {}
    while reader.offset < end:
        key = reader.c_string(end, f"{where} metadata key").decode("ascii", "replace")
        code = reader.unpack("<B", f"{where} metadata type of {key!r}")
        if code not in _METADATA_KINDS:
            reader.fail(f"{where}: metadata {key!r} has unknown type 0x{code:02x}")
        kind, fmt = _METADATA_KINDS[code]
        if kind == "string":
            metadata[key] = reader.c_string(end, f"{where} metadata {key!r}").decode("utf-8")
        elif kind == "blob":
            length = reader.unpack("<I", f"{where} metadata {key!r} length")
            metadata[key] = reader.take(length, f"{where} metadata {key!r}")
        else:
            metadata[key] = reader.unpack(fmt, f"{where} metadata {key!r}")
    if reader.offset != end:
        reader.fail(f"{where}: metadata entries overrun their declared size {size}")
    return metadata


def _sample_width(sample_type: int, what: str) -> int:
    if sample_type not in SAMPLE_TYPES:
        raise ResdError(f"{what}: unsupported RESD sample type 0x{sample_type:04x}")
    return SAMPLE_TYPES[sample_type][1]
