"""`lab build` and `lab run`: builds, and runs of apps and scenarios on virtual boards.

Exit status: 0 when the run ends on `@lab done` (and a scenario's checks hold), 1 when
it faults, times out, reports `@lab error` or fails a check, 2 for bad usage or bad
input (nothing is run or written then), 130 on Ctrl-C (what ran is kept).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import builders, platforms, scenarios
from ..build import build
from ..energy import summary as energy_summary
from ..debug import tools as debug_tools
from ..errors import LabError
from ..platforms import TIMING_MODES
from ..results import END_DONE, END_INTERRUPTED
from ..runner import DEFAULT_TIMEOUT_S
from .arguments import (existing_file, existing_folder, existing_path, output_file,
                        output_folder, positive_int, seconds, tcp_port)


def register(subparsers) -> None:
    parser = subparsers.add_parser("build", help="build an app's firmware for a platform")
    parser.add_argument("app", help="app name (see `lab list`) or a directory of C sources")
    parser.add_argument("--platform", "-p", required=True, help="board, e.g. nrf52840")
    parser.add_argument("--model", type=existing_file,
                        help="a .tflite to compile in instead of the app's default")
    parser.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VALUE",
                        help="a C define for the build (repeatable)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show compiler output")
    parser.add_argument("--json", action="store_true", help="print the build as one JSON object")
    parser.add_argument("--builder", choices=builders.BUILDERS,
                        help="where make and arm-none-eabi-gcc run: this machine (default, "
                             "or LAB_BUILDER) or the lab's Docker image (same cache, same "
                             "ELF bytes; docker/README.md)")
    parser.add_argument("--image", metavar="IMAGE",
                        help=f"the image of --builder docker (default {builders.DEFAULT_IMAGE}, "
                             "what `make docker` builds)")
    parser.set_defaults(handler=build_command)

    parser = subparsers.add_parser(
        "run", help="run an app or a scenario on a virtual board",
        description="Runs a scenario (scenarios/<name>.yaml: app, data, expectations) or an "
                    "app (firmware/apps/<name>). A name that is both runs the scenario. "
                    "With your own data (--audio, --imu, --manifest) the checks that belong "
                    "to the scenario's data (accuracy, labels) do not apply: the run reports "
                    "what the board heard.")
    parser.add_argument("target", nargs="?", help="scenario or app name, or a source directory")
    parser.add_argument("--platform", "-p", help="board, e.g. nrf52840 (scenarios: all of theirs)")
    parser.add_argument("--all", action="store_true", help="run every scenario")
    parser.add_argument("--elf", type=existing_file, help="run this ELF instead of building an app")
    parser.add_argument("--engine", choices=("embedded", "qemu"),
                        help="the simulator (default: the platform's first; qemu only for "
                             "boards QEMU has, e.g. mps2-an386)")
    parser.add_argument("--model", type=existing_file,
                        help="a .tflite to compile in instead of the app's default")
    parser.add_argument("--audio", type=existing_path, metavar="FILE|DIR",
                        help="what the microphone hears: a WAV, raw s16le PCM, or a folder of "
                             "WAVs (labels from a Speech Commands layout)")
    parser.add_argument("--imu", type=existing_path, metavar="FILE|DIR",
                        help="what the accelerometer feels: a CSV t,ax,ay,az / Renode sample "
                             "text / RESD file (magic_wand: also a folder with labels.csv)")
    parser.add_argument("--manifest", type=existing_file, metavar="FILE",
                        help="labels of your clips: CSV file,label (or JSON {file: label})")
    parser.add_argument("--on-end", choices=("silence", "loop", "end"), default="silence",
                        help="when the audio runs out: silence (default), loop, or end the run")
    parser.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VALUE",
                        help="a C define for the app's build (repeatable)")
    parser.add_argument("--timeout", type=seconds,
                        help="virtual seconds before giving up (default: the app's, or "
                             f"{DEFAULT_TIMEOUT_S:g}); wall seconds on --engine qemu")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the results instead of the UART")
    parser.add_argument("--results", type=output_folder, metavar="DIR",
                        help="where scenario results go (default: results/)")
    parser.add_argument("--timing", choices=TIMING_MODES,
                        help="cycles: the core's timing model (default); instructions: one "
                             "cycle per instruction, as Renode counts")
    parser.add_argument("--strict-alignment", action="store_true",
                        help="trap LDRD/LDM/PUSH... at unaligned addresses as the core does "
                             "(checks every access: about half the speed)")
    tools = parser.add_argument_group(
        "the embedded engineer's tools", "For a run of one app on the embedded engine "
        "(docs/debugging.md).")
    tools.add_argument("--gdb", type=tcp_port, nargs="?", const=3333, metavar="PORT",
                       help="start halted at the reset vector and serve GDB on "
                            "127.0.0.1:PORT (default 3333; 0: any free port): "
                            "`target remote :PORT`")
    tools.add_argument("--uart", choices=("pty", "stdio"),
                       help="the console UART on a pseudo-terminal (its path is printed) or "
                            "on this terminal; virtual time then keeps pace with wall time")
    tools.add_argument("--vcd", type=output_file, metavar="FILE",
                       help="write the board's signals (GPIO pins, PWM duty, UART TX/RX "
                            "lines, interrupt lines) as a VCD waveform in virtual time")
    units = parser.add_argument_group(
        "data sets as units", "A scenario's clips or recordings run as independent units, "
        "one per clip, from reset: the same results for any number of workers.")
    units.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                       help="local worker processes (default: one per core)")
    units.add_argument("--cluster", metavar="ADDRESS",
                       help="run the units on a Dask cluster: tcp://HOST:8786, or `local`")
    units.add_argument("--resume", type=existing_folder, metavar="DIR",
                       help="complete an interrupted run's results folder: only the units "
                            "not yet there run")
    units.add_argument("--stream", action="store_true",
                       help="play the whole data set as one continuous stream instead")
    saved = parser.add_argument_group(
        "snapshots", "The whole machine saved mid-run, and runs that start from it: a run "
        "from a snapshot continues exactly as the saved run would have.")
    saved.add_argument("--save-at", nargs=2, action=SaveAt, metavar=("EVENT|SECONDS", "FILE"),
                       help="save the run to FILE at a virtual time, or when the firmware "
                            "first prints `@lab EVENT`; the run then goes on")
    saved.add_argument("--load", type=existing_file, metavar="FILE",
                       help="start from a snapshot (saved with the same firmware and board) "
                            "instead of reset; the time limit counts from the start of the "
                            "saved run")
    parser.set_defaults(handler=run_command)


class SaveAt(argparse.Action):
    """--save-at EVENT|SECONDS FILE, both checked before anything runs."""

    def __call__(self, parser, namespace, values, option_string=None):
        from ..snapshots import SavePoint
        point, file = values
        try:
            setattr(namespace, self.dest, (SavePoint.parse(point), output_file(file)))
        except (LabError, argparse.ArgumentTypeError) as error:
            raise argparse.ArgumentError(self, str(error)) from None


def build_command(args) -> int:
    platform = platforms.load(args.platform)
    builder = builders.from_environment(args.builder, args.image)
    result = build(args.app, platform, verbose=args.verbose, model=args.model,
                   defines=args.define, builder=builder)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    print(result.summary())
    if result.arena:
        print(f"tensor arena: {result.arena.describe()}")
    if result.footprint:
        print("\n".join(result.footprint.table()))
    return 0


def run_command(args) -> int:
    if args.all:
        debug_tools.check_usable(args, "--all")
        if args.target or args.elf:
            raise LabError("--all runs every scenario: give no target")
        return run_scenarios([scenarios.load(scenarios.find(n)) for n in scenarios.available()],
                             args)
    if args.elf and args.target:
        raise LabError("give either a target or --elf FILE, not both")
    if not args.elf and not args.target:
        raise LabError("give a scenario or app to run (see `lab list`), --elf FILE, or --all")
    found = scenarios.find(args.target) if args.target and not args.elf else None
    if found and (args.save_at or args.load) and not args.target.endswith((".yaml", ".yml")):
        found = None          # a snapshot is of one app's run: the app of that name
    if found and args.engine == "qemu":
        raise LabError(f"{args.target} is a scenario: scenarios run on the embedded engine "
                       "(give an app directory or --elf with --engine qemu)")
    if (args.save_at or args.load) and (found or args.engine == "qemu"):
        raise LabError("--save-at and --load are for one app's run on the embedded engine, "
                       "not for scenarios or QEMU")
    if args.load and (args.audio or args.imu):
        raise LabError("--load brings the sensor feeds as they were saved: give no --audio "
                       "or --imu with it")
    if found:
        return run_scenarios([scenarios.load(found)], args)
    if args.results:
        raise LabError("--results is for scenarios: an app's run prints its results "
                       "(--json for one JSON object)")
    if args.jobs or args.cluster or args.resume:
        raise LabError("-j, --cluster and --resume are for scenarios (a data set as units)")
    if not args.platform:
        raise LabError("--platform is required to run an app (e.g. --platform nrf52840)")
    return run_single_app(args)


# --------------------------------------------------------------------- apps
def run_single_app(args) -> int:
    from ..engines.embedded.session import print_line
    from ..inputs import Plan
    from ..runner import execute, plan_inputs, prepare

    platform = platforms.load(args.platform, args.timing)
    engine = args.engine or platform.engines[0]
    if engine not in platform.engines:
        raise LabError(f"platform {platform.name} runs on {', '.join(platform.engines)}, "
                       f"not on {engine}")
    if engine == "qemu":
        debug_tools.check_usable(args, "--engine qemu")
        return run_on_qemu(args, platform)
    app = None if args.elf else args.target
    if args.load:          # the snapshot brings the feeds and the clips' layout
        plan = Plan()
    else:
        plan = plan_inputs(app and Path(app).name, args.audio, args.imu, args.on_end,
                           manifest=args.manifest)
    prepared = prepare(platform, app, args.elf, model=args.model, defines=args.define,
                       plan=plan, timeout_s=args.timeout, strict_alignment=args.strict_alignment)
    prepared.save_at, prepared.load = args.save_at, args.load
    if args.load and not args.timeout:
        prepared.timeout_s = None      # the saved run's time limit
    echo = print_line if not args.json and debug_tools.echoes_uart(args) else None
    result = execute(prepared, echo=echo, drive=debug_tools.driver(args))
    if args.elf:
        result.app = Path(args.elf).name
    if args.json:
        print(result.to_json())
    else:
        print_summary(result)
    return exit_status(result.end == END_DONE, result)


def exit_status(passed: bool, result) -> int:
    if result is not None and result.end == END_INTERRUPTED:
        print("lab: interrupted", file=sys.stderr)
        return 130
    return 0 if passed else 1


def run_on_qemu(args, platform) -> int:
    from ..engines import qemu
    from ..engines.embedded.session import print_line

    if args.audio or args.imu:
        raise LabError("QEMU has no sensors to feed: use the embedded engine for --audio/--imu")
    elf = args.elf or build(args.target, platform, defines=args.define, model=args.model).elf
    result = qemu.run(platform, elf, app=None if args.elf else Path(args.target).name,
                      timeout_s=args.timeout or DEFAULT_TIMEOUT_S,
                      echo=None if args.json else print_line)
    if args.json:
        print(result.to_json())
    else:
        print(f"[lab] {result.app} on {platform.name} (qemu): {result.end} after "
              f"{result.wall_s:.2f} wall s", file=sys.stderr)
    return exit_status(result.end == END_DONE, result)


def _print_results(result) -> None:
    """The app's own summary, then cycles per stage and memory."""
    from ..apps import analyzer

    app_analyzer = analyzer(result.app)
    if app_analyzer:
        print("\n".join(app_analyzer.summary(result)))
    for stage, c in result.stages.items():
        print(f"cycles {stage}: min {c['min']}, median {c['median']}, max {c['max']} "
              f"({c['count']} runs)")
    if result.firmware:
        arena = f", arena {result.arena} B" if result.arena is not None else ""
        print(f"flash {result.firmware.get('flash')} B, RAM {result.firmware.get('ram')} B{arena}")
        _print_arena(result)
    _print_memory(result)


