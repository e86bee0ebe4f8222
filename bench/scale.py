"""Scaling: micro_speech on the committed test clips as units, with 1 and 2 local worker
processes and on a local Dask cluster of 2 workers (127.0.0.1).

Prints the wall time of each and checks that every configuration gives the same
per-clip results and cycle counts. Last line: `speedup_j2=X speedup_dask=Y`.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import scenarios  # noqa: E402
from lab.scenario_run import Overrides, prepare_scenario, run_prepared  # noqa: E402
from lab.cli import guarded  # noqa: E402


def timed(scenario, overrides: Overrides, results: Path):
    prepared = prepare_scenario(scenario, "nrf52840", overrides)   # the build: not timed
    started = time.monotonic()
    outcome = run_prepared(scenario, prepared, results)
    return time.monotonic() - started, outcome


def fingerprint(outcome) -> list:
    return [(u["unit"]["name"], u["cycles"], u["instructions"], u["analysis"])
            for u in outcome.result.units]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="micro_speech")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    scenario = scenarios.load(scenarios.find(args.scenario))
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, overrides in (("-j 1", Overrides(jobs=1)), ("-j 2", Overrides(jobs=2)),
                                 ("dask local x2", Overrides(jobs=2, cluster="local"))):
            runs[label] = timed(scenario, overrides, Path(tmp) / label.replace(" ", "_"))
    prints = {label: fingerprint(outcome) for label, (_, outcome) in runs.items()}
    if len({json.dumps(p, sort_keys=True) for p in prints.values()}) != 1:
        raise SystemExit("the configurations disagree on the units' results")
    base = runs["-j 1"][0]
    units = len(runs["-j 1"][1].result.units)
    virtual = runs["-j 1"][1].result.virtual_s
    if args.json:
        print(json.dumps({label: {"wall_s": wall, "speedup": base / wall}
                          for label, (wall, _) in runs.items()}))
        return 0
    print(f"{args.scenario}: {units} units, {virtual:.1f} virtual s in all")
    for label, (wall, _) in runs.items():
        print(f"{label:<16}{wall:>8.1f} wall s{base / wall:>8.2f}x  "
              f"{units / wall:>6.2f} clips/s  {virtual / wall:>6.2f}x real time")
    print(f"speedup_j2={base / runs['-j 2'][0]:.2f} "
          f"speedup_dask={base / runs['dask local x2'][0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench scale"))
