"""Boards as data: platforms/*.yaml -> Platform.

A platform names its core and clock, its memory, every peripheral (model, base,
IRQ, options) and its board parts (LEDs, console). The embedded engine builds a
machine from it; adding a board made of existing models needs no Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import LabError

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_DIR = ROOT / "platforms"
CORES = ("cortex-m0", "cortex-m3", "cortex-m4", "cortex-m4f", "cortex-m7", "cortex-m33")


@dataclass
class Cpu:
    core: str
    clock_hz: int
    irqs: int = 48
    priority_bits: int = 3

    @property
    def has_fpu(self) -> bool:
        return self.core in ("cortex-m4f", "cortex-m7", "cortex-m33")


@dataclass
class MemoryRegion:
    name: str
    base: int
    size: int
    access: str  # e.g. "rx", "rwx"


@dataclass
class PeripheralSpec:
    name: str
    model: str
    base: int
    irq: int | None = None
    options: dict = field(default_factory=dict)


@dataclass
class Led:
    name: str
    port: str       # the GPIO peripheral's name
    pin: int
    active_low: bool


@dataclass
class Platform:
    name: str
    description: str
    engines: list[str]
    cpu: Cpu
    memory: list[MemoryRegion]
    mmio: list[tuple[int, int]]
    peripherals: list[PeripheralSpec]
    console: str | None
    microphone: str | None
    imu: str | None
    leds: list[Led]
    build: dict
    qemu: dict
    path: Path

    def region(self, name: str) -> MemoryRegion:
        for region in self.memory:
            if region.name == name:
                return region
        raise LabError(f"{self.path}: platform has no memory region {name!r}")


def available() -> list[str]:
    return sorted(p.stem for p in PLATFORM_DIR.glob("*.yaml"))


def load(name_or_path: str) -> Platform:
    path = Path(name_or_path)
    if not path.suffix:
        path = PLATFORM_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise LabError(f"unknown platform {name_or_path!r}; available: "
                       f"{', '.join(available())} (see `lab list`)")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise LabError(f"{path}: not valid YAML ({error})")
    return _parse(data, path)


def _need(data: dict, key: str, kind, path: Path, where: str):
    if not isinstance(data, dict) or key not in data:
        raise LabError(f"{path}: {where}: missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise LabError(f"{path}: {where}.{key}: expected {getattr(kind, '__name__', kind)}, "
                       f"got {value!r}")
    return value


def _parse(data, path: Path) -> Platform:
    if not isinstance(data, dict):
        raise LabError(f"{path}: expected a mapping at the top level")
    cpu_data = _need(data, "cpu", dict, path, "platform")
    core = _need(cpu_data, "core", str, path, "cpu")
    if core not in CORES:
        raise LabError(f"{path}: cpu.core: unknown core {core!r}; known: {', '.join(CORES)}")
    cpu = Cpu(core, _need(cpu_data, "clock_hz", int, path, "cpu"),
              cpu_data.get("irqs", 48), cpu_data.get("priority_bits", 3))
    memory = [MemoryRegion(_need(m, "name", str, path, f"memory[{i}]"),
                           _need(m, "base", int, path, f"memory[{i}]"),
                           _need(m, "size", int, path, f"memory[{i}]"),
                           m.get("access", "rwx"))
              for i, m in enumerate(_need(data, "memory", list, path, "platform"))]
    peripherals = []
    for i, p in enumerate(data.get("peripherals", []) or []):
        where = f"peripherals[{i}]"
        known = {"name", "model", "base", "irq"}
        peripherals.append(PeripheralSpec(_need(p, "name", str, path, where),
                                          _need(p, "model", str, path, where),
                                          _need(p, "base", int, path, where),
                                          p.get("irq"),
                                          {k: v for k, v in p.items() if k not in known}))
    board = data.get("board", {}) or {}
    leds = [Led(_need(led, "name", str, path, f"board.leds[{i}]"),
                _need(led, "port", str, path, f"board.leds[{i}]"),
                _need(led, "pin", int, path, f"board.leds[{i}]"),
                led.get("active", "high") == "low")
            for i, led in enumerate(board.get("leds", []) or [])]
    mmio = [(_need(r, "base", int, path, f"mmio[{i}]"),
             _need(r, "base", int, path, f"mmio[{i}]") + _need(r, "size", int, path, f"mmio[{i}]"))
            for i, r in enumerate(data.get("mmio", []) or [])]
    return Platform(
        name=_need(data, "name", str, path, "platform"),
        description=data.get("description", ""),
        engines=data.get("engines", ["embedded"]),
        cpu=cpu, memory=memory, mmio=mmio, peripherals=peripherals,
        console=board.get("console"), microphone=board.get("microphone"),
        imu=board.get("imu"), leds=leds,
        build=data.get("build", {}) or {}, qemu=data.get("qemu", {}) or {}, path=path)
