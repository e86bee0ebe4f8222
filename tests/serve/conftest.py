"""Fixtures for the `lab serve` tests: one server for the session, and ELFs to upload."""
from __future__ import annotations

import pytest

from serving import ROOT, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the API and browser tests (uploads up to 2 MB)."""
    data = tmp_path_factory.mktemp("serve-data")
    running = start_server(data, "--max-upload", "2")
    print(f"\nlab serve answered {running.start_s:.2f} s after it was started")
    yield running
    stop_server(running.process)


@pytest.fixture(scope="session")
def faulting_elf():
    """tests/firmware/null_call: calls through a NULL pointer (a HardFault)."""
    from lab import build, platforms
    return build.build(str(ROOT / "tests" / "firmware" / "null_call"),
                       platforms.load("nrf52840")).elf


@pytest.fixture(scope="session")
def spinning_elf():
    """tests/firmware/silent: spins forever without a word."""
    from lab import build, platforms
    return build.build(str(ROOT / "tests" / "firmware" / "silent"),
                       platforms.load("nrf52840")).elf


@pytest.fixture(scope="session")
def hello_elf():
    from lab import build, platforms
    return build.build("hello", platforms.load("nrf52840")).elf
