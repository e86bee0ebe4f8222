"""Fixtures for the optimized-kernel tests: the helpers of tests/runtime (model
building, the TFLite Micro oracle) on the import path, host models of either
runtime variant, and a summary of comparisons and cycle counts at the end."""
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))

import optimized_results  # noqa: E402


def pytest_terminal_summary(terminalreporter):
    for line in optimized_results.summary_lines():
        terminalreporter.write_line(line)
