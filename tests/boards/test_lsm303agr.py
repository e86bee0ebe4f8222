"""The LSM303AGR model against its datasheet (DocID027765): identities, the output's
left-justified resolution per mode and scale, ODR, data-ready and overrun, the 32-sample
FIFO's modes, BOOT, the magnetometer's registers; on the micro:bit v2 board file."""
import pytest

from .conftest import ConstantFeed, imu_buses, xyz

WHO_AM_I_A, CTRL_REG1_A, CTRL_REG4_A, CTRL_REG5_A = 0x0F, 0x20, 0x23, 0x24
STATUS_REG_A, OUT_X_L_A, FIFO_CTRL_REG_A, FIFO_SRC_REG_A = 0x27, 0x28, 0x2E, 0x2F
WHO_AM_I_M, CFG_REG_A_M, INT_CTRL_REG_M, OUTX_L_REG_M = 0x4F, 0x60, 0x63, 0x68
AUTO = 0x80


@pytest.fixture
def microbit(idle_board):
    return imu_buses(idle_board("microbit-v2"), 0x19, 0x1E)


def test_identities_and_reset_values(microbit):
    _, accel, mag = microbit
    assert accel.read1(WHO_AM_I_A) == 0x33 and mag.read1(WHO_AM_I_M) == 0x40
    assert accel.read1(CTRL_REG1_A) == 0x07                    # X, Y, Z enabled, power-down
    assert mag.read1(CFG_REG_A_M) == 0x03 and mag.read1(INT_CTRL_REG_M) == 0xE0
    assert accel.read1(FIFO_SRC_REG_A) == 0x20                 # EMPTY


@pytest.mark.parametrize("ctrl1, ctrl4, expected_z", [
    (0x57, 0x08, 1020 << 4),     # high resolution +-2 g: 0.98 mg/digit, 12 bits
    (0x57, 0x18, 513 << 4),      # high resolution +-4 g: 1.95 mg/digit
    (0x57, 0x10, 128 << 6),      # normal +-4 g: 7.82 mg/digit, 10 bits
    (0x5F, 0x10, 32 << 8),       # low power +-4 g: 31.26 mg/digit, 8 bits
])
def test_resolution_per_mode_and_scale(microbit, ctrl1, ctrl4, expected_z):
    session, accel, _ = microbit
    accel.device.accel_feed = ConstantFeed((0.0, 0.0, -1.0))          # board z = -chip z
    accel.write(CTRL_REG4_A, ctrl4)
    accel.write(CTRL_REG1_A, ctrl1)
    session.run(0.02)
    assert xyz(accel.read(OUT_X_L_A | AUTO, 6)) == [0, 0, expected_z]


def test_output_data_rate_data_ready_and_overrun(microbit):
    session, accel, _ = microbit
    accel.write(CTRL_REG1_A, 0x47)                             # 50 Hz
    session.run(1.0)
    assert accel.device.produced_samples == 50
    assert accel.read1(STATUS_REG_A) == 0xFF                   # ZYXDA and ZYXOR
    accel.read(OUT_X_L_A | AUTO, 6)
    assert accel.read1(STATUS_REG_A) == 0x00
    assert accel.device.dropped_samples == 49


def test_fifo_stream_mode_keeps_the_newest_32(microbit):
    session, accel, _ = microbit
    accel.write(CTRL_REG1_A, 0x57)
    accel.write(CTRL_REG5_A, 0x40)                             # FIFO_EN
    accel.write(FIFO_CTRL_REG_A, 0x80 | 10)                    # stream, FTH 10
    session.run(0.105)
    assert accel.read1(FIFO_SRC_REG_A) == 10                   # 10 samples: not above FTH
    session.run(0.01)
    assert accel.read1(FIFO_SRC_REG_A) == 0x80 | 11            # WTM: content exceeds FTH
    session.run(0.49)
    assert accel.read1(FIFO_SRC_REG_A) == 0x80 | 0x40 | 31     # full: OVRN_FIFO
    assert accel.device.dropped_samples == 60 - 32
    accel.read(OUT_X_L_A | AUTO, 6)                            # pops one
    assert accel.read1(FIFO_SRC_REG_A) & 0x5F == 0x00 | 31


def test_fifo_mode_stops_when_full_and_bypass_empties(microbit):
    session, accel, _ = microbit
    accel.device.accel_feed = ConstantFeed((0.0, 0.0, -1.0))
    accel.write(CTRL_REG4_A, 0x18)
    accel.write(CTRL_REG1_A, 0x57)
    accel.write(CTRL_REG5_A, 0x40)
    accel.write(FIFO_CTRL_REG_A, 0x40)                         # FIFO mode
    session.run(0.5)
    assert accel.read1(FIFO_SRC_REG_A) & 0x40
    assert xyz(accel.read(OUT_X_L_A | AUTO, 6)) == [0, 0, 513 << 4]
    accel.write(FIFO_CTRL_REG_A, 0x00)                         # bypass
    assert accel.read1(FIFO_SRC_REG_A) == 0x20


def test_boot_restores_defaults_and_magnetometer_soft_reset(microbit):
    session, accel, mag = microbit
    accel.write(CTRL_REG1_A, 0x57)
    accel.write(CTRL_REG5_A, 0x80)                             # BOOT
    assert accel.read1(CTRL_REG1_A) == 0x07
    mag.write(CFG_REG_A_M, 0x0C)                               # ODR 100 Hz, continuous
    assert mag.read1(CFG_REG_A_M) == 0x0C
    mag.write(CFG_REG_A_M, 0x20)                               # SOFT_RST
    assert mag.read1(CFG_REG_A_M) == 0x03
    assert mag.read(OUTX_L_REG_M, 6) == [0] * 6                # no field modelled
