"""What each example app's run means: app-specific analysis of a finished run.

An analyzer module has `analyze(session, result)`, which adds the app's results to
result.extras (shared by `lab run`, `--json`, scenarios, reports and Robot), and
`summary(result) -> list[str]`, the lines `lab run` prints after the UART.
"""
from __future__ import annotations

import importlib

ANALYZERS = {"hello_world": "hello_world", "micro_speech": "micro_speech",
             "magic_wand": "magic_wand"}


def analyzer(app: str):
    name = ANALYZERS.get(app)
    return importlib.import_module(f"{__name__}.{name}") if name else None
