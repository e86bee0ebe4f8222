"""hello_world: does LED1's brightness follow (sin x + 1) / 2?

Each `@lab inference x=.. y=..` is paired with LED1's brightness (the PWM duty the
lab recorded, in the result's LED traces) at the moment the line was printed, just
after the firmware set it.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import asdict, dataclass

from ..results import Check

LED = "led1"
EXPECT = {"led_error_below": {"type": "number", "exclusiveMinimum": 0}}


@dataclass
class LedAnalysis:
    samples: list[dict]          # t, x, y, led, expected
    max_error: float | None
    mean_error: float | None


def analyze(result) -> dict:
    trace = result.leds.get(LED, [])
    times = [t for t, _ in trace]
    samples = []
    for event in result.events_named("inference"):
        index = bisect.bisect_right(times, event["t"]) - 1
        brightness = trace[index][1] if index >= 0 else 0.0
        x, y = float(event["x"]), float(event["y"])
        samples.append({"t": event["t"], "x": x, "y": y, "led": round(brightness, 6),
                        "expected": round((math.sin(x) + 1) / 2, 6)})
    errors = [abs(s["led"] - s["expected"]) for s in samples]
    return asdict(LedAnalysis(
        samples=samples, max_error=round(max(errors), 6) if errors else None,
        mean_error=round(sum(errors) / len(errors), 6) if errors else None))


def checks(expect: dict, result) -> list[Check]:
    if "led_error_below" not in expect:
        return []
    error = result.analysis.get("hello_world", {}).get("max_error")
    return [Check("LED duty cycle error", error is not None and error < expect["led_error_below"],
                  f"< {expect['led_error_below']}", Check.format(error))]


def summary(result) -> list[str]:
    analysis = result.analysis.get("hello_world", {})
    samples = analysis.get("samples")
    if not samples:
        return ["hello_world: no inferences"]
    lines = [f"{'x':>8}{'y':>9}{'LED':>9}{'(sin x+1)/2':>13}{'error':>8}"]
    for s in samples:
        lines.append(f"{s['x']:>8.4f}{s['y']:>9.4f}{s['led']:>9.4f}{s['expected']:>13.4f}"
                     f"{abs(s['led'] - s['expected']):>8.4f}")
    lines.append(f"LED follows (sin x + 1)/2: max error {analysis['max_error']:.4f}, "
                 f"mean {analysis['mean_error']:.4f}")
    return lines


def tables(result) -> list:
    samples = result.analysis.get("hello_world", {}).get("samples", [])
    return [("LED brightness against (sin x + 1) / 2", ["t", "x", "y", "LED", "expected"],
             [[s["t"], s["x"], s["y"], s["led"], s["expected"]] for s in samples])] \
        if samples else []
