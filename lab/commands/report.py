"""`lab report DIR`: a results folder's report.html and junit.xml again, from its
result.json and recordings alone (on any machine, without the firmware or the data)."""
from __future__ import annotations

from .arguments import existing_folder


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="rebuild report.html and junit.xml from a results folder",
        description="Recomputes the app's analysis and the scenario's checks from "
                    "result.json, then writes junit.xml and report.html again.")
    parser.add_argument("folder", type=existing_folder, help="a results/<scenario>-... folder")
    parser.set_defaults(handler=report_command)


def report_command(args) -> int:
    from ..report import rebuild
    result, checks = rebuild(args.folder)
    passed = sum(c.passed for c in checks)
    print(f"{args.folder}: report.html and junit.xml rebuilt ({result.app} on "
          f"{result.platform}, {passed}/{len(checks)} checks passed)")
    return 0 if passed == len(checks) else 1
