"""The packet layer of GDB's remote serial protocol (GDB manual, "Remote Protocol",
"Overview"): `$data#cs` frames with a modulo-256 checksum as two hex digits, `+`/`-`
acknowledgements, escaping of `# $ } *` as `}` followed by the byte XOR 0x20,
run-length encoding `X*n` (n - 29 more copies of X), and the interrupt byte 0x03
sent outside any packet.
"""
from __future__ import annotations

INTERRUPT = 0x03
ESCAPE = 0x7D            # '}'
ESCAPED = frozenset(b"#$}*")
RLE_MARK = 0x2A          # '*'
RLE_OFFSET = 29
# repeat counts whose encoding would be '#' or '$' (and the longest printable one)
RLE_FORBIDDEN_COUNTS = frozenset({ord("#") - RLE_OFFSET, ord("$") - RLE_OFFSET})
RLE_MAX_COUNT = 126 - RLE_OFFSET


class ProtocolError(Exception):
    """Bytes that are not a valid packet."""


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def escape(data: bytes) -> bytes:
    out = bytearray()
    for byte in data:
        if byte in ESCAPED:
            out += bytes((ESCAPE, byte ^ 0x20))
        else:
            out.append(byte)
    return bytes(out)


def unescape(data: bytes) -> bytes:
    out = bytearray()
    it = iter(data)
    for byte in it:
        if byte == ESCAPE:
            following = next(it, None)
            if following is None:
                raise ProtocolError("packet ends inside an escape")
            out.append(following ^ 0x20)
        else:
            out.append(byte)
    return bytes(out)


def rle_decode(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == RLE_MARK:
            if not out or i + 1 >= len(data):
                raise ProtocolError("a repeat count with nothing to repeat")
            out += bytes((out[-1],)) * (data[i + 1] - RLE_OFFSET)
            i += 2
        else:
            out.append(byte)
            i += 1
    return bytes(out)


def rle_encode(data: bytes) -> bytes:
    """Runs of four or more identical bytes become `X*n` (only where it saves bytes and
    never with a count that would read as '#' or '$')."""
    out = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        run = 1
        while i + run < len(data) and data[i + run] == byte and run <= RLE_MAX_COUNT:
            run += 1
        more = run - 1
        if more in RLE_FORBIDDEN_COUNTS:
            more = min(RLE_FORBIDDEN_COUNTS) - 1
        if more >= 3 and byte not in (RLE_MARK, ord("#"), ord("$")):
            out += bytes((byte, RLE_MARK, more + RLE_OFFSET))
            i += more + 1
        else:
            out.append(byte)
            i += 1
    return bytes(out)


def frame(payload: bytes, compress: bool = False) -> bytes:
    """One packet on the wire: `$` escaped (and optionally RLE'd) payload `#` checksum."""
    body = escape(payload)
    if compress:
        body = rle_encode(body)
    return b"$" + body + b"#" + b"%02x" % checksum(body)


class PacketReader:
    """Splits the byte stream from GDB into acks, interrupts and packets.

    feed() bytes as they arrive; it returns what completed, in order: ("ack", b"+"),
    ("nak", b"-"), ("interrupt", b"\\x03"), ("packet", payload) or ("bad", raw) for a
    packet whose checksum is wrong (the caller answers `-`).
    """

    def __init__(self):
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        self._buffer += data
        items = []
        while self._buffer:
            item = self._next()
            if item is None:
                break
            items.append(item)
        return items

    def _next(self):
        buffer = self._buffer
        first = buffer[0]
        if first in b"+-":
            del buffer[0]
            return ("ack" if first == ord("+") else "nak", bytes((first,)))
        if first == INTERRUPT:
            del buffer[0]
            return ("interrupt", bytes((first,)))
        if first != ord("$"):
            del buffer[0]            # noise between packets is ignored, as GDB does
            return self._next() if buffer else None
        end = self._end_of_packet()
        if end is None or len(buffer) < end + 3:
            return None
        body = bytes(buffer[1:end])
        received = bytes(buffer[end + 1:end + 3])
        raw = bytes(buffer[:end + 3])
        del buffer[:end + 3]
        try:
            if int(received, 16) != checksum(body):
                return ("bad", raw)
        except ValueError:
            return ("bad", raw)
        return ("packet", unescape(rle_decode(body)))

    def _end_of_packet(self) -> int | None:
        """Index of the '#' that ends the packet (an escaped '#' is not one)."""
        i = 1
        buffer = self._buffer
        while i < len(buffer):
            if buffer[i] == ESCAPE:
                i += 2
                continue
            if buffer[i] == ord("#"):
                return i
            i += 1
        return None