def _print_memory(result) -> None:
    """Stack high-water per phase next to the reserve, and the heap (result.memory)."""
    memory = result.memory
    if not memory or memory.get("high_water") is None:
        return
    reserve = memory.get("reserve")
    of = f" of the {reserve} B reserve (margin {memory['margin']} B)" if reserve else ""
    phases = ", ".join(f"{name} {p['max']} B" + (f" ({p['count']}x)" if p["count"] > 1 else "")
                       + (f" heap +{p['heap_growth']} B" if p.get("heap_growth") else "")
                       for name, p in memory.get("phases", {}).items())
    heap = memory.get("heap") or {}
    print(f"stack: high-water {memory['high_water']} B{of}" + (f"; {phases}" if phases else ""))
    process = memory.get("process_stack")
    if process:
        where = (f" in {process['buffer']}, {process['depth']} B below its end"
                 if process["buffer"] else "")
        print(f"process stack: lowest SP 0x{process['lowest_sp']:08X}{where}")
    if heap.get("high_water") is not None:
        print(f"heap: high-water {heap['high_water']} B (newlib sbrk)")
    if memory.get("warning"):
        print(f"[lab] warning: {memory['warning']}", file=sys.stderr)


def _print_arena(result) -> None:
    from ..runtime import ArenaUsage

    usage = ArenaUsage.from_event(result.arena_usage) if result.arena_usage else None
    if usage:
        print(f"tensor arena: {usage.describe()}")


