"""Machine snapshots: the whole simulated board to bytes and back, exactly.

What a snapshot holds:
  - the CPU: core, special and FP registers, read and written through Unicorn's register
    API (its raw context holds host pointers, so it is never copied);
  - the native helper's state (labcore's lc_snapshot_save: counters, virtual time, and
    whatever a timing model keeps there);
  - memory: every writable region, and a read-only one only where it differs from the
    firmware image (it is rebuilt from the ELF, whose hash the snapshot records);
  - every model (system blocks, peripherals, devices on their buses): captured
    generically, with no code per model. A model is any object of the engine's packages
    reachable from the machine; its state is its attributes: plain data as it is,
    register maps as their values, references to other models by name, pending events
    by their index in the event table, sensor feeds (lab.sensors) with their data and
    position. Attributes that only wire the machine together (observers, shortcuts
    built by the constructor) are declared in a class's `snapshot_wiring`, or end in
    `listeners`; the fresh machine has its own and keeps them. A function anywhere else
    cannot be named, and saving refuses it, naming the attribute;
  - the scheduler: each pending event as (time, order, the model's method, plain args);
  - the machine's own run state (MACHINE_STATE).

Restoring needs a fresh Machine of the same platform with the same firmware loaded; the
run then continues bit-identically (same UART bytes, events and cycles) as if it had
never stopped. A file starts with MAGIC and a SHA-256 of the rest, so a corrupt or
foreign file is refused in one line.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import struct
import zlib
from collections import deque
from fractions import Fraction

import numpy as np
from unicorn import arm_const as A

from ...errors import LabError
from .cortexm import privilege
from .registers import Field, Register, RegisterMap
from .scheduler import Event, Scheduler

MAGIC = b"LABSNAP\x00"
FORMAT = 1
ENGINE_PACKAGE = __name__.rpartition(".")[0] + "."
DATA_PACKAGES = ("lab.sensors.", "lab.protocol", ENGINE_PACKAGE)
# The Machine's own state besides its models (the rest is wiring made by its constructor).
MACHINE_STATE = ("strict_alignment", "sleeping", "resets", "halt_reason", "halt_detail",
                 "fault", "_fault_deadline", "_waiting_for_event", "_reset_requested",
                 "_step_block")
WIRING = frozenset({"machine", "uc"})

CORE_REGISTERS = [("r%d" % n, getattr(A, f"UC_ARM_REG_R{n}")) for n in range(13)] + \
    [("lr", A.UC_ARM_REG_LR), ("msp", A.UC_ARM_REG_MSP), ("psp", A.UC_ARM_REG_PSP)]
FP_REGISTERS = [("s%d" % n, getattr(A, f"UC_ARM_REG_S{n}")) for n in range(32)] + \
    [("fpscr", A.UC_ARM_REG_FPSCR)]
CONTROL_NPRIV, XPSR_T, IPSR_MASK = 1, 1 << 24, 0x1FF


class SnapshotError(LabError):
    """A snapshot that cannot be made or cannot be restored here."""


# ------------------------------------------------------------------ the models
def is_model(value) -> bool:
    """An object of the engine with state of its own (not data, not the infrastructure
    the snapshot handles itself)."""
    cls = type(value)
    return cls.__module__.startswith(ENGINE_PACKAGE) and hasattr(value, "__dict__") and \
        not dataclasses.is_dataclass(value) and \
        not isinstance(value, (RegisterMap, Register, Field, Event, Scheduler)) and \
        cls.__name__ not in ("Machine", "Core")


def models(machine) -> dict[str, object]:
    """Every model of the machine by a stable name (the same platform and lab version
    always give the same names): its roots, then whatever they reach."""
    found: dict[int, str] = {}
    ordered: dict[str, object] = {}

    def visit(name: str, value, root: bool = False) -> None:
        if is_model(value):
            if id(value) in found and not root:
                return
            found[id(value)] = name
            ordered[name] = value
            for attribute, child in vars(value).items():
                if attribute not in wiring_of(value):
                    visit(f"{name}.{attribute}", child)
        elif isinstance(value, dict):
            for key, child in value.items():
                visit(f"{name}[{key!r}]", child)
        elif isinstance(value, (list, tuple, deque)):
            for index, child in enumerate(value):
                visit(f"{name}[{index}]", child)

    roots = machine.snapshot_roots()
    for name, root in roots:          # the roots keep their own names
        found[id(root)] = name
    for name, root in roots:
        visit(name, root, root=True)
    return ordered


def wiring_of(model) -> frozenset[str]:
    names = set(WIRING)
    for cls in type(model).__mro__:
        names |= set(getattr(cls, "snapshot_wiring", ()))
    return frozenset(names | {a for a in vars(model) if a.endswith("listeners")})


def model_state(model) -> dict:
    """The attributes a snapshot keeps of one model."""
    wiring = wiring_of(model)
    return {name: value for name, value in vars(model).items() if name not in wiring}


# --------------------------------------------------------------------- encoding
class _Encoder:
    """Values -> JSON-able trees; arrays and bytes go to binary blobs."""

    def __init__(self, names: dict[int, str], others: dict[int, str]):
        self.names = names            # id(model) -> name
        self.others = others          # id(machine object that is not a model) -> name
        self.blobs: list[bytes] = []
        self.events: dict[int, int] = {}
        self.event_table: list = []

    def blob(self, data: bytes) -> int:
        self.blobs.append(bytes(data))
        return len(self.blobs) - 1

    def event(self, event: Event, where: str) -> dict:
        index = self.events.get(id(event))
        if index is None:
            index = self.events[id(event)] = len(self.event_table)
            self.event_table.append(None)
            self.event_table[index] = {
                "time": event.time, "cancelled": event.cancelled,
                "callback": self.callable(event.callback, f"{where} (event callback)"),
                "args": self.value(event.args, f"{where} (event arguments)")}
        return {"$": "event", "id": index}

    def callable(self, function, where: str) -> dict:
        owner = getattr(function, "__self__", None)
        name = getattr(function, "__name__", "")
        if owner is not None and id(owner) in self.names and \
                getattr(owner, name, None) == function:
            return {"$": "method", "of": self.names[id(owner)], "name": name}
        raise SnapshotError(
            f"cannot save {where}: {function!r} is not a method of a model (schedule "
            "events and keep callbacks as methods of the model, with plain arguments)")

    def value(self, value, where: str):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if id(value) in self.names:
            return {"$": "ref", "name": self.names[id(value)]}
        if id(value) in self.others:
            return {"$": "ref", "name": self.others[id(value)]}
        if isinstance(value, list):
            return [self.value(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {"$": "tuple", "v": [self.value(v, f"{where}[{i}]")
                                        for i, v in enumerate(value)]}
        if isinstance(value, dict):
            return {"$": "dict", "v": [[self.value(k, where), self.value(v, f"{where}[{k!r}]")]
                                       for k, v in value.items()]}
        if isinstance(value, (set, frozenset)):
            items = sorted(value, key=repr)
            return {"$": type(value).__name__, "v": [self.value(v, where) for v in items]}
        if isinstance(value, deque):
            return {"$": "deque", "maxlen": value.maxlen,
                    "v": [self.value(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, (bytes, bytearray)):
            return {"$": type(value).__name__, "blob": self.blob(value)}
        if isinstance(value, np.ndarray):
            array = np.ascontiguousarray(value)
            return {"$": "ndarray", "dtype": array.dtype.str, "shape": list(array.shape),
                    "blob": self.blob(array.tobytes())}
        if isinstance(value, np.generic):
            return {"$": "npscalar", "dtype": value.dtype.str, "v": value.item()}
        if isinstance(value, Fraction):
            return {"$": "fraction", "v": [value.numerator, value.denominator]}
        if isinstance(value, Event):
            return self.event(value, where)
        if isinstance(value, RegisterMap):
            return {"$": "registers",
                    "v": [[name, register.value] for name, register in value._by_name.items()]}
        if callable(value):
            return self.callable(value, where)
        if _is_data_object(value):
            state = vars(value)
            return {"$": "object", "class": f"{type(value).__module__}:{type(value).__qualname__}",
                    "v": {k: self.value(v, f"{where}.{k}") for k, v in state.items()}}
        raise SnapshotError(f"cannot save {where}: a {type(value).__name__} is neither plain "
                            "data nor a model of the machine")


def _is_data_object(value) -> bool:
    module = type(value).__module__
    return hasattr(value, "__dict__") and any(module.startswith(p) or module == p.rstrip(".")
                                              for p in DATA_PACKAGES)


class _Decoder:
    def __init__(self, objects: dict[str, object], blobs: list[bytes], event_table: list):
        self.objects = objects
        self.blobs = blobs
        self.event_table = event_table
        self.events = [Event(entry["time"], None) for entry in event_table]

    def finish_events(self) -> list[Event]:
        for event, entry in zip(self.events, self.event_table):
            event.callback = self.value(entry["callback"])
            event.args = self.value(entry["args"])
            event.cancelled = entry["cancelled"]
        return self.events

    def value(self, value):
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, dict):
            return value
        kind = value["$"]
        if kind == "ref":
            return self._object(value["name"])
        if kind == "method":
            return getattr(self._object(value["of"]), value["name"])
        if kind == "event":
            return self.events[value["id"]]
        if kind == "tuple":
            return tuple(self.value(v) for v in value["v"])
        if kind == "dict":
            return {self.value(k): self.value(v) for k, v in value["v"]}
        if kind in ("set", "frozenset"):
            items = [self.value(v) for v in value["v"]]
            return set(items) if kind == "set" else frozenset(items)
        if kind == "deque":
            return deque((self.value(v) for v in value["v"]), value["maxlen"])
        if kind in ("bytes", "bytearray"):
            data = self.blobs[value["blob"]]
            return data if kind == "bytes" else bytearray(data)
        if kind == "ndarray":
            array = np.frombuffer(self.blobs[value["blob"]], dtype=np.dtype(value["dtype"]))
            return array.reshape(value["shape"]).copy()
        if kind == "npscalar":
            return np.dtype(value["dtype"]).type(value["v"])
        if kind == "fraction":
            return Fraction(*value["v"])
        if kind == "object":
            module, _, name = value["class"].partition(":")
            if not any(module.startswith(p) or module == p.rstrip(".") for p in DATA_PACKAGES):
                raise SnapshotError(f"snapshot names a class outside the lab: {value['class']}")
            cls = importlib.import_module(module)
            for part in name.split("."):
                cls = getattr(cls, part)
            obj = cls.__new__(cls)
            for key, item in value["v"].items():
                object.__setattr__(obj, key, self.value(item))
            return obj
        raise SnapshotError(f"snapshot holds an unknown kind of value {kind!r}")

    def _object(self, name: str):
        try:
            return self.objects[name]
        except KeyError:
            raise SnapshotError(f"the snapshot refers to {name}, which this machine does not "
                                "have (another platform or lab version)") from None

    def restore_registers(self, registers: RegisterMap, saved) -> None:
        for name, value in saved["v"]:
            registers._by_name[name].value = value


# ------------------------------------------------------------------------- save
def capture(machine, extra: dict | None = None) -> bytes:
    """The machine (stopped between runs) as bytes. `extra`: plain data saved beside it
    (a session's UART history), given back by restore()."""
    if machine._in_emulation:
        raise SnapshotError("a snapshot is taken between runs, not while the CPU runs")
    registry = models(machine)
    names = {id(model): name for name, model in registry.items()}
    others = {id(obj): name for name, obj in machine.snapshot_infrastructure().items()}
    encoder = _Encoder(names, others)
    state = {name: {attribute: encoder.value(value, f"{name}.{attribute}")
                    for attribute, value in model_state(model).items()}
             for name, model in registry.items()}
    machine_state = {attribute: encoder.value(getattr(machine, attribute), attribute)
                     for attribute in MACHINE_STATE}
    queued = [[order, encoder.event(event, "scheduler")]
              for order, event in machine.scheduler.queued()]
    memory = _capture_memory(machine, encoder)
    header = {
        "format": FORMAT, "platform": machine.platform.name,
        "firmware": firmware_digest(machine.firmware),
        "classes": {name: f"{type(m).__module__}:{type(m).__qualname__}"
                    for name, m in registry.items()},
        "cpu": _capture_cpu(machine.uc),
        "native": encoder.blob(machine.core.save_state()),
        "memory": memory, "machine": machine_state, "models": state,
        "scheduler": {"queued": queued, "next_order": machine.scheduler.next_order()},
        "events": encoder.event_table,
        "extra": encoder.value(extra, "extra") if extra is not None else None,
        "virtual_cycles": machine.now(),
    }
    return _pack(header, encoder.blobs)


def firmware_digest(firmware) -> str | None:
    if firmware is None:
        return None
    return hashlib.sha256(firmware.path.read_bytes()).hexdigest()


def _capture_cpu(uc) -> dict:
    with privilege.lifted(uc):
        registers = {name: uc.reg_read(reg) for name, reg in CORE_REGISTERS + FP_REGISTERS}
    primask, basepri, faultmask = privilege.masks(uc)
    registers.update(pc=uc.reg_read(A.UC_ARM_REG_PC), xpsr=uc.reg_read(A.UC_ARM_REG_XPSR),
                     control=uc.reg_read(A.UC_ARM_REG_CONTROL), primask=primask,
                     basepri=basepri, faultmask=faultmask)
    return registers


def _capture_memory(machine, encoder: _Encoder) -> list:
    image = _firmware_image(machine)
    regions = []
    for name, (region, buffer) in machine._buffers.items():
        data = buffer.raw
        if "w" not in region.access and data == image.get(name, bytes(region.size)):
            regions.append({"name": name, "size": region.size, "blob": None})
            continue
        regions.append({"name": name, "size": region.size, "blob": encoder.blob(data)})
    return regions


def _firmware_image(machine) -> dict[str, bytes]:
    """The read-only regions as loading the firmware leaves them."""
    images = {}
    for name, (region, _) in machine._buffers.items():
        if "w" in region.access:
            continue
        image = bytearray(region.size)
        for segment in getattr(machine, "_flash_image", []):
            start = segment.address - region.base
            if 0 <= start < region.size:
                image[start:start + len(segment.data)] = segment.data[:region.size - start]
        images[name] = bytes(image)
    return images


def _pack(header: dict, blobs: list[bytes]) -> bytes:
    header["blobs"] = [len(b) for b in blobs]
    text = json.dumps(header, separators=(",", ":")).encode()
    body = zlib.compress(struct.pack("<I", len(text)) + text + b"".join(blobs), 1)
    return MAGIC + hashlib.sha256(body).digest() + body


def unpack(data: bytes, what: str = "snapshot") -> tuple[dict, list[bytes]]:
    """(header, blobs) of a snapshot file's bytes; SnapshotError if it is not one."""
    if not data.startswith(MAGIC):
        raise SnapshotError(f"{what} is not a lab snapshot (no {MAGIC[:7].decode()} header)")
    digest, body = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
    if hashlib.sha256(body).digest() != digest:
        raise SnapshotError(f"{what} is corrupt (its checksum does not match): save it again")
    try:
        raw = zlib.decompress(body)
        size = struct.unpack_from("<I", raw)[0]
        header = json.loads(raw[4:4 + size])
    except (zlib.error, struct.error, ValueError) as error:
        raise SnapshotError(f"{what} is corrupt ({error})") from None
    if header.get("format") != FORMAT:
        raise SnapshotError(f"{what} has format {header.get('format')}, this lab reads "
                            f"format {FORMAT}: save it again with this version")
    blobs, offset = [], 4 + size
    for length in header["blobs"]:
        blobs.append(raw[offset:offset + length])
        offset += length
    return header, blobs


def describe(data: bytes) -> dict:
    """What a snapshot is of: platform, firmware digest, virtual time in cycles."""
    header, _ = unpack(data)
    return {k: header[k] for k in ("platform", "firmware", "virtual_cycles")}


# ---------------------------------------------------------------------- restore
def restore(machine, data: bytes, what: str = "snapshot"):
    """Put `machine` (fresh, the same platform and firmware loaded) in the snapshot's
    state; returns the `extra` data saved with it."""
    header, blobs = unpack(data, what)
    check_compatible(machine, header, what)
    registry = models(machine)
    classes = {name: f"{type(m).__module__}:{type(m).__qualname__}"
               for name, m in registry.items()}
    if classes != header["classes"]:
        raise SnapshotError(f"{what} was made of a machine with other models (another board "
                            "description or lab version)")
    objects = dict(registry)
    objects.update(machine.snapshot_infrastructure())
    decoder = _Decoder(objects, blobs, header["events"])
    decoder.finish_events()
    _restore_memory(machine, header["memory"], blobs)
    machine.core.load_state(blobs[header["native"]])
    for name, attributes in header["models"].items():
        model = registry[name]
        for attribute, value in attributes.items():
            current = getattr(model, attribute, None)
            if isinstance(current, RegisterMap):
                decoder.restore_registers(current, value)
            else:
                setattr(model, attribute, decoder.value(value))
    for attribute, value in header["machine"].items():
        setattr(machine, attribute, decoder.value(value))
    queued = [(order, decoder.value(event)) for order, event in header["scheduler"]["queued"]]
    machine.scheduler.restore(queued, header["scheduler"]["next_order"])
    _restore_cpu(machine.uc, header["cpu"])
    machine.uc.ctl_flush_tb()
    return decoder.value(header["extra"]) if header["extra"] is not None else None


def check_compatible(machine, header: dict, what: str = "snapshot") -> None:
    if header["platform"] != machine.platform.name:
        raise SnapshotError(f"{what} is of platform {header['platform']}, not "
                            f"{machine.platform.name}: load it on the board it was saved on")
    digest = firmware_digest(machine.firmware)
    if header["firmware"] != digest:
        raise SnapshotError(f"{what} was saved with another firmware (sha256 "
                            f"{str(header['firmware'])[:12]}..., this one is "
                            f"{str(digest)[:12]}...): load it with the ELF it was saved with")


def _restore_memory(machine, regions: list, blobs: list[bytes]) -> None:
    for saved in regions:
        if saved["name"] not in machine._buffers:
            raise SnapshotError(f"the snapshot has memory {saved['name']} this board lacks")
        region, buffer = machine._buffers[saved["name"]]
        if region.size != saved["size"]:
            raise SnapshotError(f"memory {saved['name']} is {region.size} bytes here, "
                                f"{saved['size']} in the snapshot")
        if saved["blob"] is not None:
            buffer.raw = blobs[saved["blob"]]


def _restore_cpu(uc, registers: dict) -> None:
    """Thread mode and privileged first, so that every special register takes its
    write (MSR semantics); then the saved mode, privilege and PC."""
    control, xpsr = registers["control"], registers["xpsr"]
    uc.reg_write(A.UC_ARM_REG_XPSR, xpsr & ~IPSR_MASK)
    privilege.clear_npriv(uc)
    uc.reg_write(A.UC_ARM_REG_CONTROL, control & ~CONTROL_NPRIV)
    for name, reg in CORE_REGISTERS + FP_REGISTERS:
        uc.reg_write(reg, registers[name])
    uc.reg_write(A.UC_ARM_REG_PRIMASK, registers["primask"])
    uc.reg_write(A.UC_ARM_REG_BASEPRI, registers["basepri"])
    uc.reg_write(A.UC_ARM_REG_FAULTMASK, registers["faultmask"])
    uc.reg_write(A.UC_ARM_REG_XPSR, xpsr)
    if control & CONTROL_NPRIV:
        privilege.set_npriv(uc)
    uc.reg_write(A.UC_ARM_REG_PC, registers["pc"] | (1 if xpsr & XPSR_T else 0))
