"""hello_world: does LED1's brightness follow (sin x + 1) / 2?

Each `@lab inference x=.. y=..` is paired with LED1's brightness (the PWM duty the
lab recorded) at the moment the line was printed, just after the firmware set it.
"""
from __future__ import annotations

import bisect
import math

LED = "led1"


def analyze(session, result, context=None) -> None:
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
    result.extras.update({
        "led_samples": samples,
        "led_max_error": round(max(errors), 6) if errors else None,
        "led_mean_error": round(sum(errors) / len(errors), 6) if errors else None,
        "stages": stage_cycles({"inference": [s["cycles"] for s in samples]}),
        "arena": model_arena(result),
    })


def stage_cycles(per_stage: dict[str, list[int]]) -> dict:
    """{stage: {min, median, max, count}} for stages with measurements."""
    out = {}
    for stage, values in per_stage.items():
        if values:
            ordered = sorted(values)
            out[stage] = {"min": ordered[0], "median": ordered[len(ordered) // 2],
                          "max": ordered[-1], "count": len(ordered)}
    return out


def model_arena(result) -> int | None:
    models = result.events_named("model")
    return models[-1].get("arena") if models else None


def summary(result) -> list[str]:
    samples = result.extras.get("led_samples")
    if not samples:
        return ["hello_world: no inferences"]
    lines = [f"{'x':>8}{'y':>9}{'LED':>9}{'(sin x+1)/2':>13}{'error':>8}"]
    for s in samples:
        lines.append(f"{s['x']:>8.4f}{s['y']:>9.4f}{s['led']:>9.4f}{s['expected']:>13.4f}"
                     f"{abs(s['led'] - s['expected']):>8.4f}")
    c = result.extras["stages"]["inference"]
    lines.append(f"LED follows (sin x + 1)/2: max error {result.extras['led_max_error']:.4f}, "
                 f"mean {result.extras['led_mean_error']:.4f}; inference cycles "
                 f"min/median/max {c['min']}/{c['median']}/{c['max']}; arena "
                 f"{result.extras['arena']} B")
    return lines
