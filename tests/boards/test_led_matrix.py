"""The micro:bit v2's 5x5 matrix in a run's result and report: what it showed, window by
window, from the row and column pins the board file names."""
from lab import platforms
from lab.build import build
from lab.engines.embedded.session import Session
from lab.report import make_plots


def test_hello_blinks_the_top_left_led_of_the_matrix_and_the_report_draws_it(tmp_path):
    platform = platforms.load("microbit-v2")
    session = Session(platform, build("hello", platform).elf, app="hello")
    try:
        session.run(5.0)
        result = session.result()
    finally:
        session.close()
    assert result.end == "done"
    lit = [(t, leds.index(1.0)) for t, leds in result.matrix if 1.0 in leds]
    assert all(led == 0 for _, led in lit)                  # only LED (1,1): row 1, column 1
    assert len(lit) == 4                                     # on 4 times of the 8 toggles
    starts = [t for t, _ in lit]
    assert [round(b - a, 2) for a, b in zip(starts, starts[1:])] == [0.5, 0.5, 0.5]
    assert all(sum(leds) <= 1.0 for _, leds in result.matrix)  # nothing else ever lights
    assert "LED matrix" in [title for title, _ in make_plots(result, tmp_path)]


RING = [0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0]


def test_magic_wand_shows_a_ring_scanned_row_by_row_as_an_eye_sees_it():
    """The firmware lights one row at a time (2 ms each): over a 20 ms window each LED of
    the picture is lit a fifth of the time."""
    from lab.sensors import imu
    from lab.platforms import ROOT
    platform = platforms.load("microbit-v2")
    recording = sorted((ROOT / "data" / "test" / "gestures" / "ring").glob("*.csv"))[0]
    session = Session(platform, build("magic_wand", platform).elf, app="magic_wand",
                      imu=imu.load_acceleration(recording))
    try:
        session.run(11.0)
        result = session.result()
    finally:
        session.close()
    (gesture,) = result.events_named("gesture")
    assert gesture["label"] == "ring"
    pictures = [(t, leds) for t, leds in result.matrix if any(leds)]
    steady = [(t, leds) for t, leds in pictures if leds == [0.2 * on for on in RING]]
    assert len(steady) == 1                                  # one steady picture: O
    start = steady[0][0]
    end = next(t for t, _ in result.matrix if t > start)
    assert abs(start - gesture["t"]) < 0.03 and round(end - start, 2) == 0.96
