"""The BMI270 model against its datasheet (BST-BMI270-DS000): identity, the
configuration-file upload, ODR, range scaling, data-ready, the FIFO's frames, over-read
and overflow, soft reset; on the Nano 33 BLE Sense Rev2 board file."""
import pytest

from .conftest import ConstantFeed, imu_buses, int16, xyz

CHIP_ID, STATUS, ACC_X_LSB, GYR_X_LSB = 0x00, 0x03, 0x0C, 0x12
INT_STATUS_1, INTERNAL_STATUS, FIFO_LENGTH_0, FIFO_DATA = 0x1D, 0x21, 0x24, 0x26
ACC_CONF, ACC_RANGE, GYR_CONF, GYR_RANGE = 0x40, 0x41, 0x42, 0x43
FIFO_CONFIG_0, FIFO_CONFIG_1 = 0x48, 0x49
INIT_CTRL, INIT_ADDR_0, INIT_ADDR_1, INIT_DATA = 0x59, 0x5B, 0x5C, 0x5E
PWR_CONF, PWR_CTRL, CMD = 0x7C, 0x7D, 0x7E


@pytest.fixture
def rev2(idle_board):
    return imu_buses(idle_board("nano33-rev2"), 0x68)


def upload(bus, size=8192, chunk=32):
    bus.write(INIT_CTRL, 0x00)
    for at in range(0, size, chunk):
        bus.write(INIT_ADDR_0, (at // 2) & 0x0F)
        bus.write(INIT_ADDR_1, (at // 2) >> 4)
        bus.write(INIT_DATA, *[(at + k) & 0xFF for k in range(min(chunk, size - at))])
    bus.write(INIT_CTRL, 0x01)


def start(session, bus, acc_conf=0x98, acc_range=0x01, fifo=0x40):
    bus.write(PWR_CONF, 0x00)
    upload(bus)
    session.run(0.02)
    assert bus.read1(INTERNAL_STATUS) & 0x0F == 0x01          # init_ok
    bus.write(ACC_CONF, acc_conf)
    bus.write(ACC_RANGE, acc_range)
    bus.write(FIFO_CONFIG_0, 0x00)
    bus.write(FIFO_CONFIG_1, fifo)
    bus.write(PWR_CTRL, 0x04)                                  # acc_en


def test_chip_id_is_read_only_and_reset_values(rev2):
    _, bus = rev2
    bus.write(CHIP_ID, 0x00)
    assert bus.read1(CHIP_ID) == 0x24
    assert bus.read(ACC_CONF, 4) == [0xA8, 0x02, 0xA9, 0x00]  # ACC_CONF .. GYR_RANGE
    assert bus.read1(PWR_CONF) == 0x03 and bus.read1(FIFO_CONFIG_1) == 0x10
    assert bus.read1(STATUS) == 0x10                          # cmd_rdy


def test_configuration_upload_is_accepted_only_when_complete(rev2):
    session, bus = rev2
    device = bus.device
    bus.write(PWR_CONF, 0x00)
    upload(bus)
    assert bus.read1(INTERNAL_STATUS) & 0x0F == 0x00          # not yet: 20 ms
    session.run(0.02)
    assert bus.read1(INTERNAL_STATUS) & 0x0F == 0x01          # init_ok
    assert bytes(device.config_image[:4]) == bytes([0, 1, 2, 3])
    assert device.config_image[8191] == 8191 & 0xFF            # words addressed by INIT_ADDR
    upload(bus, size=4096)                                     # half a file
    session.run(0.02)
    assert bus.read1(INTERNAL_STATUS) & 0x0F == 0x02          # init_err


def test_upload_with_advanced_power_save_on_fails(rev2):
    session, bus = rev2
    upload(bus)                                                # PWR_CONF left at 0x03
    session.run(0.02)
    assert bus.read1(INTERNAL_STATUS) & 0x0F == 0x02


def test_no_data_before_initialisation(rev2):
    session, bus = rev2
    bus.write(PWR_CTRL, 0x04)
    session.run(0.1)
    assert bus.device.produced_samples == 0


def test_odr_and_range_scale_the_accelerometer(rev2):
    session, bus = rev2
    bus.device.accel_feed = ConstantFeed((0.5, -0.25, 1.0))           # board frame, g
    start(session, bus, acc_conf=0x99, acc_range=0x00, fifo=0x00)   # 200 Hz, +-2 g
    session.run(1.0)
    assert bus.device.output_data_rate() == 200
    assert bus.device.produced_samples == 200
    raw = bus.read(ACC_X_LSB, 6)
    # the Rev2 mounts the chip with x = board -y, y = board -x: 16384 LSB per g at +-2 g
    assert xyz(raw) == [4096, -8192, 16384]
    bus.write(ACC_RANGE, 0x03)                                 # +-16 g: 2048 LSB/g
    session.run(0.01)
    raw = bus.read(ACC_X_LSB, 6)
    assert xyz(raw) == [512, -1024, 2048]


def test_data_ready_flags_clear_when_read(rev2):
    session, bus = rev2
    start(session, bus, fifo=0x00)
    session.run(0.011)
    assert bus.read1(STATUS) & 0x80                            # drdy_acc
    assert bus.read1(INT_STATUS_1) & 0x80                      # acc_drdy_int, clears on read
    assert bus.read1(INT_STATUS_1) & 0x80 == 0
    bus.read(ACC_X_LSB, 6)
    assert bus.read1(STATUS) & 0x80 == 0


def test_gyroscope_range(rev2):
    session, bus = rev2
    bus.device.gyro_feed = ConstantFeed((0.0, 0.0, 250.0))            # dps about the board's z
    start(session, bus, fifo=0x00)
    bus.write(GYR_CONF, 0x98)                                  # 100 Hz
    bus.write(GYR_RANGE, 0x03)                                 # +-250 dps: 131.072 LSB/dps
    bus.write(PWR_CTRL, 0x06)
    session.run(0.05)
    raw = bus.read(GYR_X_LSB, 6)
    assert int16(raw[4], raw[5]) == 32767                      # 250 dps saturates


def test_headerless_fifo_frames_and_over_read(rev2):
    session, bus = rev2
    bus.device.accel_feed = ConstantFeed((0.0, 0.0, 1.0))
    start(session, bus)                                        # acc only, headerless, 100 Hz
    session.run(0.1)
    length = bus.read(FIFO_LENGTH_0, 2)
    assert length[0] | length[1] << 8 == 10 * 6                # ten 6-byte frames
    frame = bus.read(FIFO_DATA, 6)                             # burst stays on FIFO_DATA
    assert xyz(frame) == [0, 0, 8192]
    bus.read(FIFO_DATA, 54)
    assert bus.read(FIFO_LENGTH_0, 2) == [0, 0]
    assert bus.read(FIFO_DATA, 4) == [0x00, 0x80, 0x00, 0x80]  # 0x8000 per axis


def test_header_mode_frames_and_sensortime(rev2):
    session, bus = rev2
    start(session, bus, fifo=0xD0)                             # gyr + acc, header mode
    bus.write(GYR_CONF, 0x98)
    bus.write(FIFO_CONFIG_0, 0x02)                             # fifo_time_en
    bus.write(PWR_CTRL, 0x06)
    session.run(0.025)
    data = bus.read(FIFO_DATA, 2 * 13 + 4 + 1)
    assert data[0] == 0x8C and data[13] == 0x8C                # acc + gyr frames
    assert data[26] == 0x44                                    # then the sensortime frame
    assert data[30] == 0x80                                    # then over-read


def test_fifo_overflow_streams_or_stops(rev2):
    session, bus = rev2
    start(session, bus, acc_conf=0x9C)                         # 1600 Hz fills 6 KiB in 0.64 s
    session.run(1.0)
    assert bus.device.dropped_samples == 1600 - 1024
    assert bus.read1(INT_STATUS_1) & 0x01                      # ffull_int
    length = bus.read(FIFO_LENGTH_0, 2)
    assert length[0] | length[1] << 8 == 6144


def test_soft_reset_restores_defaults_and_needs_a_new_upload(rev2):
    session, bus = rev2
    start(session, bus)
    bus.write(CMD, 0xB6)
    assert bus.read(ACC_CONF, 2) == [0xA8, 0x02]
    assert bus.read1(INTERNAL_STATUS) & 0x0F == 0x00
    produced = bus.device.produced_samples
    session.run(0.1)
    assert bus.device.produced_samples == produced
