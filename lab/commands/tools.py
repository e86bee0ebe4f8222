"""`lab profile` (cycles per function of an app's run) and `lab bench` (the benchmarks)."""
from __future__ import annotations

import subprocess
import sys

from .. import platforms
from ..errors import LabError
from ..platforms import ROOT

BENCHMARKS = {"mips": "bench/mips.py", "realtime": "bench/realtime.py"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("profile", help="where an app's cycles go, per function")
    parser.add_argument("app", help="app name (see `lab list`) or a source directory")
    parser.add_argument("--platform", "-p", required=True, help="board, e.g. nrf52840")
    parser.add_argument("--model", help="a .tflite to compile in instead of the app's default")
    parser.add_argument("--audio", help="what the microphone hears (as for `lab run`)")
    parser.add_argument("--imu", help="what the accelerometer feels (as for `lab run`)")
    parser.add_argument("--timeout", type=float, help="virtual seconds to run (default: the app's)")
    parser.add_argument("--top", type=int, default=25, help="functions to show (default 25)")
    parser.add_argument("--output", help="also write the whole table to this file")
    parser.set_defaults(handler=profile_command)

    parser = subparsers.add_parser("bench", help="run a benchmark: " + ", ".join(BENCHMARKS))
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("args", nargs="*", help="passed on to the benchmark")
    parser.set_defaults(handler=bench_command)


def profile_command(args) -> int:
    from ..profile import format_table, functions
    from ..runner import plan_inputs, run_app

    platform = platforms.load(args.platform)
    plan = plan_inputs(args.app, args.audio, args.imu)
    run = run_app(platform, args.app, model=args.model, plan=plan, timeout_s=args.timeout,
                  profile=True)
    try:
        rows = functions(run.session)
        total = sum(cycles for _, cycles, _ in rows)
        print(f"{args.app} on {platform.name}: {run.result.end} after "
              f"{run.result.virtual_s:.3f} virtual s, {total} cycles profiled")
        print(format_table(rows, total, args.top))
        if args.output:
            with open(args.output, "w") as handle:
                handle.write(format_table(rows, total) + "\n")
    finally:
        run.close()
    return 0


def bench_command(args) -> int:
    script = ROOT / BENCHMARKS[args.name]
    if not script.exists():
        raise LabError(f"{script} is missing")
    return subprocess.run([sys.executable, str(script), *args.args], cwd=ROOT).returncode
