"""Scenarios: what to run, on what, with which data, and what must hold.

scenarios/<name>.yaml is validated against SCHEMA; an error names the file, the line
and the field. A scenario names an app, the platforms it runs on, optionally a model
and data (files or folders: labels from a Speech Commands-style layout or a
manifest), a timeout in virtual seconds, and expectations checked on the results.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from .errors import LabError
from .results import Check
from .platforms import ROOT

SCENARIO_DIR = ROOT / "scenarios"

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "app", "platforms"],
    "properties": {
        "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
        "description": {"type": "string"},
        "app": {"type": "string"},
        "platforms": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "model": {"type": "string"},
        "defines": {"type": "array", "items": {"type": "string"}},
        "timeout": {"type": "number", "exclusiveMinimum": 0},
        "data": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "audio": {"type": "string"},
                "imu": {"type": "string"},
                "manifest": {"type": "string"},
            },
        },
        "expect": {"type": "object"},    # GENERIC_EXPECT + the app's own (lab.apps)
    },
}

# Expectations every run can have; an app's analyzer adds its own (its EXPECT).
GENERIC_EXPECT = {
    "cycles_below": {"type": "object",
                     "additionalProperties": {"type": "integer", "minimum": 1}},
    "flash_below": {"type": "integer", "minimum": 1},
    "ram_below": {"type": "integer", "minimum": 1},
    "arena_below": {"type": "integer", "minimum": 1},
    # at most this many bytes: the stack high-water, newlib's heap high-water, and the
    # RAM the run used (static data + stack high-water + heap high-water)
    "stack_bytes": {"type": "integer", "minimum": 0},
    "heap_bytes": {"type": "integer", "minimum": 0},
    "ram_bytes": {"type": "integer", "minimum": 0},
    "dropped_samples": {"type": "integer", "minimum": 0},
    "no_fault": {"type": "boolean"},
    "finishes": {"type": "boolean"},
    "uart_contains": {"type": "array", "items": {"type": "string"}},
}


def schema_for(app: str) -> dict:
    """SCHEMA with `expect` limited to the generic expectations and the app's own."""
    from .apps import analyzer
    app_analyzer = analyzer(app)
    properties = {**GENERIC_EXPECT, **(getattr(app_analyzer, "EXPECT", {}) or {})}
    # `on_platform: {board: {...}}`: the same expectations, for one board (its limits)
    per_board = {"type": "object", "additionalProperties": False, "properties": properties}
    properties = {**properties, "on_platform": {"type": "object",
                                                "additionalProperties": per_board}}
    expect = {"type": "object", "additionalProperties": False, "properties": properties}
    return {**SCHEMA, "properties": {**SCHEMA["properties"], "expect": expect}}


@dataclass
class Scenario:
    name: str
    app: str
    platforms: list[str]
    path: Path | None = None
    description: str = ""
    model: Path | None = None
    defines: list[str] = field(default_factory=list)
    timeout: float | None = None
    audio: Path | None = None
    imu: Path | None = None
    manifest: Path | None = None
    expect: dict = field(default_factory=dict)


def available() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def find(name_or_path: str) -> Path | None:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = SCENARIO_DIR / f"{name_or_path}.yaml"
    return candidate if candidate.exists() else None


