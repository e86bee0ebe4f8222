"""The one results model: what a run did, as data.

The engine fills a RunResult at the end of a run with everything analysis needs (the
UART, the parsed events, what each sensor stream delivered and when, LED traces, the
layout of the inputs). App analyzers, checks and reports are functions of it, so
`result.json` alone rebuilds them (`lab report DIR`). The CLI, reports and the Robot
library all read RunResult; `lab run --json` prints RunResult.to_dict().
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from .protocol import stage_cycles

END_DONE, END_FAULT, END_TIMEOUT, END_EXIT = "done", "fault", "timeout", "exit"
END_ERROR = "error"                 # the firmware reported `@lab error`
END_INTERRUPTED = "interrupted"     # Ctrl-C: what ran is kept


@dataclass
class FaultReport:
    kind: str                 # "HardFault (escalated from UsageFault)", "Lockup", ...
    reasons: list[str]        # status bits: ["INVSTATE", "FORCED"]
    pc: int
    lr: int
    pc_function: str | None
    lr_function: str | None
    cfsr: int
    hfsr: int
    mmfar: int | None
    bfar: int | None
    detail: str
    virtual_s: float

    def summary(self) -> str:
        where = f"PC 0x{self.pc:08X}" + (f" in {self.pc_function}" if self.pc_function else "")
        caller = f"LR 0x{self.lr:08X}" + (f" in {self.lr_function}" if self.lr_function else "")
        reasons = ", ".join(self.reasons) or "no status bits"
        text = f"{self.kind} [{reasons}] at {where}, {caller}; CFSR=0x{self.cfsr:08X} " \
               f"HFSR=0x{self.hfsr:08X}"
        if self.bfar is not None:
            text += f" BFAR=0x{self.bfar:08X}"
        if self.mmfar is not None:
            text += f" MMFAR=0x{self.mmfar:08X}"
        if self.detail:
            text += f" ({self.detail})"
        return text


@dataclass
class Stream:
    """What one sensor delivered to the board, on the virtual clock."""
    source: str                       # the file or folder it played
    rate_hz: float | None             # samples per second as the firmware configured it
    start_s: float | None             # virtual time the stream started (None: never)
    samples: int                      # samples the sensor produced
    dropped: int                      # samples the firmware did not collect in time
    busy_cycles_at_start: int | None = None   # core cycles executed when it started
    recording: str | None = None      # file in the results folder with what it delivered


@dataclass
class RunResult:
    platform: str
    app: str
    engine: str
    end: str                          # done | fault | timeout | exit | error | interrupted
    virtual_s: float
    instructions: int
    cycles: int                       # cycles the core executed (sleep excluded)
    uart: str
    events: list[dict] = field(default_factory=list)
    fault: FaultReport | None = None
    exit_code: int | None = None
    firmware: dict = field(default_factory=dict)   # elf, flash, ram
    wall_s: float = 0.0
    clock_hz: int = 0
    resets: int = 0
    streams: dict[str, Stream] = field(default_factory=dict)         # "audio", "imu"
    leds: dict[str, list[list[float]]] = field(default_factory=dict)  # name: [[t, level]]
    matrix: list = field(default_factory=list)   # LED matrix: [[t, [brightness per LED]]]
    inputs: dict = field(default_factory=dict)     # the plan's layout: clips, own_data
    analysis: dict = field(default_factory=dict)   # {app: its analyzer's typed results}
    profile: list = field(default_factory=list)    # [[function, cycles, instructions, blocks]]
    units: list = field(default_factory=list)      # a data set run as units: each unit's result
    timing: str = "cycles"            # cycles: the core's timing model; instructions: 1 each
    energy: dict = field(default_factory=dict)     # lab.energy.estimate, if the part has figures
    # stack and heap use as the engine measured it (lab.engines.embedded.stack):
    # reserve, high_water, margin, warning, phases {name: {count, max, min}}, heap
    memory: dict = field(default_factory=dict)
    # What the sensors delivered, as arrays (written next to result.json, not into it):
    # "audio": (int16 samples, rate), "imu": (times s, acceleration g (n, 3)).
    recordings: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.end == END_DONE

    def events_named(self, name: str) -> list[dict]:
        return [e for e in self.events if e["event"] == name]

    @property
    def stages(self) -> dict:
        """{stage: {min, median, max, count}} of the cycle counts the firmware reported."""
        return summarize_stages(stage_cycles(self.events))

    @property
    def arena(self) -> int | None:
        """The tensor arena the firmware's runtime reported (`@lab model arena=`)."""
        models = self.events_named("model")
        return models[-1].get("arena") if models else None

    @property
    def arena_usage(self) -> dict | None:
        """The arena's parts (`@lab arena`: activations, kernel scratch, tables, per-op
        data), as lab.runtime.ArenaUsage.from_event reads them."""
        reports = self.events_named("arena")
        return {k: v for k, v in reports[-1].items() if k not in ("event", "t")} \
            if reports else None

    @property
    def dropped_samples(self) -> int:
        return sum(stream.dropped for stream in self.streams.values())

    @property
    def clips(self) -> list[dict]:
        return self.inputs.get("clips", [])

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "recordings"}
        data["fault"] = asdict(self.fault) if self.fault else None
        data["streams"] = {name: asdict(s) for name, s in self.streams.items()}
        data["stages"] = self.stages
        data["arena"] = self.arena
        data["arena_usage"] = self.arena_usage
        return data

    def _repr_html_(self) -> str:
        """Jupyter's view of a run: the report's tables and plots (lab.api)."""
        from .api import result_html
        return result_html(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict) -> "RunResult":
        """The result a run wrote (result.json), for analysis and reports elsewhere."""
        known = {f.name for f in fields(cls)} - {"recordings"}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("fault"):
            values["fault"] = FaultReport(**values["fault"])
        values["streams"] = {name: Stream(**s) for name, s in (values.get("streams") or {}).items()}
        return cls(**values)


def summarize_stages(per_stage: dict[str, list[int]]) -> dict:
    """{stage: {min, median, max, count}} for stages with measurements."""
    out = {}
    for stage, values in per_stage.items():
        if values:
            ordered = sorted(values)
            out[stage] = {"min": ordered[0], "median": ordered[len(ordered) // 2],
                          "max": ordered[-1], "count": len(ordered)}
    return out


@dataclass
class Check:
    """One expectation evaluated on a run."""
    name: str
    passed: bool
    expected: str
    actual: str

    def line(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        return f"{mark} {self.name}: expected {self.expected}, got {self.actual}"

    @staticmethod
    def format(value) -> str:
        if value is None:
            return "nothing"
        return f"{value:.4f}" if isinstance(value, float) else str(value)
