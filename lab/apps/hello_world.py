"""hello_world: does LED1's brightness follow (sin x + 1) / 2?

Each `@lab inference x=.. y=..` is paired with LED1's brightness (the PWM duty the
lab recorded) at the moment the line was printed, just after the firmware set it.
"""
from __future__ import annotations

import bisect
import math

LED = "led1"


def analyze(session, result) -> None:
    trace = session.led_trace(LED)
    times = [t for t, _ in trace]
    samples = []
    for event in result.events_named("inference"):
        index = bisect.bisect_right(times, event["t"]) - 1
        brightness = trace[index][1] if index >= 0 else 0.0
        x, y = float(event["x"]), float(event["y"])
        samples.append({"t": event["t"], "x": x, "y": y, "led": round(brightness, 6),
                        "expected": round((math.sin(x) + 1) / 2, 6),
                        "cycles": event["cycles"]})
    errors = [abs(s["led"] - s["expected"]) for s in samples]
    cycles = sorted(s["cycles"] for s in samples)
    result.extras["hello_world"] = {
        "samples": samples,
        "led_max_error": round(max(errors), 6) if errors else None,
        "led_mean_error": round(sum(errors) / len(errors), 6) if errors else None,
        "inference_cycles": {"min": cycles[0], "median": cycles[len(cycles) // 2],
                             "max": cycles[-1]} if cycles else None,
    }


def summary(result) -> list[str]:
    data = result.extras.get("hello_world")
    if not data or not data["samples"]:
        return ["hello_world: no inferences"]
    lines = [f"{'x':>8}{'y':>9}{'LED':>9}{'(sin x+1)/2':>13}{'error':>8}"]
    for s in data["samples"]:
        lines.append(f"{s['x']:>8.4f}{s['y']:>9.4f}{s['led']:>9.4f}{s['expected']:>13.4f}"
                     f"{abs(s['led'] - s['expected']):>8.4f}")
    c = data["inference_cycles"]
    lines.append(f"LED follows (sin x + 1)/2: max error {data['led_max_error']:.4f}, mean "
                 f"{data['led_mean_error']:.4f}; inference cycles min/median/max "
                 f"{c['min']}/{c['median']}/{c['max']}")
    return lines