def print_summary(result) -> None:
    _print_results(result)
    mips = result.instructions / result.wall_s / 1e6 if result.wall_s else 0.0
    cpi = result.cycles / result.instructions if result.instructions else 0.0
    print(f"[lab] {result.app} on {result.platform}: {result.end} after "
          f"{result.virtual_s:.6f} virtual s, {result.instructions} instructions, "
          f"{result.cycles} cycles (CPI {cpi:.2f}); wall {result.wall_s:.2f} s "
          f"({mips:.0f} MIPS)",
          file=sys.stderr)
    if result.energy:
        print(f"[lab] {energy_summary(result.energy)}", file=sys.stderr)
    if result.fault:
        print(f"[lab] fault: {result.fault.summary()}", file=sys.stderr)
    elif result.end == "error":
        errors = result.events_named("error")
        fields = " ".join(f"{k}={v}" for k, v in errors[0].items() if k not in ("event", "t"))
        print(f"[lab] the firmware reported an error: {fields}", file=sys.stderr)
    elif result.end not in (END_DONE, END_INTERRUPTED):
        print(f"[lab] no `@lab done` within the time limit ({result.end})", file=sys.stderr)


# ---------------------------------------------------------------- scenarios
def run_scenarios(selected, args) -> int:
    from ..runner import Prepared
    from ..scenario_run import Overrides, prepare_scenario, run_prepared

    if args.resume and (len(selected) != 1 or args.all):
        raise LabError("--resume completes one scenario's results folder")
    overrides = Overrides(model=args.model, audio=args.audio, imu=args.imu,
                          manifest=args.manifest, timeout=args.timeout, on_end=args.on_end,
                          defines=args.define, strict_alignment=args.strict_alignment,
                          timing=args.timing, stream=args.stream, jobs=args.jobs, cluster=args.cluster,
                          resume=args.resume)
    # Everything is checked (data, model, builds) before the first run or results folder.
    runs = [(scenario, prepare_scenario(scenario, name, overrides))
            for scenario in selected
            for name in ([args.platform] if args.platform else scenario.platforms)]
    drive = debug_tools.driver(args)
    if drive is not None and (len(runs) != 1 or not isinstance(runs[0][1], Prepared)):
        debug_tools.check_usable(args, "several runs or a data set run as units "
                                       "(give --platform, and --stream for a data set)")
    outcomes = []
    for scenario, prepared in runs:
        label = f"{scenario.name} on {prepared.platform.name}"
        with _Progress(not args.json, label) as bar:
            echo = bar.echo if debug_tools.echoes_uart(args) else None
            outcome = run_prepared(scenario, prepared, args.results, echo=echo,
                                   progress=bar.update, unit_progress=bar.units,
                                   drive=drive)
        outcomes.append(outcome)
        if not args.json:
            _print_results(outcome.result)
            if overrides.own_data:
                print("your own data: the checks on the scenario's data (labels, accuracy) "
                      "do not apply")
        if outcome.result.end == END_INTERRUPTED:
            break
    if args.json:
        data = [o.to_dict() for o in outcomes]
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2, default=str))
    else:
        _print_table(outcomes)
    last = outcomes[-1].result if outcomes else None
    return exit_status(all(o.passed for o in outcomes), last)


