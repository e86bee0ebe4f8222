"""The one results model: what a run did. The CLI, reports and the Robot library all
read and write RunResult, and `lab run --json` prints RunResult.to_dict()."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

END_DONE, END_FAULT, END_TIMEOUT, END_EXIT = "done", "fault", "timeout", "exit"


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
class RunResult:
    platform: str
    app: str
    engine: str
    end: str                          # done | fault | timeout | exit
    virtual_s: float
    instructions: int
    cycles: int                       # cycles the core executed (sleep excluded)
    uart: str
    events: list[dict] = field(default_factory=list)
    fault: FaultReport | None = None
    exit_code: int | None = None
    firmware: dict = field(default_factory=dict)   # elf, flash, ram
    wall_s: float = 0.0
    extras: dict = field(default_factory=dict)     # app- and board-specific results

    @property
    def ok(self) -> bool:
        return self.end == END_DONE

    def events_named(self, name: str) -> list[dict]:
        return [e for e in self.events if e["event"] == name]

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(data.pop("extras"))
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)
