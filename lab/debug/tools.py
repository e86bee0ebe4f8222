"""The tools a `lab run` of one app can attach (--gdb, ...), as one `drive` function
for runner.execute: each tool wraps the way the session is run."""
from __future__ import annotations

from ..errors import LabError

TOOL_OPTIONS = ("gdb",)


def requested(args) -> list[str]:
    return [name for name in TOOL_OPTIONS if getattr(args, name, None) is not None]


def check_usable(args, where: str) -> None:
    """One-line error when a tool is asked for where it cannot attach."""
    tools = requested(args)
    if tools:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in tools)
        raise LabError(f"{options}: for one run on the embedded engine, not {where}")


def driver(args):
    """The drive(session, timeout_s) for the requested tools, or None for a plain run."""
    if getattr(args, "gdb", None) is None:
        return None
    from .gdb import serve_gdb

    return lambda session, timeout_s: serve_gdb(session, timeout_s, args.gdb)
