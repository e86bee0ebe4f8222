"""The BMM150 model against its datasheet (BST-BMM150-DS001): suspend mode hides every
register but power control, CHIP_ID 0x32 once powered, soft reset, normal mode at its
data rate and forced mode once, data-ready cleared by reading the data; on the Nano 33
BLE Sense Rev2's internal bus at 0x10."""
import pytest

from .conftest import Bus

CHIP_ID, DATAX_LSB, RHALL_LSB, POWER_CONTROL, OP_MODE, INT_CONFIG = \
    0x40, 0x42, 0x48, 0x4B, 0x4C, 0x4E


@pytest.fixture
def rev2_magnetometer(idle_board):
    session = idle_board("nano33-rev2")
    return session, Bus(session.machine.peripherals["twim0"].device("magnetometer"), 0x10)


def test_suspend_mode_reads_zero_until_powered(rev2_magnetometer):
    _, bus = rev2_magnetometer
    assert bus.read1(CHIP_ID) == 0x00
    bus.write(OP_MODE, 0x00)                                    # ignored in suspend
    bus.write(POWER_CONTROL, 0x01)
    assert bus.read1(CHIP_ID) == 0x32
    assert bus.read1(OP_MODE) == 0x06                           # sleep mode
    assert bus.read1(INT_CONFIG) == 0x07


def test_soft_reset_keeps_power_and_restores_defaults(rev2_magnetometer):
    _, bus = rev2_magnetometer
    bus.write(POWER_CONTROL, 0x01)
    bus.write(OP_MODE, 0x28)                                    # 20 Hz, normal
    bus.write(POWER_CONTROL, 0x83)                              # soft reset bits 7 and 1
    assert bus.read1(POWER_CONTROL) == 0x01
    assert bus.read1(OP_MODE) == 0x06


def test_normal_mode_measures_at_the_data_rate_and_forced_mode_once(rev2_magnetometer):
    session, bus = rev2_magnetometer
    device = bus.device
    bus.write(POWER_CONTROL, 0x01)
    bus.write(OP_MODE, 0x28)                                    # data rate 101: 20 Hz, normal
    session.run(1.0)
    assert device.measurements == 20
    assert bus.read1(RHALL_LSB) & 0x01                          # data ready
    assert bus.read(DATAX_LSB, 8)[:6] == [0] * 6                # no field modelled
    assert bus.read1(RHALL_LSB) & 0x01 == 0
    bus.write(OP_MODE, 0x02)                                    # forced
    session.run(0.5)
    assert device.measurements == 21
    assert bus.read1(OP_MODE) & 0x06 == 0x06                    # back to sleep
