"""Fixtures for the runtime tests: converted models cached for the session, and a
summary of oracle comparisons and arena sizes at the end of the run."""
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import runtime_results  # noqa: E402
from runtime_model_zoo import ModelSpec, convert  # noqa: E402


@pytest.fixture(scope="session")
def tflite_model():
    """tflite_model(spec) -> .tflite bytes, converted once per session."""
    cache: dict[str, bytes] = {}

    def get(spec: ModelSpec) -> bytes:
        if spec.name not in cache:
            cache[spec.name] = convert(spec)
        return cache[spec.name]
    return get


def pytest_terminal_summary(terminalreporter):
    for line in runtime_results.summary_lines():
        terminalreporter.write_line(line)
