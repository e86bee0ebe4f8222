"""The LSM6DS3TR-C model against its datasheet (DocID030071): identity, IF_INC, ODR and
full-scale sensitivities, data-ready, the FIFO's data sets, status and modes, software
reset; on the Seeed XIAO nRF52840 Sense board file."""
import pytest

from .conftest import ConstantFeed, imu_buses, int16, xyz

WHO_AM_I, FIFO_CTRL1, FIFO_CTRL3, FIFO_CTRL5 = 0x0F, 0x06, 0x08, 0x0A
CTRL1_XL, CTRL2_G, CTRL3_C, STATUS_REG = 0x10, 0x11, 0x12, 0x1E
OUTX_L_G, OUTX_L_XL = 0x22, 0x28
FIFO_STATUS1, FIFO_STATUS2, FIFO_STATUS3, FIFO_DATA_OUT_L = 0x3A, 0x3B, 0x3C, 0x3E


@pytest.fixture
def xiao(idle_board):
    return imu_buses(idle_board("xiao-sense"), 0x6A)


def test_identity_and_reset_values(xiao):
    _, bus = xiao
    bus.write(WHO_AM_I, 0)
    assert bus.read1(WHO_AM_I) == 0x6A
    assert bus.read1(CTRL3_C) == 0x04                          # IF_INC
    assert bus.read1(0x18) == 0xE0                             # CTRL9_XL
    assert bus.read(FIFO_STATUS1, 2) == [0x00, 0x10]           # empty


@pytest.mark.parametrize("fs_bits, counts_per_g", [(0b00, 16393), (0b10, 8197),
                                                   (0b11, 4098), (0b01, 2049)])
def test_accelerometer_full_scales(xiao, fs_bits, counts_per_g):
    session, bus = xiao
    bus.device.accel_feed = ConstantFeed((0.0, 0.0, 1.0))
    bus.write(CTRL1_XL, 0x40 | fs_bits << 2)                   # 104 Hz
    session.run(0.02)
    assert xyz(bus.read(OUTX_L_XL, 6)) == [0, 0, counts_per_g]


def test_output_data_rate_and_data_ready(xiao):
    session, bus = xiao
    bus.write(CTRL1_XL, 0x30)                                  # 52 Hz
    session.run(1.0)
    assert bus.device.produced_samples == 52
    assert bus.read1(STATUS_REG) & 0x01                        # XLDA
    bus.read(OUTX_L_XL, 6)
    assert bus.read1(STATUS_REG) & 0x01 == 0


def test_gyroscope_sensitivity(xiao):
    session, bus = xiao
    bus.device.gyro_feed = ConstantFeed((70.0, -35.0, 0.0))
    bus.write(CTRL2_G, 0x4C)                                   # 104 Hz, 2000 dps: 70 mdps/LSB
    session.run(0.02)
    assert xyz(bus.read(OUTX_L_G, 6)) == [1000, -500, 0]


def test_fifo_data_sets_gyro_then_accelerometer(xiao):
    session, bus = xiao
    bus.device.accel_feed = ConstantFeed((0.0, 0.0, 1.0))
    bus.device.gyro_feed = ConstantFeed((35.0, 0.0, 0.0))
    bus.write(CTRL1_XL, 0x48)                                  # 104 Hz, +-4 g
    bus.write(CTRL2_G, 0x4C)
    bus.write(FIFO_CTRL3, 0x09)                                # gyro and XL, no decimation
    bus.write(FIFO_CTRL5, 0x26)                                # 104 Hz, continuous
    session.run(0.1)
    status = bus.read(FIFO_STATUS1, 2)
    assert status[0] | (status[1] & 7) << 8 == 10 * 6
    assert bus.read1(FIFO_STATUS3) == 0                        # next: gyro X
    words = [int16(*bus.read(FIFO_DATA_OUT_L, 2)) for _ in range(6)]
    assert words == [500, 0, 0, 0, 0, 8197]


def test_fifo_mode_stops_and_continuous_mode_overwrites(xiao):
    session, bus = xiao
    bus.write(CTRL1_XL, 0x80)                                  # 1.66 kHz
    bus.write(FIFO_CTRL3, 0x01)
    bus.write(FIFO_CTRL5, 0x41)                                # FIFO mode
    session.run(1.0)
    assert bus.read(FIFO_STATUS1, 2)[1] & 0x40                 # OVER_RUN
    status = bus.read(FIFO_STATUS1, 2)
    assert status[0] | (status[1] & 7) << 8 == 2046            # 682 sets of 3 words
    assert bus.device.dropped_samples == 1660 - 682
    bus.write(FIFO_CTRL5, 0x00)                                # bypass empties it
    assert bus.read(FIFO_STATUS1, 2) == [0x00, 0x10]


def test_watermark(xiao):
    session, bus = xiao
    bus.write(CTRL1_XL, 0x40)
    bus.write(FIFO_CTRL3, 0x01)
    bus.write(FIFO_CTRL1, 30)                                  # FTH: 30 words
    bus.write(FIFO_CTRL5, 0x26)
    session.run(0.09)                                          # 9 sets: 27 words
    assert bus.read1(FIFO_STATUS2) & 0x80 == 0
    session.run(0.01)
    assert bus.read1(FIFO_STATUS2) & 0x80                      # WaterM


def test_software_reset(xiao):
    session, bus = xiao
    bus.write(CTRL1_XL, 0x48)
    bus.write(CTRL3_C, 0x45)                                   # BDU, IF_INC, SW_RESET
    assert bus.read1(CTRL3_C) == 0x04 and bus.read1(CTRL1_XL) == 0
    produced = bus.device.produced_samples
    session.run(0.1)
    assert bus.device.produced_samples == produced
