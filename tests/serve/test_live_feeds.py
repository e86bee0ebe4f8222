"""lab.sensors.live: the board waits for a live stream, hears exactly what was sent, gets
silence for a stalled stream, skips ahead when it lags, and ends with the stream; phone
motion reaches the board in its axes and in g."""
import threading
import time

import numpy as np
import pytest

from lab.sensors.live import (STANDARD_GRAVITY, LiveAudioFeed, LiveMotionFeed,
                              phone_to_board_g)

SHORT_WAIT = 0.05        # a stalled stream holds a pull this long in these tests


def later(seconds, action):
    """Run `action` from another thread after `seconds` (the sender's side)."""
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()))
    thread.start()
    return thread


def test_take_waits_for_what_the_browser_sends_and_delivers_it_unchanged():
    feed = LiveAudioFeed(max_wait_s=10.0)
    feed.configure(16000.0, 1)
    sent = (np.arange(640) - 320).astype(np.int16)
    sender = later(0.1, lambda: feed.push(sent, 16000))
    first = feed.take(320)          # blocks until the samples arrive (bounded by 10 s)
    second = feed.take(320)
    sender.join()
    assert first.shape == (320, 1) and first.dtype == np.int16
    assert np.array_equal(np.concatenate([first, second])[:, 0], sent)
    assert feed.stalls == 0 and feed.delivered_samples == 640


def test_samples_sent_before_the_microphone_starts_are_not_heard():
    feed = LiveAudioFeed(max_wait_s=SHORT_WAIT)
    feed.push(np.full(1600, 1000, dtype=np.int16), 16000)     # before START
    feed.configure(16000.0, 1)
    feed.push(np.full(160, 7, dtype=np.int16), 16000)
    taken = feed.take(160)
    assert np.all(taken == 7)


def test_a_stalled_stream_gives_silence_for_the_rest_of_the_buffer_and_counts_it():
    feed = LiveAudioFeed(max_wait_s=SHORT_WAIT)
    feed.configure(16000.0, 2)
    feed.push(np.full(100, 500, dtype=np.int16), 16000)
    taken = feed.take(320)
    assert taken.shape == (320, 2)
    assert np.all(taken[:100] == 500) and np.all(taken[100:] == 0)
    assert feed.stalls == 1


def test_the_board_never_hears_more_than_max_lag_behind():
    feed = LiveAudioFeed(max_wait_s=SHORT_WAIT, max_lag_s=0.1)
    feed.configure(16000.0, 1)
    feed.push(np.arange(16000, dtype=np.int16), 16000)      # a second arrives at once
    taken = feed.take(1600)
    assert taken[0, 0] == 16000 - 1600                      # the oldest 0.9 s skipped
    assert feed.skipped_s == pytest.approx(0.9)


def test_other_rates_are_resampled_to_the_pdm_rate():
    feed = LiveAudioFeed(max_wait_s=SHORT_WAIT, max_lag_s=10.0)
    feed.configure(16000.0, 1)
    tone = (8000 * np.sin(2 * np.pi * 440 * np.arange(48000) / 48000)).astype(np.int16)
    feed.push(tone, 48000)
    heard = feed.take(15000)[:, 0].astype(float)
    spectrum = np.abs(np.fft.rfft(heard[2000:14000]))
    assert np.argmax(spectrum) * 16000 / 12000 == pytest.approx(440, abs=2)


def test_the_run_ends_when_the_stream_is_closed_and_played_out():
    feed = LiveAudioFeed(max_wait_s=10.0)
    feed.configure(16000.0, 1)
    feed.push(np.ones(200, dtype=np.int16), 16000)
    feed.close()
    last = feed.take(320)
    assert np.all(last[:200] == 1) and np.all(last[200:] == 0)
    assert feed.take(320) is None


def test_a_stream_silent_for_idle_end_s_has_ended():
    feed = LiveAudioFeed(max_wait_s=1.0, idle_end_s=0.05)
    feed.configure(16000.0, 1)
    feed.push(np.ones(10, dtype=np.int16), 16000)
    feed.take(10)
    time.sleep(0.1)
    assert feed.take(320) is None


def test_phone_axes_are_the_wand_axes_in_g():
    # Flat, screen up: the reaction to gravity on +z, 1 g.
    assert phone_to_board_g([0, 0, STANDARD_GRAVITY]) == pytest.approx([0, 0, 1])
    # Top edge up (the wand's tip pointing at the sky): +y.
    assert phone_to_board_g([0, STANDARD_GRAVITY, 0]) == pytest.approx([0, 1, 0])
    assert phone_to_board_g([2 * STANDARD_GRAVITY, 0, 0]) == pytest.approx([2, 0, 0])


def test_motion_is_held_between_readings_and_paced_by_the_phone_clock():
    feed = LiveMotionFeed(max_wait_s=10.0, max_lag_s=10.0)
    g = STANDARD_GRAVITY
    feed.push([(100.00, 0, 0, g), (100.02, g, 0, 0)])
    # The first pull starts the stream at the newest reading: board 5.0 s = phone 100.02 s.
    assert feed.value(0, 5.0) == pytest.approx((1, 0, 0))
    sender = later(0.1, lambda: feed.push([(100.03, 0, g, 0), (100.05, 0, 0, -g)]))
    assert feed.value(1, 5.02) == pytest.approx((0, 1, 0))   # waited for phone 100.04
    assert feed.value(2, 5.03) == pytest.approx((0, 0, -1))
    sender.join()
    assert feed.stalls == 0


def test_motion_before_the_phone_connects_is_lying_still_and_ends_with_the_stream():
    feed = LiveMotionFeed(max_wait_s=SHORT_WAIT)
    assert feed.value(0, 1.0) == LiveMotionFeed.REST
    feed.close()
    assert feed.value(1, 1.01) is None
