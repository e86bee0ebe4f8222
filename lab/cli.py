"""The `lab` command line."""
from __future__ import annotations

import importlib
import logging
import os
import sys

from . import __version__
from .commands.arguments import LabParser
from .errors import LabError

# Each module registers its own subcommands (see lab/commands/__init__.py).
COMMAND_MODULES = [
    "run",
    "info",
    "data",
    "train",
    "model",
    "test",
    "tools",
    "report",
    "eval",
    "serve",
]


def build_parser() -> LabParser:
    parser = LabParser(
        prog="lab", description="Virtual MCU Lab: TinyML firmware on simulated boards.")
    parser.add_argument("--version", action="version", version=f"lab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"lab.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(format="lab: %(message)s", level=logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return guarded(lambda: args.handler(args))


def guarded(handler, name: str = "lab") -> int:
    """Runs `handler()` as a command: its exit code; bad input (LabError) or a file the
    checks could not foresee is one line and 2, Ctrl-C is 130, both without a traceback.
    The benchmarks (bench/*.py) end the same way."""
    try:
        return int(handler() or 0)
    except LabError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:    # `lab list --json | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:   # a file the checks could not foresee (disk full, vanished)
        where = f"{error.filename}: " if error.filename else ""
        print(f"{name}: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
