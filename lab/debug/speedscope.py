"""`lab profile ... --speedscope FILE.json`: cycles per function in speedscope's file
format (https://www.speedscope.app/file-format-schema.json), a "sampled" profile.

The lab's profile counts cycles per translated block, summed per function: flat, with
no call stacks. Each function is therefore one sample whose stack is the function alone
and whose weight is its cycles; speedscope's "Left Heavy" and "Sandwich" views then
rank the functions by cycles.
"""
from __future__ import annotations

import json
from pathlib import Path

SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def document(rows: list, name: str) -> dict:
    """rows: [[function, cycles, instructions, blocks run]] as lab.profile.functions
    gives them."""
    rows = [row for row in rows if row[1] > 0]
    frames = [{"name": row[0]} for row in rows]
    total = sum(row[1] for row in rows)
    return {
        "$schema": SCHEMA,
        "name": name,
        "exporter": "Virtual MCU Lab",
        "activeProfileIndex": 0,
        "shared": {"frames": frames},
        "profiles": [{
            "type": "sampled", "name": f"{name}: cycles per function", "unit": "none",
            "startValue": 0, "endValue": total,
            "samples": [[index] for index in range(len(rows))],
            "weights": [row[1] for row in rows],
        }],
    }


def write(path: Path, rows: list, name: str) -> None:
    Path(path).write_text(json.dumps(document(rows, name), indent=1) + "\n")