def load(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise LabError(f"{path}: cannot read ({error.strerror})")
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise LabError(f"{path}{where}: not valid YAML ({getattr(error, 'problem', error)})")
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if not errors:       # the expectations the scenario's app can check
        errors = sorted(jsonschema.Draft202012Validator(schema_for(data["app"])).iter_errors(data),
                        key=lambda e: list(e.absolute_path))
    if errors:
        raise LabError(_describe(path, node, errors[0]))
    return _scenario(data, path)


def _describe(path: Path, node, error) -> str:
    field_path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field_path, message = field_path + extra[:1], f"unknown field (allowed: " \
            f"{', '.join(sorted(error.schema.get('properties', {})))})"
    elif error.validator == "required":
        message = error.message
    else:
        message = error.message
    line = _line_of(node, field_path)
    name = ".".join(str(p) for p in field_path) or "(top level)"
    return f"{path}:{line}: {name}: {message}"


def _line_of(node, field_path) -> int:
    """1-based line of the YAML node at `field_path` (or of its closest parent)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in field_path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == key), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and \
                key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _scenario(data: dict, path: Path) -> Scenario:
    def resolve(value):
        if value is None:
            return None
        candidate = Path(value)
        return candidate if candidate.is_absolute() else ROOT / candidate

    items = data.get("data", {}) or {}
    scenario = Scenario(
        name=data["name"], app=data["app"], platforms=list(data["platforms"]), path=path,
        description=data.get("description", ""), model=resolve(data.get("model")),
        defines=list(data.get("defines", [])), timeout=data.get("timeout"),
        audio=resolve(items.get("audio")), imu=resolve(items.get("imu")),
        manifest=resolve(items.get("manifest")), expect=dict(data.get("expect", {}) or {}))
    for what in ("model", "audio", "imu", "manifest"):
        value = getattr(scenario, what)
        if value is not None and not value.exists():
            raise LabError(f"{path}: {what}: {value} does not exist")
    return scenario


# ------------------------------------------------------------------ expectations
def check(expect: dict, result) -> list[Check]:
    """Evaluate a scenario's expectations on a RunResult: the generic ones here, the
    app's own by its analyzer (lab.apps)."""
    from .apps import analyzer
    expect = {**{k: v for k, v in expect.items() if k != "on_platform"},
              **(expect.get("on_platform", {}).get(result.platform, {}))}
    checks = _generic_checks(expect, result)
    app_analyzer = analyzer(result.app)
    if app_analyzer is not None:
        checks += app_analyzer.checks(expect, result)
    return checks


def used_memory(result) -> dict:
    """Bytes the run used, as the engine measured them: stack and heap high-water, and
    RAM (static data + both); None where unknown (another engine, an ELF without the
    linker script's symbols)."""
    memory = result.memory or {}
    stack = memory.get("high_water")
    heap = (memory.get("heap") or {}).get("high_water")
    static = result.firmware.get("ram")
    known = None not in (stack, heap, static)
    return {"stack": stack, "heap": heap, "ram": static + stack + heap if known else None}


def _used_memory_checks(expect: dict, result) -> list[Check]:
    used, checks = used_memory(result), []
    for what in ("stack", "heap", "ram"):
        limit = expect.get(f"{what}_bytes")
        if limit is not None:
            value = used[what]
            checks.append(Check(f"{what} bytes used", value is not None and value <= limit,
                                f"<= {limit}", Check.format(value)))
    return checks


def _generic_checks(expect: dict, result) -> list[Check]:
    checks = []
    if expect.get("no_fault", True):
        fault = result.fault.summary() if result.fault else "none"
        checks.append(Check("no fault", result.fault is None and result.end != "fault",
                            "no fault", fault if result.fault else result.end))
    if expect.get("finishes", True):
        checks.append(Check("run finishes", result.end == "done", "done", result.end))
    stages = result.stages
    for stage, limit in expect.get("cycles_below", {}).items():
        worst = (stages.get(stage) or {}).get("max")
        checks.append(Check(f"cycles of {stage}", worst is not None and worst < limit,
                            f"< {limit}", Check.format(worst)))
    memory = {"flash": result.firmware.get("flash"), "ram": result.firmware.get("ram"),
              "arena": result.arena}
    for what in ("flash", "ram", "arena"):
        if f"{what}_below" in expect:
            value = memory[what]
            checks.append(Check(f"{what} bytes", value is not None and
                                value < expect[f"{what}_below"],
                                f"< {expect[f'{what}_below']}", Check.format(value)))
    checks += _used_memory_checks(expect, result)
    if "dropped_samples" in expect:
        dropped = result.dropped_samples
        checks.append(Check("dropped samples", dropped <= expect["dropped_samples"],
                            f"<= {expect['dropped_samples']}", str(dropped)))
    for text in expect.get("uart_contains", []):
        checks.append(Check(f"UART shows {text!r}", text in result.uart, "present",
                            "present" if text in result.uart else "absent"))
    return checks
