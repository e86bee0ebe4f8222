"""`lab eval MODEL --app APP --data DIR`: a model inside the firmware on a whole data set."""
from __future__ import annotations

import json
import sys

from ..errors import LabError
from .arguments import existing_file, existing_folder, existing_path, output_folder, positive_int


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="evaluate a model inside the firmware on a data set, on one or more boards",
        description="Runs every clip or recording of DATA as a unit (local processes or a "
                    "Dask cluster) with MODEL compiled into the app's firmware, and reports "
                    "accuracy, the confusion matrix, per-class recall, cycles per inference, "
                    "and the clips where the board and the host (the same front end and TFLite "
                    "Micro's interpreter) disagree.")
    parser.add_argument("model", type=existing_file, help="the .tflite to evaluate")
    parser.add_argument("--app", required=True, choices=("micro_speech", "magic_wand"))
    parser.add_argument("--data", required=True, type=existing_path,
                        help="micro_speech: a Speech Commands-style folder; magic_wand: a "
                             "folder of recordings with labels.csv")
    parser.add_argument("--manifest", type=existing_file, help="labels: CSV file,label")
    parser.add_argument("--platform", "-p", action="append", metavar="BOARD",
                        help="a board to evaluate on (repeatable; default nrf52840)")
    parser.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                        help="local worker processes (default: one per core)")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="a Dask scheduler (tcp://HOST:8786), or `local`")
    parser.add_argument("--resume", type=existing_folder, metavar="DIR",
                        help="complete an interrupted evaluation's results folder")
    parser.add_argument("--results", type=output_folder, metavar="DIR",
                        help="where the results folders go (default: results/)")
    parser.add_argument("--no-host", action="store_true",
                        help="skip the comparison with the host pipeline")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=eval_command)


def eval_command(args) -> int:
    from ..evaluate import compare_with_host, evaluation_scenario
    from ..report import write_all
    from ..scenario_run import Overrides, prepare_scenario, run_prepared

    boards = args.platform or ["nrf52840"]
    if args.resume and len(boards) != 1:
        raise LabError("--resume completes one board's results folder: give one --platform")
    scenario = evaluation_scenario(args.model, args.app, args.data, boards, args.manifest)
    overrides = Overrides(jobs=args.jobs, cluster=args.cluster, resume=args.resume)
    prepared = [prepare_scenario(scenario, board, overrides) for board in boards]
    outcomes = []
    for board in prepared:
        outcome = run_prepared(scenario, board, args.results)
        if not args.no_host and outcome.result.end == "done":
            outcome.result.analysis["host"] = compare_with_host(
                outcome.result, args.model.read_bytes(), board.units)
            write_all(outcome.folder, scenario, outcome.result, outcome.checks)
        outcomes.append(outcome)
        if outcome.result.end == "interrupted":
            break
    if args.json:
        data = [o.to_dict() for o in outcomes]
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2, default=str))
    else:
        for outcome in outcomes:
            _print_evaluation(outcome)
    if any(o.result.end == "interrupted" for o in outcomes):
        print("lab: interrupted; --resume DIR completes it", file=sys.stderr)
        return 130
    return 0 if all(o.passed for o in outcomes) else 1


def _print_evaluation(outcome) -> None:
    from ..apps import analyzer
    result = outcome.result
    print(f"== {result.app} on {outcome.platform}: {len(result.units)} units, "
          f"{result.virtual_s:.1f} virtual s, end {result.end}")
    print("\n".join(analyzer(result.app).summary(result)[-8:]))
    inference = result.stages.get("inference")
    if inference:
        print(f"cycles per inference: median {inference['median']}, max {inference['max']} "
              f"({inference['count']} inferences)")
    host = result.analysis.get("host")
    if host:
        print(f"host pipeline (same front end, TFLite Micro): accuracy "
              f"{host['host_accuracy']:.1%}; board and host agree on {host['agree']} of "
              f"{len(host['clips'])} clips")
        for title, names in (("wrong on the board, right on the host", host["only_host_right"]),
                             ("right on the board, wrong on the host",
                              host["only_firmware_right"])):
            if names:
                print(f"{title}: {', '.join(names[:10])}"
                      + (f" (+{len(names) - 10} more)" if len(names) > 10 else ""))
    print(f"results: {outcome.folder}")
