"""Fixtures for engine tests: build a test firmware (tests/firmware/<name>) and run it."""
from __future__ import annotations

from pathlib import Path

import pytest

from lab import platforms
from lab.build import build
from lab.engines.embedded.session import Session

FIRMWARE = Path(__file__).resolve().parent.parent / "firmware"


@pytest.fixture(scope="session")
def nrf52840():
    return platforms.load("nrf52840")


@pytest.fixture
def session_for(nrf52840):
    """session_for(name) -> a Session with tests/firmware/<name> loaded (not yet run)."""
    sessions = []

    def make(name: str) -> Session:
        built = build(str(FIRMWARE / name), nrf52840)
        session = Session(nrf52840, built.elf, app=name)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def run_firmware(session_for):
    """run_firmware(name, seconds) -> (RunResult, Session) after running to done/fault/timeout."""
    def run(name: str, seconds: float = 5.0):
        session = session_for(name)
        session.run(seconds)
        return session.result(), session

    return run


def run_to_done(platform, name: str, seconds: float = 5.0, **options):
    """The RunResult of tests/firmware/<name> on `platform` (any board, or one a test
    changed), run until it reports done; `options` go to the Session."""
    session = Session(platform, build(str(FIRMWARE / name), platform).elf, **options)
    try:
        session.run(seconds)
        result = session.result()
    finally:
        session.close()
    assert result.end == "done", result.uart
    return result


def event(result, name: str) -> dict:
    matches = result.events_named(name)
    assert matches, f"no @lab {name} event; UART was:\n{result.uart}"
    return matches[-1]


@pytest.fixture
def run_firmware_app(nrf52840):
    """run_firmware_app(app) -> (RunResult, Session) for an app under firmware/apps."""
    sessions = []

    def run(app: str, seconds: float = 10.0):
        built = build(app, nrf52840)
        session = Session(nrf52840, built.elf, app=app)
        sessions.append(session)
        session.run(seconds)
        return session.result(), session

    yield run
    for session in sessions:
        session.close()
