"""Boards as data, in two layers, as Renode layers its .repl files:

  platforms/socs/<soc>.yaml     the chip: core and clock, memory, every on-chip
                                peripheral (model, base, IRQ, options), address ranges
                                that read as zero, the firmware HAL family;
  platforms/boards/<board>.yaml a board built on a SoC (`soc: <soc>`): the parts on its
                                buses and pins (IMU, microphone, LEDs, buttons), its
                                console, its HAL board header, its datasheet figures.

A board may override the SoC's clock, and add or change peripherals' options. The
loader merges both into one Platform; adding a board made of modelled parts needs no
Python. `lab run --platform <board>` names a board file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import cores
from .errors import LabError

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_DIR = ROOT / "platforms"
BOARD_DIR = PLATFORM_DIR / "boards"
SOC_DIR = PLATFORM_DIR / "socs"
TIMING_MODES = ("cycles", "instructions")   # the core's timing table, or 1 per instruction


@dataclass
class Cpu:
    core: str
    clock_hz: int
    irqs: int = 48
    priority_bits: int = 3
    profile: cores.CoreProfile | None = None   # platforms/cores/<core>.yaml
    timing: dict = field(default_factory=dict)  # its timing table with the part's options
    reset_vtor: int = 0      # where the vector table is at reset (the SoC ties it off)

    @property
    def has_fpu(self) -> bool:
        return self.profile.has_fpu


@dataclass
class MemoryRegion:
    name: str
    base: int
    size: int
    access: str  # e.g. "rx", "rwx"
    wait_states: int = 0   # extra cycles per 32-bit instruction fetch (and literal load)


@dataclass
class PeripheralSpec:
    name: str
    model: str
    base: int
    irq: int | None = None
    options: dict = field(default_factory=dict)


@dataclass
class Part:
    """A device on a bus of the SoC (`bus: twim0`): the IMU, a magnetometer ..."""
    name: str
    model: str
    bus: str
    options: dict = field(default_factory=dict)


@dataclass
class Led:
    name: str
    port: str       # the GPIO peripheral's name
    pin: int
    active_low: bool


@dataclass
class Button:
    name: str
    port: str
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
    soc: str = ""
    parts: list[Part] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    datasheet: dict = field(default_factory=dict)   # figures with their sources
    timing: str = "cycles"            # "instructions": one cycle per instruction (Renode's)
    icache: dict | None = None        # the flash instruction cache, if the SoC has one
    power: dict | None = None         # datasheet currents (lab.energy), with their source
    led_matrix: dict = field(default_factory=dict)  # rows/cols pins (lab.led_matrix)

    def region(self, name: str) -> MemoryRegion:
        for region in self.memory:
            if region.name == name:
                return region
        raise LabError(f"{self.path}: platform has no memory region {name!r}")

    def peripheral(self, name: str) -> PeripheralSpec | None:
        return next((p for p in self.peripherals if p.name == name), None)


def available() -> list[str]:
    return sorted(p.stem for p in BOARD_DIR.glob("*.yaml"))


def load(name_or_path: str, timing: str | None = None) -> Platform:
    """The board `name_or_path`; `timing` ("cycles"/"instructions") replaces its own."""
    path = Path(name_or_path)
    if not path.suffix:
        path = BOARD_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise LabError(f"unknown platform {name_or_path!r}; available: "
                       f"{', '.join(available())} (see `lab list`)")
    board = _read(path)
    soc_name = _need(board, "soc", str, path, "board")
    soc_path = (path.parent / soc_name) if soc_name.endswith(".yaml") else \
        SOC_DIR / f"{soc_name}.yaml"
    if not soc_path.exists():
        raise LabError(f"{path}: soc: no SoC file {soc_path} (SoCs: "
                       f"{', '.join(sorted(p.stem for p in SOC_DIR.glob('*.yaml')))})")
    platform = _platform(board, path, _read(soc_path), soc_path)
    if timing is not None:
        platform.timing = _timing({}, {"timing": timing}, path)
    return platform


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise LabError(f"{path}: not valid YAML ({error})")
    except OSError as error:
        raise LabError(f"{path}: cannot read ({error.strerror})")
    if not isinstance(data, dict):
        raise LabError(f"{path}: expected a mapping at the top level")
    return data


def _need(data: dict, key: str, kind, path: Path, where: str):
    if not isinstance(data, dict) or key not in data:
        raise LabError(f"{path}: {where}: missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise LabError(f"{path}: {where}.{key}: expected {getattr(kind, '__name__', kind)}, "
                       f"got {value!r}")
    return value


def _cpu(soc: dict, board: dict, soc_path: Path) -> Cpu:
    cpu_data = _need(soc, "cpu", dict, soc_path, "soc")
    core = _need(cpu_data, "core", str, soc_path, "cpu")
    try:
        profile = cores.load(core)
    except LabError as error:
        raise LabError(f"{soc_path}: cpu.core: {error}")
    clock = board.get("clock_hz", _need(cpu_data, "clock_hz", int, soc_path, "cpu"))
    low, high = profile.priority_bits
    bits = cpu_data.get("priority_bits", low)
    if not isinstance(bits, int) or not low <= bits <= high:
        raise LabError(f"{soc_path}: cpu.priority_bits: {core} implements {low} to {high} "
                       f"priority bits, not {bits!r}")
    choices = {option: cpu_data[option] for option in profile.timing_options
               if option in cpu_data}
    try:
        timing = profile.timing_for(choices)
    except LabError as error:
        raise LabError(f"{soc_path}: cpu.{error}")
    reset_vtor = cpu_data.get("reset_vtor", 0)
    if not isinstance(reset_vtor, int) or reset_vtor % 128:
        raise LabError(f"{soc_path}: cpu.reset_vtor: a 128-byte aligned address, not "
                       f"{reset_vtor!r}")
    return Cpu(core, clock, cpu_data.get("irqs", 48), bits, profile, timing, reset_vtor)


def _timing(soc: dict, board: dict, path: Path) -> str:
    mode = board.get("timing", soc.get("timing", "cycles"))
    if mode not in TIMING_MODES:
        raise LabError(f"{path}: timing: {mode!r} is not one of {', '.join(TIMING_MODES)}")
    return mode


def _power(soc: dict, board: dict, path: Path) -> dict | None:
    """The SoC's `power:` figures, with the board's `power:` merged over them."""
    power = {**(soc.get("power") or {}), **(board.get("power") or {})}
    if not power:
        return None
    for key in ("run_ma", "sleep_ua", "supply_v"):
        if not isinstance(power.get(key), (int, float)) or power[key] <= 0:
            raise LabError(f"{path}: power.{key}: expected a positive number, got "
                           f"{power.get(key)!r}")
    battery = power.get("battery")
    if battery is not None and not (isinstance(battery, dict) and
                                    isinstance(battery.get("capacity_mah"), (int, float)) and
                                    isinstance(battery.get("name"), str)):
        raise LabError(f"{path}: power.battery: expected {{name, capacity_mah}}")
    return power


def _icache(soc: dict, soc_path: Path) -> dict | None:
    """`icache: {size, ways, line_bytes, miss_cycles, region}`: checked, or None."""
    cache = soc.get("icache")
    if cache is None:
        return None
    for key in ("size", "ways", "line_bytes", "miss_cycles"):
        _need(cache, key, int, soc_path, "icache")
    _need(cache, "region", str, soc_path, "icache")
    size, ways, line = cache["size"], cache["ways"], cache["line_bytes"]
    if line < 4 or line & (line - 1) or ways < 1 or size % (ways * line) or \
            (size // (ways * line)) & (size // (ways * line) - 1):
        raise LabError(f"{soc_path}: icache: size {size} / ways {ways} / line_bytes {line} "
                       "must give a power-of-two number of sets and lines")
    return dict(cache)


def _peripherals(soc: dict, board: dict, soc_path: Path, path: Path) -> list[PeripheralSpec]:
    """The SoC's peripherals, with the board's `peripherals: {name: {option: value}}`
    merged into their options."""
    specs = []
    for i, p in enumerate(soc.get("peripherals", []) or []):
        where = f"peripherals[{i}]"
        known = {"name", "model", "base", "irq"}
        specs.append(PeripheralSpec(_need(p, "name", str, soc_path, where),
                                    _need(p, "model", str, soc_path, where),
                                    _need(p, "base", int, soc_path, where), p.get("irq"),
                                    {k: v for k, v in p.items() if k not in known}))
    by_name = {spec.name: spec for spec in specs}
    for name, options in (board.get("peripherals", {}) or {}).items():
        if name not in by_name:
            raise LabError(f"{path}: peripherals.{name}: the SoC has no such peripheral")
        by_name[name].options.update(options or {})
    return specs


def _parts(board: dict, path: Path, peripherals: list[PeripheralSpec]) -> list[Part]:
    """Devices on the SoC's buses; each bus peripheral gets its devices as the option
    `devices` (what its model instantiates)."""
    buses = {spec.name: spec for spec in peripherals}
    parts = []
    for i, p in enumerate(board.get("parts", []) or []):
        where = f"parts[{i}]"
        part = Part(_need(p, "name", str, path, where), _need(p, "model", str, path, where),
                    _need(p, "bus", str, path, where),
                    {k: v for k, v in p.items() if k not in ("name", "model", "bus")})
        if part.bus not in buses:
            raise LabError(f"{path}: {where}.bus: no peripheral {part.bus!r} on the SoC")
        buses[part.bus].options.setdefault("devices", []).append(
            {"model": part.model, "name": part.name, **part.options})
        parts.append(part)
    return parts


def _pins(board: dict, key: str, path: Path, kind):
    return [kind(_need(item, "name", str, path, f"{key}[{i}]"),
                 _need(item, "port", str, path, f"{key}[{i}]"),
                 _need(item, "pin", int, path, f"{key}[{i}]"),
                 item.get("active", "high") == "low")
            for i, item in enumerate(board.get(key, []) or [])]


def _platform(board: dict, path: Path, soc: dict, soc_path: Path) -> Platform:
    memory = [MemoryRegion(_need(m, "name", str, soc_path, f"memory[{i}]"),
                           _need(m, "base", int, soc_path, f"memory[{i}]"),
                           _need(m, "size", int, soc_path, f"memory[{i}]"),
                           m.get("access", "rwx"), m.get("wait_states", 0))
              for i, m in enumerate(_need(soc, "memory", list, soc_path, "soc"))]
    mmio = [(_need(r, "base", int, soc_path, f"mmio[{i}]"),
             _need(r, "base", int, soc_path, f"mmio[{i}]") +
             _need(r, "size", int, soc_path, f"mmio[{i}]"))
            for i, r in enumerate(soc.get("mmio", []) or [])]
    peripherals = _peripherals(soc, board, soc_path, path)
    parts = _parts(board, path, peripherals)
    leds, buttons = _pins(board, "leds", path, Led), _pins(board, "buttons", path, Button)
    gpio_names = {p.name for p in peripherals}
    for pin in leds + buttons:
        if pin.port not in gpio_names:
            raise LabError(f"{path}: {pin.name}: no GPIO port {pin.port!r} on the SoC")
    matrix = board.get("led_matrix", {}) or {}
    if matrix:
        from .led_matrix import pins
        for port, _ in sum(pins(matrix, path), []):
            if port not in gpio_names:
                raise LabError(f"{path}: led_matrix: no GPIO port {port!r} on the SoC")
    build = {**(soc.get("build", {}) or {}), **(board.get("build", {}) or {})}
    return Platform(
        name=_need(board, "name", str, path, "board"),
        description=board.get("description", ""),
        engines=board.get("engines", soc.get("engines", ["embedded"])),
        cpu=_cpu(soc, board, soc_path), memory=memory, mmio=mmio, peripherals=peripherals,
        console=board.get("console"), microphone=board.get("microphone"),
        imu=board.get("imu"), leds=leds, build=build,
        qemu=board.get("qemu", soc.get("qemu", {})) or {}, path=path,
        soc=_need(soc, "name", str, soc_path, "soc"), parts=parts, buttons=buttons,
        datasheet=board.get("datasheet", {}) or {},
        timing=_timing(soc, board, path), icache=_icache(soc, soc_path),
        power=_power(soc, board, path),
        led_matrix=matrix)
