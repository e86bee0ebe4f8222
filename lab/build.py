"""Firmware builds: make + arm-none-eabi-gcc into a content-addressed cache.

The cache key hashes everything that goes into the image: the app's files, the
board HAL, the shared firmware code, extra sources and defines, and the compiler's
version. The same inputs give a cache hit; a build happens in a temporary folder
renamed into place, so the cache never holds a half-written image. Make runs on this
machine or in the lab's Docker image (lab.builders): the same key and bytes either way.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from .elf import read_firmware
from . import footprint
from .builders import Builder, from_environment, local_toolchain_version as toolchain_version
from .errors import LabError
from .files import as_created
from .platforms import ROOT, Platform

FIRMWARE_DIR = ROOT / "firmware"
APPS_DIR = FIRMWARE_DIR / "apps"
LIBRARIES = ("runtime", "frontend")


@dataclass
class AppSpec:
    """firmware/apps/<app>/app.yaml: what an app needs to build and run."""
    description: str = ""
    libraries: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()     # what the board must provide (its board.yaml)
    model: Path | None = None          # default .tflite compiled in
    run: dict | None = None            # defaults for `lab run`


def _yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise LabError(f"{path}: not valid YAML ({error})")
    if not isinstance(data, dict):
        raise LabError(f"{path}: expected a mapping at the top level")
    return data


def app_spec(app_dir: Path) -> AppSpec:
    path = app_dir / "app.yaml"
    if not path.exists():
        return AppSpec()
    data = _yaml(path)
    libraries = tuple(data.get("libraries", []) or [])
    unknown = [lib for lib in libraries if lib not in LIBRARIES]
    if unknown:
        raise LabError(f"{path}: unknown libraries {unknown}; known: {', '.join(LIBRARIES)}")
    model = data.get("model")
    return AppSpec(description=data.get("description", ""), libraries=libraries,
                   requires=tuple(data.get("requires", []) or []),
                   model=(ROOT / model) if model else None, run=data.get("run") or {})


def hal_provides(platform: Platform) -> tuple[str, ...]:
    """What the platform's firmware offers apps (firmware/boards/<board>/board.yaml)."""
    board = platform.build.get("board")
    if not board:
        return ()
    path = FIRMWARE_DIR / "boards" / board / "board.yaml"
    return tuple(_yaml(path).get("provides", []) or []) if path.exists() else ()


def missing_for(spec: AppSpec, platform: Platform) -> list[str]:
    """What the app needs that the platform's HAL does not provide."""
    provided = hal_provides(platform)
    return [need for need in spec.requires if need not in provided]


def check_model(path: Path, kernels: str = "optimized"):
    """The runtime's own checks on the host (parse, ops, arena), before a build; returns
    the arena (lab.runtime.ArenaUsage) firmware built with `kernels` needs for it."""
    from .runtime import inspect_model
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LabError(f"{path}: cannot read ({error.strerror})") from None
    report = inspect_model(data, kernels)
    if report.status != "OK":
        raise LabError(f"{path}: the runtime cannot run this model: {report.message} "
                       f"(see `lab model inspect {path}`)")
    return report.arena


def kernels_of(defines) -> str:
    """The runtime kernels a build with these defines compiles (firmware/Makefile)."""
    return "reference" if "LABRT_OPTIMIZED=0" in defines else "optimized"


def _arena_define(defines) -> str | None:
    return next((d for d in defines if d.split("=")[0] == "LAB_ARENA_BYTES"), None)


@dataclass
class BuildResult:
    elf: Path
    app: str
    platform: str
    cached: bool
    seconds: float
    flash: int
    ram: int
    model: Path | None = None
    footprint: object = None           # lab.footprint.Footprint, from the linker map
    arena: object = None               # lab.runtime.ArenaUsage: the built-in model's arena

    def summary(self) -> str:
        """`built APP for BOARD in 2.1 s: ...` or `cached APP for BOARD: ...`."""
        how = "cached" if self.cached else "built"
        took = "" if self.cached else f" in {self.seconds:.1f} s"
        return (f"{how} {self.app} for {self.platform}{took}: flash {self.flash} B, "
                f"RAM {self.ram} B -> {self.elf}")

    def to_dict(self) -> dict:
        return {"app": self.app, "platform": self.platform, "elf": str(self.elf),
                "flash": self.flash, "ram": self.ram, "cached": self.cached,
                "seconds": round(self.seconds, 3),
                "model": str(self.model) if self.model else None,
                "footprint": self.footprint.to_dict() if self.footprint else None,
                "arena": asdict(self.arena) if self.arena else None}


