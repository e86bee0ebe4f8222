"""Energy from modelled cycles and the part's datasheet currents.

A platform may declare `power:` (SoC YAML, a board may override it):
    run_ma:      current while the core runs (code from flash, cache on, DC/DC)
    sleep_ua:    current in System ON sleep with the RTC running
    supply_v:    the supply voltage the figures are given at
    battery:     {name, capacity_mah} the battery life is stated for
    source:      where the figures come from
The core is busy for the cycles it executed and asleep for the rest of the virtual time
(WFI/WFE), so: energy per inference = cycles / clock x run current x supply; average current
= busy share x run + sleep share x sleep; battery life = capacity / average current.
Peripherals' own currents (radio, PDM, TWIM) are not counted: the figures are the core's.
"""
from __future__ import annotations


def estimate(power: dict | None, clock_hz: int, busy_cycles: int, virtual_s: float,
             stages: dict) -> dict:
    """{uj_per_inference, average_ma, battery_hours, battery, source}; {} without figures."""
    if not power or not clock_hz or virtual_s <= 0:
        return {}
    run_ma, sleep_ma, volts = power["run_ma"], power["sleep_ua"] / 1000.0, power["supply_v"]
    busy_s = min(busy_cycles / clock_hz, virtual_s)
    average_ma = (busy_s * run_ma + (virtual_s - busy_s) * sleep_ma) / virtual_s
    out = {"average_ma": round(average_ma, 6), "source": power.get("source", "")}
    inference = stages.get("inference", {}).get("median")
    if inference:
        out["uj_per_inference"] = round(inference / clock_hz * run_ma * volts * 1000.0, 3)
    battery = power.get("battery")
    if battery:
        out["battery"] = battery["name"]
        out["battery_hours"] = round(battery["capacity_mah"] / average_ma, 1)
    return out


def summary(energy: dict) -> str:
    """One line for the run summary, or ''."""
    if not energy:
        return ""
    parts = []
    if "uj_per_inference" in energy:
        parts.append(f"{energy['uj_per_inference']:.1f} uJ per inference")
    parts.append(f"average {energy['average_ma']:.3f} mA")
    if "battery_hours" in energy:
        parts.append(f"{energy['battery_hours'] / 24:.1f} days on a {energy['battery']}")
    return "energy: " + ", ".join(parts) + " (core only; datasheet currents)"
