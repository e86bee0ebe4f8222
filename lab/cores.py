"""Cores as data: platforms/cores/<core>.yaml, one profile per Cortex-M core.

A profile says what the lab must model for the core: its architecture, CPUID, FPU,
the priority bits it may implement, which exceptions and system registers exist, the
exception frame, the entry/return latency and its instruction timing table
(platforms/cores/timing/<table>.yaml, the figures labcore.c charges). The platform
loader refuses a core without a profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import LabError

CORE_DIR = Path(__file__).resolve().parent.parent / "platforms" / "cores"
TIMING_DIR = CORE_DIR / "timing"

# The timing table's figures, in the order labcore.c's lc_timing_table declares them.
TIMING_FIELDS = (
    "alu", "it", "mul", "mla", "mull", "mlal", "div_min", "div_max", "load",
    "load_pipelined", "store", "store_imm", "multiple_base", "branch_taken",
    "branch_not_taken", "branch_link", "branch_exchange", "load_pc_extra", "table_branch",
    "barrier", "dual_issue", "fp_alu", "fp_mac", "fp_div", "fp_sqrt", "fp_load", "fp_load64",
    "fp_store", "fp_store64", "fp_multiple_base", "fp_move")
CONFIGURABLE_FAULTS = ("memmanage", "busfault", "usagefault")


@dataclass(frozen=True)
class CoreProfile:
    name: str
    architecture: str
    cpuid: int
    fpu: str                       # "none" or the FPU's name
    unicorn_model: str
    priority_bits: tuple[int, int]  # the range a SoC may implement
    dsp: bool
    divide: bool
    exceptions: frozenset
    system_registers: frozenset
    exception_entry_cycles: int
    exception_return_cycles: int
    timing_table: str
    timing: dict = field(default_factory=dict, compare=False, hash=False)
    # what a part chooses when it implements the core: {option: {choice: {figure: cycles}}},
    # the first choice the default (the M0+'s fast or small multiplier)
    timing_options: dict = field(default_factory=dict, compare=False, hash=False)
    path: Path | None = None

    @property
    def has_fpu(self) -> bool:
        return self.fpu != "none"

    def has_exception(self, name: str) -> bool:
        return name in self.exceptions

    def timing_for(self, choices: dict) -> dict:
        """The timing table with the part's choices ({option: choice}) applied; a choice
        not made takes the option's first."""
        table = dict(self.timing)
        for option, variants in self.timing_options.items():
            choice = choices.get(option, next(iter(variants)))
            if choice not in variants:
                raise LabError(f"{option}: {self.name} comes with {' or '.join(variants)}, "
                               f"not {choice!r}")
            table.update(variants[choice])
        return table


def available() -> list[str]:
    return sorted(p.stem for p in CORE_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load(name: str) -> CoreProfile:
    """The profile of core `name`; LabError if the lab has none."""
    path = CORE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise LabError(f"core {name!r} has no profile in platforms/cores/ (cores the lab "
                       f"models: {', '.join(available())}); pick one of them")
    data = _read(path)
    low, high = _get(data, "priority_bits", list, path)
    profile = CoreProfile(
        name=_get(data, "name", str, path), architecture=_get(data, "architecture", str, path),
        cpuid=_get(data, "cpuid", int, path), fpu=_get(data, "fpu", str, path),
        unicorn_model=_get(data, "unicorn_model", str, path), priority_bits=(low, high),
        dsp=_get(data, "dsp", bool, path), divide=_get(data, "divide", bool, path),
        exceptions=frozenset(_get(data, "exceptions", list, path)),
        system_registers=frozenset(_get(data, "system_registers", list, path)),
        exception_entry_cycles=_get(data, "exception_entry_cycles", int, path),
        exception_return_cycles=_get(data, "exception_return_cycles", int, path),
        timing_table=_get(data, "timing", str, path), path=path)
    return _with_timing(profile)


def _with_timing(profile: CoreProfile) -> CoreProfile:
    path = TIMING_DIR / f"{profile.timing_table}.yaml"
    if not path.is_file():
        raise LabError(f"{profile.path}: timing: no table {path.name} in {TIMING_DIR}")
    table = _read(path)
    missing = [name for name in TIMING_FIELDS if not isinstance(table.get(name), int)]
    if missing:
        raise LabError(f"{path}: missing or non-integer figures: {', '.join(missing)}")
    unknown = sorted(set(table) - set(TIMING_FIELDS))
    if unknown:
        raise LabError(f"{path}: unknown figures {', '.join(unknown)}; known: "
                       f"{', '.join(TIMING_FIELDS)}")
    object.__setattr__(profile, "timing", {name: table[name] for name in TIMING_FIELDS})
    object.__setattr__(profile, "timing_options", _timing_options(profile))
    return profile


def _timing_options(profile: CoreProfile) -> dict:
    options = _read(profile.path).get("timing_options") or {}
    for option, variants in options.items():
        for choice, figures in (variants or {}).items():
            bad = [k for k, v in (figures or {}).items()
                   if k not in TIMING_FIELDS or not isinstance(v, int)]
            if bad or not figures:
                raise LabError(f"{profile.path}: timing_options.{option}.{choice}: expected "
                               f"timing figures with integer cycles, got {figures!r}")
    return options


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text())
    except (yaml.YAMLError, OSError) as error:
        raise LabError(f"{path}: cannot read ({error})")
    if not isinstance(data, dict):
        raise LabError(f"{path}: expected a mapping at the top level")
    return data


def _get(data: dict, key: str, kind, path: Path):
    value = data.get(key)
    if not isinstance(value, kind):
        raise LabError(f"{path}: {key}: expected {kind.__name__}, got {value!r}")
    return value