def cache_root() -> Path:
    configured = os.environ.get("LAB_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "virtual-mcu-lab"


def available_apps() -> list[str]:
    return sorted(p.name for p in APPS_DIR.iterdir() if p.is_dir() and any(p.glob("*.c")))


def app_directory(app: str) -> Path:
    candidate = Path(app)
    if candidate.is_dir():
        return candidate.resolve()
    directory = APPS_DIR / app
    if directory.is_dir():
        return directory
    raise LabError(f"unknown app {app!r}; available: {', '.join(available_apps())} "
                   "(or give a directory of C sources)")


def _hash_tree(digest, directory: Path, label: str) -> None:
    if not directory.exists():
        return
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".o"):
            continue
        digest.update(f"{label}/{path.relative_to(directory)}\0".encode())
        digest.update(path.read_bytes())


def cache_key(app_dir: Path, platform: Platform, extra_sources, defines,
              model: Path | None = None, toolchain: str | None = None) -> str:
    """`toolchain`: the compiler's version line (default: this machine's)."""
    digest = hashlib.sha256()
    digest.update((toolchain or toolchain_version()).encode())
    digest.update(platform.name.encode())
    # the ELF's debug information names its sources by absolute path: a build from
    # another checkout (or a deleted one) would send GDB to files that are not these
    for place in (FIRMWARE_DIR, app_dir, model, *extra_sources):
        if place is not None:
            digest.update(f"path:{Path(place).resolve()}\0".encode())
    for item in (FIRMWARE_DIR / "Makefile",):
        digest.update(item.read_bytes())
    _hash_tree(digest, FIRMWARE_DIR / "common", "common")
    _hash_tree(digest, FIRMWARE_DIR / "boards" / _board(platform), "board")
    _hash_tree(digest, FIRMWARE_DIR / "hal" / platform.build.get("hal", ""), "hal")
    _hash_tree(digest, FIRMWARE_DIR / "hal" / "common", "hal-common")   # HALs share it
    _hash_tree(digest, FIRMWARE_DIR / "drivers", "drivers")
    for library in LIBRARIES:
        _hash_tree(digest, FIRMWARE_DIR / library, library)
    _hash_tree(digest, app_dir, "app")
    if model is not None:
        digest.update(b"model\0" + model.read_bytes())
    for source in extra_sources:
        digest.update(f"extra:{Path(source).name}\0".encode())
        digest.update(Path(source).read_bytes())
    for define in defines:
        digest.update(f"define:{define}\0".encode())
    return digest.hexdigest()[:24]


def _board(platform: Platform) -> str:
    """The firmware's board directory (firmware/boards/<board>), the board file's
    `build: {board: ...}`; its board.mk names the SoC family's HAL."""
    board = platform.build.get("board")
    if not board or not (FIRMWARE_DIR / "boards" / board / "board.mk").is_file():
        raise LabError(f"platform {platform.name} has no firmware board (build.board in "
                       f"{platform.path} naming a folder of firmware/boards): run existing "
                       "ELFs with `lab run --elf FILE`")
    return board