class _Progress:
    """A rich progress bar in virtual seconds while the firmware runs; UART lines print
    above it."""

    def __init__(self, shown: bool, label: str):
        from ..engines.embedded.session import print_line
        self.enabled = shown and sys.stdout.isatty()     # quiet in CI logs
        self.label = label
        self.echo, self.update, self.units = (print_line if shown else None), None, None

    def __enter__(self):
        if not self.enabled:
            return self
        self.units = self._units
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.completed:.0f}/{task.total:.0f} {task.fields[unit]}"),
                                 TimeElapsedColumn(), transient=True)
        self.progress.start()
        self.task = self.progress.add_task(self.label, total=None, unit="virtual s")
        self.echo = lambda text: self.progress.console.print(text, markup=False,
                                                             highlight=False, soft_wrap=True)
        self.update = lambda done, total: self.progress.update(self.task, completed=done,
                                                               total=total)
        return self

    def _units(self, done: int, total: int, elapsed_s: float, accuracy) -> None:
        """Units finished: the bar counts units, with clips/s, ETA and accuracy so far."""
        rate = done / elapsed_s if elapsed_s > 0 else 0.0
        eta = f", ETA {(total - done) / rate:.0f} s" if rate else ""
        heard = f", accuracy so far {accuracy:.1%}" if accuracy is not None else ""
        self.progress.update(self.task, completed=done, total=total, unit="units",
                             description=f"{self.label}: {done}/{total} units, {rate:.2f} "
                                         f"clips/s{eta}{heard}")

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.stop()
        return False


def _print_table(outcomes) -> None:
    """A table of the runs; each results folder on a line of its own, so a narrow
    terminal never cuts the path."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="scenarios")
    for column in ("scenario", "platform", "end", "checks", "virtual s", "wall s"):
        table.add_column(column)
    for o in outcomes:
        passed = sum(c.passed for c in o.checks)
        table.add_row(o.scenario.name, o.platform, o.result.end,
                      f"[{'green' if o.passed else 'red'}]{passed}/{len(o.checks)}[/]",
                      f"{o.result.virtual_s:.2f}", f"{o.result.wall_s:.2f}")
    console = Console()
    console.print(table)
    for o in outcomes:
        print(f"results of {o.scenario.name} on {o.platform}: {o.folder}")
    for o in outcomes:
        for line in o.failures():
            console.print(f"[red]FAIL[/] {line}", highlight=False, soft_wrap=True)
