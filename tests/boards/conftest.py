"""Fixtures for board and device-model tests: a board from its platform file alone, an
idle firmware on it (virtual time passes while a test talks to a device on the bus the
way a controller does: start, sub-address, data, stop)."""
from __future__ import annotations

from pathlib import Path

import pytest

from lab import platforms
from lab.build import build
from lab.engines.embedded.session import Session

IDLE = Path(__file__).resolve().parent / "firmware" / "idle"


class Bus:
    """Register reads and writes as an I2C controller makes them."""

    def __init__(self, device, address: int):
        self.device, self.address = device, address

    def write(self, register: int, *values: int) -> None:
        assert self.device.i2c_start(self.address, read=False)
        self.device.i2c_write(self.address, register)
        for value in values:
            self.device.i2c_write(self.address, value)
        self.device.i2c_stop(self.address)

    def read(self, register: int, count: int = 1) -> list[int]:
        assert self.device.i2c_start(self.address, read=False)
        self.device.i2c_write(self.address, register)
        assert self.device.i2c_start(self.address, read=True)
        values = [self.device.i2c_read(self.address) for _ in range(count)]
        self.device.i2c_stop(self.address)
        return values

    def read1(self, register: int) -> int:
        return self.read(register)[0]


@pytest.fixture
def idle_board():
    """idle_board(platform) -> a Session of the idle firmware on that board."""
    sessions = []

    def make(name: str) -> Session:
        platform = platforms.load(name)
        session = Session(platform, build(str(IDLE), platform).elf, app="idle")
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


def imu_of(session):
    bus, _, name = session.platform.imu.partition(".")
    return session.machine.peripherals[bus].device(name)


def imu_buses(session, *addresses: int) -> tuple:
    """(session, a Bus per address) for the board's IMU (a chip may answer at two)."""
    device = imu_of(session)
    return (session, *(Bus(device, address) for address in addresses))


class ConstantFeed:
    """A constant motion (board frame) as lab.sensors feeds give it."""
    source = "constant"

    def __init__(self, value):
        self.values = value

    def value(self, index, seconds):
        return self.values


def int16(low: int, high: int) -> int:
    """An output register pair (little endian) as the signed value it holds."""
    value = low | high << 8
    return value - 0x10000 if value & 0x8000 else value


def xyz(raw: list[int]) -> list[int]:
    """Six output bytes (X, Y, Z low/high) as three int16."""
    return [int16(raw[i], raw[i + 1]) for i in (0, 2, 4)]