def build(app: str, platform: Platform, extra_sources=(), defines=(),
          verbose: bool = False, model: str | Path | None = None,
          builder: Builder | None = None) -> BuildResult:
    """Build `app` (a name under firmware/apps or a directory) for `platform`, with
    `model` (a .tflite) compiled in instead of the app's default one, by `builder`
    (lab.builders; default: LAB_BUILDER's, this machine's toolchain unless set)."""
    app_dir = app_directory(app)
    if not any(app_dir.glob("*.c")):
        raise LabError(f"{app_dir} has no C sources (*.c): an app is a folder with a main.c "
                       "(see firmware/apps/hello)")
    spec = app_spec(app_dir)
    missing = missing_for(spec, platform)
    if missing:
        raise LabError(f"{app_dir.name} needs {', '.join(missing)}, which {platform.name} "
                       f"does not provide (see `lab list` for the boards that run it)")
    model_path = Path(model).resolve() if model else spec.model
    if model_path is not None and not model_path.is_file():
        raise LabError(f"model {model_path} not found"
                       + ("" if model else f" (the default of {app_dir.name}: train it with "
                          f"`lab train {app_dir.name}`)"))
    if model and "runtime" not in spec.libraries:
        raise LabError(f"{app_dir.name} runs no model: --model does not apply")
    arena = None
    if model_path is not None and "runtime" in spec.libraries:
        # the arena buffer is exactly what the runtime's planner needs for this model
        arena = check_model(model_path, kernels_of(defines))
        if _arena_define(defines) is None:
            defines = (*defines, f"LAB_ARENA_BYTES={arena.needed}")
    extra_sources = [Path(s).resolve() for s in extra_sources]
    builder = builder or from_environment()
    key = cache_key(app_dir, platform, extra_sources, defines, model_path,
                    builder.toolchain_version())
    target = cache_root() / "builds" / f"{app_dir.name}-{platform.name}-{key}"
    elf = target / "app.elf"
    started = time.monotonic()
    cached = elf.exists()
    if not cached:
        try:
            _compile(builder, app_dir, platform, extra_sources, defines, target, verbose,
                     spec.libraries, model_path)
        except RamOverflow:
            if arena is None:
                raise LabError(f"{app_dir.name} does not fit {platform.name}'s RAM") from None
            raise _model_too_large(app, platform, extra_sources, defines, model_path,
                                   arena.needed, builder) from None
    firmware = read_firmware(elf)
    sizes = firmware.sizes(_region(platform, "flash"), _region(platform, "ram"))
    return BuildResult(elf, app_dir.name, platform.name, cached, time.monotonic() - started,
                       sizes["flash"], sizes["ram"], model_path, footprint.of_build(elf, platform),
                       arena)


class RamOverflow(LabError):
    """The linker found data + bss running into the stack reserve."""


def _model_too_large(app, platform, extra_sources, defines, model_path, needed,
                     builder) -> LabError:
    """The numbers of a model whose arena does not fit: the rest of the app's RAM is
    measured by linking it with a 16-byte arena."""
    small = tuple(d for d in defines if d.split("=")[0] != "LAB_ARENA_BYTES")
    rest = build(app, platform, extra_sources, (*small, "LAB_ARENA_BYTES=16"), model=model_path,
                 builder=builder)
    stack = rest.footprint.stack_reserve if rest.footprint else 0
    others = rest.ram - 16
    ram = platform.region("ram").size
    return LabError(f"{model_path.name} does not fit {platform.name}: it needs a {needed} B "
                    f"tensor arena, and with {rest.app}'s other {others} B of RAM and its "
                    f"{stack} B stack reserve that is {needed + others + stack} B, more than "
                    f"the board's {ram} B of RAM")


def _region(platform: Platform, name: str) -> tuple[int, int]:
    region = platform.region(name)
    return region.base, region.size


def _compile(builder, app_dir, platform, extra_sources, defines, target: Path, verbose: bool,
             libraries=(), model: Path | None = None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        arguments = [f"-j{os.cpu_count() or 1}", "-f", str(FIRMWARE_DIR / "Makefile"),
                     f"APP_DIR={app_dir}",
                     f"BOARD={_board(platform)}", f"PLATFORM={platform.name}", f"OUT={tmp}",
                     f"EXTRA_SRCS={' '.join(str(s) for s in extra_sources)}",
                     f"EXTRA_CFLAGS={' '.join('-D' + d for d in defines)}",
                     f"LIBS={' '.join(libraries)}", f"MODEL={model or ''}"]
        # a fixed working directory: it is the debug information's DW_AT_comp_dir
        inputs = [FIRMWARE_DIR, app_dir, *(s.parent for s in extra_sources),
                  *([model.parent] if model else [])]
        proc = builder.make(arguments, FIRMWARE_DIR, inputs, target.parent)
        if verbose:
            print(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            if "RAM overflow" in proc.stderr:
                raise RamOverflow(f"{app_dir.name}: RAM overflow")
            raise LabError(f"building {app_dir.name} for {platform.name} failed: "
                           f"{_first_error(proc.stderr)} (`lab build -v` shows everything)")
        as_created(Path(tmp))
        try:
            Path(tmp).rename(target)
        except OSError:
            if not (target / "app.elf").exists():   # another build won the race: fine
                raise
        # TemporaryDirectory tolerates the renamed folder being gone


def _first_error(stderr: str) -> str:
    """The compiler's or linker's first real complaint (not collect2's summary)."""
    lines = stderr.strip().splitlines()
    for marker in ("error:", "undefined reference", "multiple definition", "No rule to make"):
        for line in lines:
            if marker in line and not line.startswith("collect2"):
                return line.strip()
    return lines[-1].strip() if lines else "unknown error"
