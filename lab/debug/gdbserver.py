"""A GDB remote serial protocol server for one DebugTarget (GDB manual, "Remote
Protocol": packets, stop replies, qXfer target descriptions, vCont).

One client at a time on 127.0.0.1, in the calling thread: the target only runs while
the server runs it (continue, step), so the core is halted whenever GDB waits. While
the target runs, the server runs it in slices of virtual time and looks for GDB's
interrupt byte (Ctrl-C) between them; slices do not change what the firmware does.
"""
from __future__ import annotations

import select
import socket

from unicorn import UcError

from ..errors import LabError
from .packets import PacketReader, frame
from .target import (ACCESS_WATCH, HARDWARE, READ_WATCH, SOFTWARE, WRITE_WATCH, DebugTarget,
                     Stop)

HOST = "127.0.0.1"
DEFAULT_PORT = 3333
PACKET_SIZE = 0x4000
SLICE_S = 0.01                 # virtual seconds run between looks for an interrupt
ERROR = b"E01"
WATCH_KINDS = {b"2": WRITE_WATCH, b"3": READ_WATCH, b"4": ACCESS_WATCH}   # Z2, Z3, Z4
MONITOR_HELP = ("monitor commands:\n"
                "  reset [halt|init]  system reset (core and peripherals, RAM kept), "
                "halted at the reset vector\n"
                "  cycles             virtual time, cycles and instructions so far, "
                "DWT CYCCNT\n")


class ClientGone(Exception):
    """GDB closed the connection."""


class Detached(Exception):
    """GDB detached (`D`): the run goes on without it."""


class Killed(Exception):
    """GDB killed the target (`k`)."""


