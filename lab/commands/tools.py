"""`lab profile` (cycles per function of an app's run) and `lab bench` (the benchmarks)."""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys

from .. import platforms
from ..errors import LabError
from ..platforms import ROOT
from .arguments import existing_file, existing_path, output_file, positive_int, seconds

# Every bench/<name>.py is a benchmark `lab bench <name>` runs.
BENCHMARKS = {path.stem: f"bench/{path.name}" for path in sorted((ROOT / "bench").glob("*.py"))}


def register(subparsers) -> None:
    parser = subparsers.add_parser("profile", help="where an app's cycles go, per function")
    parser.add_argument("app", help="app name (see `lab list`) or a source directory")
    parser.add_argument("--platform", "-p", required=True, help="board, e.g. nrf52840")
    parser.add_argument("--model", type=existing_file,
                        help="a .tflite to compile in instead of the app's default")
    parser.add_argument("--audio", type=existing_path,
                        help="what the microphone hears (as for `lab run`)")
    parser.add_argument("--imu", type=existing_path,
                        help="what the accelerometer feels (as for `lab run`)")
    parser.add_argument("--timeout", type=seconds,
                        help="virtual seconds to run (default: the app's)")
    parser.add_argument("--top", type=positive_int, default=25,
                        help="functions to show (default 25)")
    parser.add_argument("--output", type=output_file,
                        help="also write the whole table to this file")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: the run's result with its profile")
    parser.add_argument("--trace", type=output_file, metavar="FILE.json",
                        help="also write a timeline (inferences, ops, ISRs, peripherals) in "
                             "the Chrome trace-event format, for Perfetto or chrome://tracing")
    parser.add_argument("--speedscope", type=output_file, metavar="FILE.json",
                        help="also write the cycles per function in speedscope's format")
    parser.set_defaults(handler=profile_command)

    parser = subparsers.add_parser(
        "bench", help="run a benchmark: " + ", ".join(BENCHMARKS),
        description="Runs bench/<name>.py; arguments after the name go to the benchmark "
                    "(`lab bench realtime --help` shows its own options).")
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed on to the benchmark")
    parser.set_defaults(handler=bench_command)


def profile_command(args) -> int:
    from ..profile import format_table
    from ..runner import plan_inputs, run_app

    platform = platforms.load(args.platform)
    plan = plan_inputs(args.app, args.audio, args.imu)
    drive = None
    if args.trace:
        from ..debug.trace import trace_driver
        drive = trace_driver(args.trace, args.app, args.model)
    result = run_app(platform, args.app, model=args.model, plan=plan, timeout_s=args.timeout,
                     profile=True, drive=drive)
    rows = result.profile
    total = sum(row[1] for row in rows)
    if args.output:
        args.output.write_text(format_table(rows, total) + "\n")
    if args.speedscope:
        from ..debug import speedscope
        speedscope.write(args.speedscope, rows, f"{args.app} on {platform.name}")
    if args.json:
        print(result.to_json())
        return 1 if result.end in ("fault", "error") else 0
    print(f"{args.app} on {platform.name}: {result.end} after {result.virtual_s:.3f} virtual "
          f"s, {total} cycles profiled")
    if args.trace:
        print(f"trace: {args.trace} (open it in Perfetto's UI or chrome://tracing)")
    print(format_table(rows, total, args.top))
    if result.fault:
        print(f"lab: the run ended in a fault: {result.fault.summary()}", file=sys.stderr)
    return 1 if result.end in ("fault", "error") else 0   # a time limit ends a profile


def bench_command(args) -> int:
    script = ROOT / BENCHMARKS[args.name]
    if not script.exists():
        raise LabError(f"{script} is missing")
    extra = args.args[1:] if args.args[:1] == ["--"] else args.args
    bench = subprocess.Popen([sys.executable, str(script), *extra], cwd=ROOT)
    try:
        return bench.wait()
    except KeyboardInterrupt:      # the benchmark reports its own end (lab.cli.guarded)
        try:
            return bench.wait(timeout=5)
        except subprocess.TimeoutExpired:   # only this process was signalled: pass it on
            bench.send_signal(signal.SIGINT)
            return bench.wait(timeout=30)
