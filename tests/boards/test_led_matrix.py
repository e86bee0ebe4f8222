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