class GdbServer:
    def __init__(self, target: DebugTarget, port: int = DEFAULT_PORT, host: str = HOST,
                 client_timeout_s: float | None = None):
        """`client_timeout_s`: wall seconds GDB may stay silent while the target is halted
        before the server gives up on it (None: wait as long as it takes)."""
        self.target = target
        self.client_timeout_s = client_timeout_s
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._listener.bind((host, port))
        except OSError as exc:
            self._listener.close()
            raise LabError(f"cannot serve GDB on {host}:{port} ({exc.strerror}): "
                           "give another port, e.g. --gdb 3334") from None
        self._listener.listen(1)
        self.port = self._listener.getsockname()[1]
        self._conn: socket.socket | None = None
        self._reader = PacketReader()
        self._pending: list[tuple[str, bytes]] = []
        self._ack = True
        self._last_sent = b""
        self._client_features: set[str] = set()
        self.slice_cycles = max(1, int(target.machine.clock_hz * SLICE_S))

    # --------------------------------------------------------- connection
    def accept(self, timeout_s: float | None = None) -> bool:
        """Wait for GDB to connect; False after `timeout_s` wall seconds without one."""
        self._listener.settimeout(timeout_s)
        try:
            self._conn, _ = self._listener.accept()
        except socket.timeout:
            return False
        self._conn.settimeout(None)
        self._conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return True

    def close(self) -> None:
        for sock in (self._conn, self._listener):
            if sock is not None:
                try:
                    sock.close()
                except OSError:
                    pass
        self._conn = None

    def serve(self) -> str:
        """Answer GDB until it detaches, kills the target, goes away or the run ends;
        returns which: "detached", "killed", "gone" or "ended"."""
        try:
            while True:
                payload = self._next_packet()
                reply = self._dispatch(payload)
                if reply is not None:
                    self._send(reply)
                if self.target.last_stop.ended:
                    return "ended"
        except Detached:
            return "detached"
        except Killed:
            return "killed"
        except ClientGone:
            return "gone"

    # ------------------------------------------------------------- wire
    def _receive(self, timeout_s: float | None) -> bool:
        """Read what GDB sent within `timeout_s` (None: wait); False if nothing came."""
        if timeout_s is not None:
            ready, _, _ = select.select([self._conn], [], [], timeout_s)
            if not ready:
                return False
        try:
            data = self._conn.recv(65536)
        except (ConnectionError, OSError):
            raise ClientGone() from None
        if not data:
            raise ClientGone()
        for kind, raw in self._reader.feed(data):
            if kind == "packet" and self._ack:
                self._write(b"+")
            if kind == "bad":
                self._write(b"-")
            elif kind == "nak" and self._last_sent:
                self._write(self._last_sent)
            elif kind in ("packet", "interrupt"):
                self._pending.append((kind, raw))
        return True

    def _next_packet(self) -> bytes:
        while True:
            while not self._pending:
                if not self._receive(self.client_timeout_s):
                    raise ClientGone()
            kind, payload = self._pending.pop(0)
            if kind == "packet":
                return payload
            # an interrupt while halted: nothing to stop; GDB still wants a stop reply
            self._send(self._stop_reply(self.target.last_stop))

    def _interrupted(self) -> bool:
        if not any(kind == "interrupt" for kind, _ in self._pending):
            self._receive(0)
        for i, (kind, _) in enumerate(self._pending):
            if kind == "interrupt":
                del self._pending[i]
                return True
        return False

    def _send(self, payload: bytes) -> None:
        self._last_sent = frame(payload)
        self._write(self._last_sent)

    def _write(self, data: bytes) -> None:
        try:
            self._conn.sendall(data)
        except (ConnectionError, OSError):
            raise ClientGone() from None

    # ---------------------------------------------------------- commands
    def _dispatch(self, packet: bytes) -> bytes | None:
        if not packet:
            return b""
        command, rest = chr(packet[0]), packet[1:]
        handler = {
            "?": lambda r: self._stop_reply(self.target.last_stop),
            "g": self._read_all_registers, "G": self._write_all_registers,
            "p": self._read_register, "P": self._write_register,
            "m": self._read_memory, "M": self._write_memory, "X": self._write_binary,
            "Z": self._insert_breakpoint, "z": self._remove_breakpoint,
            "c": lambda r: self._continue(), "C": lambda r: self._continue(),
            "s": lambda r: self._step(), "S": lambda r: self._step(),
            "H": lambda r: b"OK", "T": lambda r: b"OK",
            "q": self._query, "Q": self._set, "v": self._v_packet,
            "D": self._detach, "k": self._kill,
        }.get(command)
        if handler is None:
            return b""                      # unsupported: the empty reply
        try:
            return handler(rest)
        except (ValueError, IndexError):
            return ERROR                    # a malformed packet

    def _query(self, rest: bytes) -> bytes:
        name, _, args = rest.partition(b":")
        if name == b"Supported":
            self._client_features = {f.rstrip(b"+").decode() for f in args.split(b";")
                                     if f.endswith(b"+")}
            return (b"PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
                    b"vContSupported+;QStartNoAckMode+" % PACKET_SIZE)
        if name == b"Xfer":
            return self._read_features(args)
        if rest == b"Attached":
            return b"1"
        if rest == b"C":
            return b"QC1"
        if rest == b"fThreadInfo":
            return b"m1"
        if rest == b"sThreadInfo":
            return b"l"
        if name == b"Symbol":
            return b"OK"
        if rest.startswith(b"Rcmd,"):
            return self._monitor(bytes.fromhex(rest[5:].decode()).decode(errors="replace"))
        return b""

    def _set(self, rest: bytes) -> bytes:
        if rest == b"StartNoAckMode":
            self._send(b"OK")               # acknowledged in ack mode, then none
            self._ack = False
            return None
        return b""

    def _v_packet(self, rest: bytes) -> bytes:
        if rest == b"MustReplyEmpty":
            return b""
        if rest == b"Cont?":
            return b"vCont;c;C;s;S"
        if rest.startswith(b"Cont;"):
            action = rest[5:].split(b";")[0].split(b":")[0]   # one thread: the first action
            if action[:1] in (b"s", b"S"):
                return self._step()
            if action[:1] in (b"c", b"C"):
                return self._continue()
            return ERROR
        if rest.startswith(b"Kill"):
            return self._kill(b"")
        return b""

    def _read_features(self, args: bytes) -> bytes:
        parts = args.split(b":")
        if len(parts) != 4 or parts[:2] != [b"features", b"read"]:
            return b""
        if parts[2] != b"target.xml":
            return b"E00"
        offset, length = (int(x, 16) for x in parts[3].split(b","))
        xml = self.target.xml.encode()
        chunk = xml[offset:offset + length]
        return (b"m" if offset + length < len(xml) else b"l") + chunk

    def _monitor(self, command: str) -> bytes:
        """`monitor ...` (qRcmd), with the names OpenOCD and Renode users type."""
        words = command.split()
        if words in (["reset"], ["reset", "halt"], ["reset", "init"]):
            self.target.reset()
            text = ("system reset: halted at the reset vector "
                    "(`maintenance flush register-cache` shows its registers)\n")
        elif words in (["cycles"], ["time"]):
            text = self.target.counters()
        else:
            known = words in ([], ["help"])
            text = ("" if known else f"unknown monitor command: {command.strip()}\n") + \
                MONITOR_HELP
            self._send(b"O" + text.encode().hex().encode())
            return b"OK" if known else ERROR
        self._send(b"O" + text.encode().hex().encode())
        return b"OK"

    # ------------------------------------------------------- registers
    def _read_all_registers(self, rest: bytes) -> bytes:
        return b"".join(self.target.read_register(n).hex().encode()
                        for n in range(len(self.target.registers)))

    def _write_all_registers(self, rest: bytes) -> bytes:
        data = bytes.fromhex(rest.decode())
        for number in range(len(self.target.registers)):
            size = self.target.register_size(number)
            if len(data) < size:
                break
            self.target.write_register(number, data[:size])
            data = data[size:]
        return b"OK"

    def _register_number(self, text: bytes) -> int | None:
        number = int(text, 16)
        return number if 0 <= number < len(self.target.registers) else None

    def _read_register(self, rest: bytes) -> bytes:
        number = self._register_number(rest)
        return ERROR if number is None else self.target.read_register(number).hex().encode()

    def _write_register(self, rest: bytes) -> bytes:
        which, _, value = rest.partition(b"=")
        number = self._register_number(which)
        if number is None:
            return ERROR
        self.target.write_register(number, bytes.fromhex(value.decode()))
        return b"OK"

    # ---------------------------------------------------------- memory
    @staticmethod
    def _address_length(text: bytes) -> tuple[int, int]:
        address, length = text.split(b",")
        return int(address, 16), int(length, 16)

    def _read_memory(self, rest: bytes) -> bytes:
        address, length = self._address_length(rest)
        try:
            return self.target.read_memory(address, min(length, PACKET_SIZE // 2)).hex().encode()
        except UcError:
            return ERROR

    def _write_memory(self, rest: bytes) -> bytes:
        where, _, data = rest.partition(b":")
        address, length = self._address_length(where)
        return self._store(address, bytes.fromhex(data.decode())[:length])

    def _write_binary(self, rest: bytes) -> bytes:
        where, _, data = rest.partition(b":")   # unescaped by the packet layer
        address, length = self._address_length(where)
        return self._store(address, data[:length])

    def _store(self, address: int, data: bytes) -> bytes:
        try:
            self.target.write_memory(address, data)
        except UcError:
            return ERROR
        return b"OK"

    # ------------------------------------------------------ breakpoints
    def _breakpoint_args(self, rest: bytes):
        """`type,addr,kind`: kind is a breakpoint's instruction size or a watchpoint's
        length in bytes."""
        kind, address, size = rest.split(b";")[0].split(b",")
        return kind, int(address, 16), int(size, 16)

    def _insert_breakpoint(self, rest: bytes) -> bytes:
        kind, address, size = self._breakpoint_args(rest)
        if kind in WATCH_KINDS:
            ok = size > 0 and self.target.add_watchpoint(WATCH_KINDS[kind], address, size)
        elif kind in (b"0", b"1"):
            ok = self.target.add_breakpoint(address, SOFTWARE if kind == b"0" else HARDWARE)
        else:
            return b""          # unsupported type
        return b"OK" if ok else ERROR

    def _remove_breakpoint(self, rest: bytes) -> bytes:
        kind, address, size = self._breakpoint_args(rest)
        if kind in WATCH_KINDS:
            self.target.remove_watchpoint(WATCH_KINDS[kind], address, size)
        elif kind in (b"0", b"1"):
            self.target.remove_breakpoint(address)
        else:
            return b""
        return b"OK"

    # -------------------------------------------------------- execution
    def _continue(self) -> bytes:
        target = self.target
        while True:
            stop = target.run_slice(self.slice_cycles)
            if stop is None and self._interrupted():
                stop = target.interrupt()
            if stop is not None:
                return self._stop_reply(stop)

    def _step(self) -> bytes:
        return self._stop_reply(self.target.step())

    def _stop_reply(self, stop: Stop) -> bytes:
        if stop.kind == "exited":
            return b"W%02x" % (stop.exit_code & 0xFF)
        if stop.kind == "killed":
            return b"X%02x" % stop.signal
        reason = b""
        if stop.kind == "watchpoint":   # GDB manual, "Stop Reply Packets": watch:ADDR;
            reason = b"%s:%x;" % (stop.watch.encode(), stop.data_address)
        elif stop.kind == "breakpoint" and stop.breakpoint == SOFTWARE and \
                "swbreak" in self._client_features:
            reason = b"swbreak:;"
        elif stop.kind == "breakpoint" and "hwbreak" in self._client_features:
            reason = b"hwbreak:;"
        return b"T%02x%s" % (stop.signal, reason)

    def _detach(self, rest: bytes) -> bytes:
        self._send(b"OK")
        raise Detached()

    def _kill(self, rest: bytes) -> bytes:
        raise Killed()
