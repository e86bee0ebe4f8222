"""The nRF52 SAADC model against the Product Specification's SAADC chapter: the RESULT
formula (gain, reference, resolution, single-ended / differential), EasyDMA buffers,
continuous sampling from the internal timer, task-mode oversampling, samples lost
between buffers, and the micro:bit v2's microphone on AIN3 behind its enable pin."""
import numpy as np
import pytest

from lab.sensors.audio import AudioFeed

TASKS_START, TASKS_SAMPLE, TASKS_STOP = 0x000, 0x004, 0x008
EVENTS_STARTED, EVENTS_END, EVENTS_DONE, EVENTS_STOPPED = 0x100, 0x104, 0x108, 0x114
ENABLE, CH0_PSELP, CH0_PSELN, CH0_CONFIG = 0x500, 0x510, 0x514, 0x518
RESOLUTION, OVERSAMPLE, SAMPLERATE = 0x5F0, 0x5F4, 0x5F8
RESULT_PTR, RESULT_MAXCNT, RESULT_AMOUNT = 0x62C, 0x630, 0x634
BUFFER = 0x20010000
VDD, AIN3 = 9, 4
GAIN_1_6, GAIN_1_4, GAIN_1 = 0 << 8, 2 << 8, 5 << 8
REFSEL_VDD_4, MODE_DIFF = 1 << 12, 1 << 20


@pytest.fixture
def board(idle_board):
    session = idle_board("microbit-v2")
    saadc = session.machine.peripherals["saadc"]

    def write(offset, value):
        saadc.write(offset, 4, value)

    def read(offset):
        return saadc.read(offset, 4)

    def results(count):
        data = bytes(session.machine.uc.mem_read(BUFFER, 2 * count))
        return list(np.frombuffer(data, dtype="<i2"))

    write(ENABLE, 1)
    write(RESULT_PTR, BUFFER)
    return session, saadc, write, read, results


def microphone_on(session, on=True):
    gpio = session.machine.peripherals["gpio0"]
    gpio.write(0x700 + 4 * 20, 4, 1)                           # RUN_MIC P0.20: output
    gpio.write(0x508 if on else 0x50C, 4, 1 << 20)            # OUTSET / OUTCLR


def sample_once(write, read):
    write(RESULT_MAXCNT, 1)
    write(TASKS_START, 1)
    write(TASKS_SAMPLE, 1)
    assert read(EVENTS_END) == 1 and read(RESULT_AMOUNT) == 1


@pytest.mark.parametrize("resolution, config, expected", [
    (2, GAIN_1_6, 3413),                       # 3.0 V * 1/6 / 0.6 V * 2^12
    (0, GAIN_1_6, 213),                        # 8 bits
    (3, GAIN_1_6 | REFSEL_VDD_4, 10923),       # VDD/4 reference: 3.0 * 1/6 / 0.75 * 2^14
    (1, GAIN_1_6 | MODE_DIFF, 427),            # differential against 0 V: 2^(10 - 1)
])
def test_result_formula_on_vdd(board, resolution, config, expected):
    _, _, write, read, results = board
    write(CH0_PSELP, VDD)
    write(CH0_CONFIG, config)
    write(RESOLUTION, resolution)
    sample_once(write, read)
    assert results(1) == [expected]


def test_reset_values(board):
    _, saadc, write, read, _ = board
    assert read(CH0_CONFIG) == 0x00020000                      # TACQ 10 us
    assert read(RESOLUTION) == 1                               # 10 bits
    assert saadc.read(0x51C, 4) == 0x7FFF8000                  # CH[0].LIMIT


def test_microphone_reads_its_bias_plus_the_sound_only_when_enabled(board):
    session, saadc, write, read, results = board
    saadc.attach(AudioFeed(np.full((100, 1), 4000.0), None, "constant"))
    write(CH0_PSELP, AIN3)
    write(CH0_CONFIG, GAIN_1_4)
    write(RESOLUTION, 3)
    sample_once(write, read)
    assert results(1) == [0]                                   # RUN_MIC low: no power
    microphone_on(session)
    sample_once(write, read)
    assert results(1) == [8192 + 1000]                         # 1.2 V bias + 4000/32768 * 1.2 V


def test_task_mode_oversampling_averages(board):
    _, saadc, write, read, results = board
    saadc.attach(AudioFeed(np.array([[0.0], [400.0], [800.0], [1200.0]]), None, "ramp"))
    microphone_on(board[0])
    write(CH0_PSELP, AIN3)
    write(CH0_CONFIG, GAIN_1_4)
    write(RESOLUTION, 3)
    write(OVERSAMPLE, 2)                                       # 4 samples per result
    write(RESULT_MAXCNT, 1)
    write(TASKS_START, 1)
    for _ in range(3):
        write(TASKS_SAMPLE, 1)
        assert read(EVENTS_DONE) == 0
    write(TASKS_SAMPLE, 1)
    assert read(EVENTS_END) == 1
    assert results(1) == [8192 + 150]                          # mean of 0, 100, 200, 300


def test_timer_mode_fills_buffers_at_the_sample_rate_and_loses_late_ones(board):
    session, saadc, write, read, results = board
    saadc.attach(AudioFeed(np.arange(0, 40000, 4, dtype=float)[:, None], None, "ramp"))
    microphone_on(session)
    write(CH0_PSELP, AIN3)
    write(CH0_CONFIG, GAIN_1_4)
    write(RESOLUTION, 3)
    write(SAMPLERATE, (1 << 12) | 1000)                        # timers, 16 kHz
    write(RESULT_MAXCNT, 160)
    write(TASKS_START, 1)
    assert read(EVENTS_STARTED) == 1
    write(TASKS_SAMPLE, 1)
    session.run(0.00999)
    assert read(EVENTS_END) == 0
    session.run(0.00002)                                       # the 160th sample at 10 ms
    assert read(EVENTS_END) == 1 and read(RESULT_AMOUNT) == 160
    assert results(160) == [8192 + k for k in range(160)]     # pcm 4k -> k at 14 bits
    assert saadc.sample_rate() == 16000
    session.run(0.001)                                         # 16 samples with no buffer
    write(TASKS_START, 1)
    assert saadc.dropped_samples == 16
    write(TASKS_STOP, 1)
    assert read(EVENTS_STOPPED) == 1
