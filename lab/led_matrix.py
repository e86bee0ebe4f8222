"""A board's LED matrix (the micro:bit's 5x5), from its row and column pins.

The board file names the pins (`led_matrix: {rows: [gpio0.21, ...], cols: [gpio0.28,
...]}`): LED (r, c) is lit while row r is driven high and column c low. Firmware that
scans the rows lights each only part of the time, so what a person sees is the
fraction of time each LED was lit over a short window (WINDOW_S, about the eye's
persistence). `frames` turns the GPIO histories of a run into
[[start seconds, [25 brightnesses, row by row]]], one entry per change of what was seen.
"""
from __future__ import annotations

from .errors import LabError

WINDOW_S = 0.02


def pins(spec: dict, where) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """([(port, pin)] of the rows, of the columns) from the board file's led_matrix."""
    out = []
    for key in ("rows", "cols"):
        parsed = []
        for item in spec.get(key) or []:
            port, _, pin = str(item).partition(".")
            if not pin.isdigit():
                raise LabError(f"{where}: led_matrix.{key}: expected port.pin (gpio0.21), "
                               f"got {item!r}")
            parsed.append((port, int(pin)))
        out.append(parsed)
    if not out[0] or not out[1]:
        raise LabError(f"{where}: led_matrix needs rows and cols")
    return out[0], out[1]


def frames(machine, spec: dict, end_cycles: int) -> list[list]:
    """What the matrix showed over the run, window by window, changes only."""
    if not spec:
        return []
    rows, cols = pins(spec, machine.platform.path)
    lines = rows + cols
    changes = sorted((time, index, level)
                     for index, (port, pin) in enumerate(lines)
                     for time, level in machine.peripherals[port].history.get(pin, []))
    window = max(1, int(WINDOW_S * machine.clock_hz))
    levels = [None] * len(lines)            # undriven: not lighting anything
    lit_cycles: dict[int, list[float]] = {}
    previous = 0

    def accumulate(start: int, end: int) -> None:
        lit = [r * len(cols) + c for r in range(len(rows)) for c in range(len(cols))
               if levels[r] == 1 and levels[len(rows) + c] == 0]
        while start < end and lit:
            index = start // window
            stop = min(end, (index + 1) * window)
            counts = lit_cycles.setdefault(index, [0.0] * (len(rows) * len(cols)))
            for led in lit:
                counts[led] += stop - start
            start = stop

    for time, index, level in changes:
        accumulate(previous, time)
        levels[index], previous = level, time
    accumulate(previous, end_cycles)
    out, shown = [], None
    for index in range((end_cycles + window - 1) // window):
        counts = lit_cycles.get(index, [0.0] * (len(rows) * len(cols)))
        span = min(window, end_cycles - index * window)
        seen = [round(count / span, 2) for count in counts]
        if seen != shown:
            out.append([round(index * window / machine.clock_hz, 6), seen])
            shown = seen
    return out


def draw(matrix: list[list], end_s: float, size: int = 5, most: int = 12):
    """A picture of the first `most` things the matrix showed, each with its time."""
    import matplotlib.pyplot as plt
    import numpy as np
    shown = matrix[:most]
    figure, axes = plt.subplots(1, len(shown), figsize=(1.1 * len(shown) + 0.5, 1.6),
                                squeeze=False)
    for axis, (start, leds), following in zip(axes[0], shown, shown[1:] + [[end_s, None]]):
        axis.imshow(np.array(leds).reshape(size, -1), cmap="Reds", vmin=0, vmax=1)
        axis.set_title(f"{start:.2f}-{following[0]:.2f} s", fontsize=7)
        axis.set_xticks([])
        axis.set_yticks([])
    return figure
